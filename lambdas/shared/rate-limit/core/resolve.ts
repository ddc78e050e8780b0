import type { Rule } from '../../../../lib/config/policy';
import { type LimitClass, routeKey } from '../../../../lib/config/routes';
import { counterKey } from './keys';
import type { LimitCheck } from './store';

/** An emergency bypass (limits table item `pk=TENANT#<id>, sk=BYPASS#<bypassId>`). */
export interface Bypass {
  bypassId: string;
  /** Absent = tenant-wide; else only this user. */
  userId?: string;
  reason: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The request attributes rules are matched against. */
export interface RuleTarget {
  /** Actual HTTP method of the request (e.g. `GET` for an `ANY` route). */
  method: string;
  /** The route's method as declared (`ANY` or a method). */
  routeMethod: string;
  /** The route's resource path template, e.g. `/v1/reports/{reportId}`. */
  routePath: string;
  limitClass: LimitClass;
  userId: string;
}

/**
 * Effective policy of a tenant: tier defaults ⊕ tenant overrides, where an override with the same `id` replaces the
 * tier rule and other overrides are added. With `tenantSpecific` false (flag `tenant_specific_limits` off) the
 * overrides are ignored.
 * @returns a new array; order: tier rules (possibly replaced in place), then added overrides
 */
export function effectivePolicy(
  tierRules: readonly Rule[],
  tenantRules: readonly Rule[],
  tenantSpecific: boolean,
): Rule[] {
  if (!tenantSpecific || tenantRules.length === 0) return [...tierRules];
  const byId = new Map(tenantRules.map((r) => [r.id, r]));
  const out = tierRules.map((r) => byId.get(r.id) ?? r);
  const tierIds = new Set(tierRules.map((r) => r.id));
  for (const r of tenantRules) if (!tierIds.has(r.id)) out.push(r);
  return out;
}

/** Whether a rule's `match` selects this request (absent = every route). */
export function matchesRoute(
  rule: Rule,
  t: Pick<RuleTarget, 'method' | 'routeMethod' | 'routePath' | 'limitClass'>,
): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.route !== undefined) {
    return (
      m.route === routeKey({ method: t.routeMethod, path: t.routePath }) ||
      m.route === routeKey({ method: t.method, path: t.routePath })
    );
  }
  if (m.limitClass !== undefined) return m.limitClass === t.limitClass;
  return true;
}

/** Two user rules count the same thing (so a `subject` rule overrides the general one for its user). */
function sameSlot(a: Rule, b: Rule): boolean {
  if (a.scope !== b.scope || a.kind !== b.kind) return false;
  if ((a.match?.route ?? '') !== (b.match?.route ?? '')) return false;
  if ((a.match?.limitClass ?? '') !== (b.match?.limitClass ?? '')) return false;
  return a.kind !== 'quota' || b.kind !== 'quota' || a.window === b.window;
}

/**
 * The rules that apply to one request: those whose `match` selects the route, minus `subject` rules of other users;
 * a `subject` rule for this user replaces the general (subject-less) user rules of the same slot (same kind, match
 * and window) — that is what makes it a per-user override.
 */
export function applicableRules(policy: readonly Rule[], t: RuleTarget): Rule[] {
  const matching = policy.filter(
    (r) => matchesRoute(r, t) && (r.subject === undefined || r.subject === t.userId),
  );
  const personal = matching.filter((r) => r.subject !== undefined);
  if (personal.length === 0) return matching;
  return matching.filter(
    (r) => r.subject !== undefined || r.scope !== 'user' || !personal.some((p) => sameSlot(p, r)),
  );
}

/**
 * Latest expiry (epoch ms) of the bypasses covering this user (tenant-wide or for `userId`), 0 when none. The store
 * compares it with its own clock, so expiry follows Redis time.
 */
export function bypassUntilMs(bypasses: readonly Bypass[], userId: string | undefined): number {
  let until = 0;
  for (const b of bypasses) {
    if (b.userId !== undefined && b.userId !== userId) continue;
    until = Math.max(until, b.expiresAt * 1000);
  }
  return until;
}

/**
 * Store check for a rule. Rate rules: T = periodSec·1000 / limit ms, τ = T · (burst ?? limit).
 * @param enforce false for shadow rules (or when enforcement is off)
 */
export function toCheck(
  rule: Rule,
  tenantId: string,
  userId: string | undefined,
  enforce: boolean,
): LimitCheck {
  const key = counterKey({
    tenantId,
    ruleId: rule.id,
    kind: rule.kind,
    ...(rule.kind === 'quota'
      ? { window: rule.window }
      : { params: `${rule.limit}-${rule.periodSec}-${rule.burst ?? rule.limit}` }),
    ...(rule.scope === 'user' ? { userId: userId ?? '' } : {}),
  });
  if (rule.kind === 'rate') {
    const intervalMs = (rule.periodSec * 1000) / rule.limit;
    return { kind: 'rate', key, intervalMs, toleranceMs: intervalMs * (rule.burst ?? rule.limit), enforce };
  }
  return { kind: 'quota', key, limit: rule.limit, window: rule.window, enforce };
}

/** Capacity of a rule: burst for rate rules (default `limit`), `limit` for quotas. */
export function capacity(rule: Rule): number {
  return rule.kind === 'rate' ? (rule.burst ?? rule.limit) : rule.limit;
}

/** Window of a rule in seconds, as advertised in `RateLimit-Policy` (`w`): period, 86400, or the month's length. */
export function windowSec(rule: Rule, nowMs: number): number {
  if (rule.kind === 'rate') return rule.periodSec;
  if (rule.window === 'day') return 86_400;
  const d = new Date(nowMs);
  return (
    (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) -
      Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)) /
    1000
  );
}
