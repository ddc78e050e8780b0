import type { Rule } from '../../../../lib/config/policy';
import { capacity, windowSec } from './resolve';
import type { EvaluateResult, LimitCheck } from './store';

/** Outcome of one rule in one decision. Times in whole seconds, rounded up. */
export interface RuleOutcome {
  rule: Rule;
  /** Counter key (see `keys.ts`). */
  key: string;
  /** The rule could block this request: mode `enforce`, limiting enabled, no bypass. */
  enforced: boolean;
  /** The rule alone allows the request. */
  allowed: boolean;
  /** Requests per period / window (the rule's `limit`). */
  limit: number;
  /** Requests left after this decision. */
  remaining: number;
  /** Seconds until full replenishment (rate) or the window's end (quota), rounded up. */
  resetSec: number;
  /** Seconds to wait when denied (rounded up, ≥ 1); 0 when allowed. */
  retryAfterSec: number;
  /** Window advertised in `RateLimit-Policy` (`w`), seconds. */
  windowSec: number;
}

/** `allowed`: serve; `denied`: 429; `unavailable`: 503 (limiter down on a fail-closed route). */
export type DecisionStatus = 'allowed' | 'denied' | 'unavailable';

/** One limiter decision for one request. */
export interface Decision {
  status: DecisionStatus;
  tenantId: string;
  userId: string;
  tier: string;
  /** Route key, e.g. `POST /v1/reports`. */
  route: string;
  outcomes: RuleOutcome[];
  /** Ids of enforced rules that denied (the problem body's `violated-policies`). */
  violated: string[];
  /** Seconds to wait (429/503), rounded up, ≥ 1; 0 when allowed. */
  retryAfterSec: number;
  /** Decided without Redis (in-memory fallback, or 503 on a closed route). */
  degraded: boolean;
  /** An emergency bypass was active: counted, never blocked. */
  bypassed: boolean;
  /** A non-enforced rule (shadow mode, limiting off, or bypass) would have denied. */
  shadowDenied: boolean;
  /** Allowed, but an enforced rule has less than 10 % of its capacity left. */
  nearLimit: boolean;
  /** Denied from the in-process over-limit cache, without a store call. */
  cached: boolean;
  /** Why the store was not used (degraded decisions): error message. */
  error?: string;
}

/** Whole seconds from ms, rounded **up** (so a client waiting that long is never early). */
export function ceilSec(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** The request fields every decision echoes. */
export interface DecisionSubject {
  tenantId: string;
  userId: string;
  tier: string;
  /** Route key, e.g. `POST /v1/reports`. */
  route: string;
}

/** An `allowed` decision with no rules applied (what a request no rule selects gets). */
export function emptyDecision(s: DecisionSubject): Decision {
  return {
    status: 'allowed',
    tenantId: s.tenantId,
    userId: s.userId,
    tier: s.tier,
    route: s.route,
    outcomes: [],
    violated: [],
    retryAfterSec: 0,
    degraded: false,
    bypassed: false,
    shadowDenied: false,
    nearLimit: false,
    cached: false,
  };
}

/**
 * The outcome of each rule from a store result (same order as `rules` and `res.results`).
 * @param checks the store checks of `rules` (their keys and enforcement)
 */
export function ruleOutcomes(
  rules: readonly Rule[],
  checks: readonly LimitCheck[],
  res: EvaluateResult,
): RuleOutcome[] {
  return rules.map((rule, i) => {
    const r = res.results[i]!;
    return {
      rule,
      key: checks[i]!.key,
      enforced: checks[i]!.enforce && !res.bypassed,
      allowed: r.allowed,
      limit: rule.limit,
      remaining: r.remaining,
      resetSec: ceilSec(r.resetMs),
      retryAfterSec: r.allowed ? 0 : Math.max(1, ceilSec(r.retryAfterMs)),
      windowSec: windowSec(rule, res.nowMs),
    };
  });
}

/**
 * The decision from rule outcomes: denied when an enforced rule denied (wait = the longest of theirs), else allowed,
 * near-limit when an enforced rule has less than `nearLimitRatio` of its capacity left.
 * @param violated the enforced outcomes that denied (computed by the caller, which also caches them)
 */
export function decisionFromOutcomes(
  base: Decision,
  outcomes: RuleOutcome[],
  violated: readonly RuleOutcome[],
  res: Pick<EvaluateResult, 'bypassed'>,
  nearLimitRatio: number,
  degraded: boolean,
  error: string | undefined,
): Decision {
  const denied = violated.length > 0;
  return {
    ...base,
    status: denied ? 'denied' : 'allowed',
    outcomes,
    violated: violated.map((o) => o.rule.id),
    retryAfterSec: denied ? Math.max(...violated.map((o) => o.retryAfterSec)) : 0,
    degraded,
    bypassed: res.bypassed,
    shadowDenied: outcomes.some((o) => !o.enforced && !o.allowed),
    nearLimit: !denied && outcomes.some((o) => o.enforced && o.remaining < capacity(o.rule) * nearLimitRatio),
    ...(error !== undefined ? { error } : {}),
  };
}

/** `unavailable` (503 on a fail-closed route): the store failed with `error`; retry when the circuit allows. */
export function unavailableDecision(base: Decision, retryInMs: number, error: string): Decision {
  return {
    ...base,
    status: 'unavailable',
    degraded: true,
    retryAfterSec: Math.max(1, ceilSec(retryInMs)),
    error,
  };
}
