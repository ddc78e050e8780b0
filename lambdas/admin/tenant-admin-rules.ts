import { isDeepStrictEqual } from 'node:util';
import type { Policy, Rule } from '../../lib/config/policy';
import { findRoute } from '../../lib/config/routes';
import type { FieldError } from '../shared/http/problem';
import { effectivePolicy } from '../shared/rate-limit/core/resolve';

/** A per-user rule: `scope: "user"` with a `subject` (the only kind a tenant-admin may write). */
export function isPerUserRule(r: Rule): boolean {
  return r.scope === 'user' && r.subject !== undefined;
}

/** Whether rule `c` applies to every route that rule `r` applies to. */
function covers(c: Rule, r: Rule): boolean {
  const cm = c.match;
  if (!cm || (cm.route === undefined && cm.limitClass === undefined)) return true;
  const rm = r.match;
  if (cm.route !== undefined) return rm?.route === cm.route;
  if (rm?.limitClass !== undefined) return rm.limitClass === cm.limitClass;
  if (rm?.route !== undefined) {
    const [method = '', path = ''] = rm.route.split(' ');
    return findRoute(method, path)?.limitClass === cm.limitClass;
  }
  return false;
}

/** Burst capacity of a rate rule (default `limit`). */
function burstOf(r: Rule & { kind: 'rate' }): number {
  return r.burst ?? r.limit;
}

/**
 * Checks a tenant-admin's `PUT …/limits` body. A tenant-admin may add, change or remove per-user rules only;
 * each must be enforced, use its own id (not one of the tier's or the tenant's other rules, which it would replace)
 * and stay within the tenant's own effective rules (tier defaults ⊕ the tenant's non-per-user overrides) that
 * cover it: same kind (and quota window), enforced, tenant-scope or general user-scope, and a `match` that covers
 * the rule's routes. Rates compare as `limit / periodSec` (and burst), quotas as `limit`.
 * @param current stored overrides
 * @param proposed validated body rules
 * @param tierRules the tier's policy
 * @returns violations with field paths (`rules.<i>…`); empty when allowed
 */
export function tenantAdminViolations(current: Policy, proposed: Policy, tierRules: Policy): FieldError[] {
  const errors: FieldError[] = [];
  const fixedCurrent = current.filter((r) => !isPerUserRule(r));
  proposed.forEach((r, i) => {
    if (!isPerUserRule(r) && !fixedCurrent.some((c) => isDeepStrictEqual(c, r))) {
      errors.push({
        path: `rules.${i}`,
        message: 'tenant-admins may only change per-user rules (scope "user" with a subject)',
      });
    }
  });
  for (const c of fixedCurrent) {
    if (!proposed.some((r) => isDeepStrictEqual(c, r))) {
      errors.push({ path: 'rules', message: `tenant-admins may not remove or change tenant rule "${c.id}"` });
    }
  }
  const ceilingPolicy = effectivePolicy(tierRules, fixedCurrent, true);
  const reserved = new Set(ceilingPolicy.map((r) => r.id));
  proposed.forEach((r, i) => {
    if (!isPerUserRule(r)) return;
    if (reserved.has(r.id)) {
      errors.push({
        path: `rules.${i}.id`,
        message: `"${r.id}" is a tenant-wide rule id; per-user rules need their own id`,
      });
    }
    if (r.mode !== 'enforce') {
      errors.push({
        path: `rules.${i}.mode`,
        message: 'per-user rules set by tenant-admins must be enforced',
      });
    }
    for (const c of ceilingPolicy) {
      if (c.mode !== 'enforce' || c.kind !== r.kind || c.subject !== undefined || !covers(c, r)) continue;
      if (c.kind === 'rate' && r.kind === 'rate') {
        if (r.limit * c.periodSec > c.limit * r.periodSec) {
          errors.push({
            path: `rules.${i}.limit`,
            message: `exceeds the tenant's rule "${c.id}" (${c.limit} per ${c.periodSec} s)`,
          });
        }
        if (burstOf(r) > burstOf(c)) {
          errors.push({
            path: `rules.${i}.burst`,
            message: `exceeds the burst of the tenant's rule "${c.id}" (${burstOf(c)})`,
          });
        }
      } else if (c.kind === 'quota' && r.kind === 'quota' && c.window === r.window && r.limit > c.limit) {
        errors.push({
          path: `rules.${i}.limit`,
          message: `exceeds the tenant's rule "${c.id}" (${c.limit} per ${c.window})`,
        });
      }
    }
  });
  return errors;
}
