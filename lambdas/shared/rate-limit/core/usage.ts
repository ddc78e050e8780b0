import type { Rule } from '../../../../lib/config/policy';
import { ceilSec } from './decision';
import { capacity } from './resolve';
import type { CheckResult } from './store';

/** Read-only usage of one rule (for `GET /admin/tenants/{id}/usage`). */
export interface UsageEntry {
  ruleId: string;
  scope: Rule['scope'];
  kind: Rule['kind'];
  mode: Rule['mode'];
  /** Requests per period (rate) or window (quota). */
  limit: number;
  /** Burst capacity (rate) or `limit` (quota). */
  capacity: number;
  /** Requests available now. */
  remaining: number;
  /** Used capacity now (`capacity − remaining`). */
  used: number;
  /** Seconds until full replenishment (rate) or the window's end (quota), rounded up. */
  resetSec: number;
  periodSec?: number;
  burst?: number;
  window?: 'day' | 'month';
  match?: Rule['match'];
  subject?: string;
  /** The user the counter belongs to (user-scope rules). */
  userId?: string;
}

/** The rules a usage view covers: tenant-scope rules, plus user-scope rules of `userId` (when given). */
export function usageRules(policy: readonly Rule[], userId: string | undefined): Rule[] {
  return policy.filter((r) =>
    r.scope === 'tenant' ? true : userId !== undefined && (r.subject === undefined || r.subject === userId),
  );
}

/** The usage entry of one rule from a peek result. */
export function usageEntry(rule: Rule, r: CheckResult, userId: string | undefined): UsageEntry {
  const cap = capacity(rule);
  return {
    ruleId: rule.id,
    scope: rule.scope,
    kind: rule.kind,
    mode: rule.mode,
    limit: rule.limit,
    capacity: cap,
    remaining: Math.min(cap, r.remaining),
    used: Math.max(0, cap - r.remaining),
    resetSec: ceilSec(r.resetMs),
    ...(rule.kind === 'rate'
      ? { periodSec: rule.periodSec, burst: rule.burst ?? rule.limit }
      : { window: rule.window }),
    ...(rule.match ? { match: rule.match } : {}),
    ...(rule.subject !== undefined ? { subject: rule.subject } : {}),
    ...(rule.scope === 'user' && userId !== undefined ? { userId } : {}),
  };
}
