import type { Rule } from '../../../../lib/config/policy';

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
