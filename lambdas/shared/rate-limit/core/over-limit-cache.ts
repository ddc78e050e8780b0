import { ceilSec, type Decision, type RuleOutcome } from './decision';
import { tenantKeyPrefix } from './keys';
import type { EvaluateResult, LimitCheck } from './store';

/** A denial served from the cache. */
export interface CachedDenial {
  /** Local clock (epoch ms) until which the denial is served without a store call. */
  until: number;
  /** The denial came from the fallback store. */
  degraded: boolean;
  /** Local clock (epoch ms) at which the rule allows again. */
  allowAt: number;
  outcome: RuleOutcome;
}

/**
 * In-process over-limit cache (docs/rate-limiting.md: spare Redis under attack): a counter key that denied is answered
 * locally until its retry time, for at most `maxAgeMs`, without a store call. Bounded: the oldest entry goes first.
 */
export class OverLimitCache {
  private readonly denials = new Map<string, CachedDenial>();

  /**
   * @param maxAgeMs longest time one denial is served from the cache, ms (0 disables the cache)
   * @param maxSize max entries
   */
  constructor(
    private readonly maxAgeMs: number,
    private readonly maxSize: number,
  ) {}

  /** A live cached denial of one of the enforced checks, or `undefined`. */
  lookup(checks: readonly LimitCheck[], now: number): CachedDenial | undefined {
    if (this.maxAgeMs <= 0 || this.denials.size === 0) return undefined;
    for (const c of checks) {
      if (!c.enforce) continue;
      const hit = this.denials.get(c.key);
      if (!hit) continue;
      if (hit.until > now) return hit;
      this.denials.delete(c.key);
    }
    return undefined;
  }

  /** Caches the violated outcomes of a denial (their retry times come from the store result). */
  remember(
    violated: readonly RuleOutcome[],
    res: EvaluateResult,
    checks: readonly LimitCheck[],
    now: number,
    degraded: boolean,
  ): void {
    if (this.maxAgeMs <= 0) return;
    for (const o of violated) {
      const i = checks.findIndex((c) => c.key === o.key);
      const retryMs = res.results[i]?.retryAfterMs ?? 0;
      if (retryMs <= 0) continue;
      if (this.denials.size >= this.maxSize) {
        const oldest = this.denials.keys().next().value;
        if (oldest !== undefined) this.denials.delete(oldest);
      }
      this.denials.set(o.key, {
        until: now + Math.min(retryMs, this.maxAgeMs),
        degraded,
        allowAt: now + retryMs,
        outcome: { ...o, remaining: 0 },
      });
    }
  }

  /** Drops the cached denials of one tenant (its policy changed), or all of them. */
  forget(tenantId?: string): void {
    if (tenantId === undefined) {
      this.denials.clear();
      return;
    }
    const prefix = tenantKeyPrefix(tenantId);
    for (const k of this.denials.keys()) if (k.startsWith(prefix)) this.denials.delete(k);
  }
}

/** The `denied` decision served from a cached denial (no store call): wait until the rule allows again. */
export function cachedDenialDecision(base: Decision, hit: CachedDenial, now: number): Decision {
  return {
    ...base,
    status: 'denied',
    outcomes: [hit.outcome],
    violated: [hit.outcome.rule.id],
    retryAfterSec: Math.max(1, ceilSec(hit.allowAt - now)),
    cached: true,
    degraded: hit.degraded,
  };
}
