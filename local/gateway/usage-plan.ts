import type { UsagePlanLimits } from '../../lib/config/tiers';

/** Why a usage plan rejected a request. */
export type UsagePlanRejection = 'throttle' | 'quota';

interface KeyState {
  /** Tokens in the bucket (fractional). */
  tokens: number;
  /** Last refill time, ms. */
  refilledAt: number;
  /** UTC day (`YYYY-MM-DD`) the quota counter belongs to. */
  day: string;
  used: number;
}

/**
 * API Gateway usage-plan enforcement per API key, as the local gateway plays it: a token bucket of
 * `burstLimit` tokens refilled at `rateLimit` tokens per second (API Gateway request throttling), and a quota of
 * `quotaPerDay` requests per UTC day. A rejected request consumes nothing.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export class UsagePlanThrottle {
  private readonly keys = new Map<string, KeyState>();

  /** @param now clock, epoch ms */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes one request from `apiKey`'s bucket and quota.
   * @returns `undefined` when allowed, else why it was rejected (`throttle` → API Gateway's 429
   * "Too Many Requests", `quota` → 429 "Limit Exceeded")
   */
  take(apiKey: string, plan: UsagePlanLimits): UsagePlanRejection | undefined {
    const t = this.now();
    const day = new Date(t).toISOString().slice(0, 10);
    let s = this.keys.get(apiKey);
    if (!s) {
      s = { tokens: plan.burstLimit, refilledAt: t, day, used: 0 };
      this.keys.set(apiKey, s);
    }
    s.tokens = Math.min(plan.burstLimit, s.tokens + ((t - s.refilledAt) / 1000) * plan.rateLimit);
    s.refilledAt = t;
    if (s.day !== day) {
      s.day = day;
      s.used = 0;
    }
    if (s.tokens < 1) return 'throttle';
    if (s.used >= plan.quotaPerDay) return 'quota';
    s.tokens -= 1;
    s.used += 1;
    return undefined;
  }

  /** Forgets every key's state. */
  reset(): void {
    this.keys.clear();
  }
}
