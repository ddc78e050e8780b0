/**
 * The limiter's tuning defaults and its environment settings — the one home of each value (the 25 ms store timeout,
 * breaker threshold and cooldown, cache ages, poll interval). The CDK stage config (`lib/config/stages.ts`,
 * `rateLimiter`) sets the same environment variables per stage.
 */

/** Tuning of a `RateLimiter` (defaults: {@link LIMITER_DEFAULTS}). */
export interface LimiterTuning {
  /** Store call timeout, ms (env `RATE_LIMIT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Consecutive store failures that open the circuit (env `RATE_LIMIT_BREAKER_THRESHOLD`). */
  breakerThreshold: number;
  /** Open-circuit cooldown before a trial call, ms (env `RATE_LIMIT_BREAKER_COOLDOWN_MS`). */
  breakerCooldownMs: number;
  /** Longest time a denial is served from the in-process over-limit cache, ms (0 disables). */
  overLimitCacheMs: number;
  /** Max over-limit cache entries. */
  overLimitCacheSize: number;
  /** How often tier versions are polled from the store, ms. */
  tierVersionPollMs: number;
  /** Safety net: cached policies are re-read after this long even without a version change, ms. */
  policyMaxAgeMs: number;
  /** Longest wait for the store's first connection before the first decision, ms. */
  connectTimeoutMs: number;
  /** Allowed requests with less than this share of a rule's capacity left count as near-limit. */
  nearLimitRatio: number;
}

/** The default of every {@link LimiterTuning} value. */
export const LIMITER_DEFAULTS: Readonly<LimiterTuning> = {
  timeoutMs: 25,
  breakerThreshold: 5,
  breakerCooldownMs: 2_000,
  overLimitCacheMs: 1_000,
  overLimitCacheSize: 10_000,
  tierVersionPollMs: 500,
  policyMaxAgeMs: 60_000,
  connectTimeoutMs: 1_000,
  nearLimitRatio: 0.1,
};

/** The limiter's process settings, read from the environment by {@link rateLimitSettingsFromEnv}. */
export interface RateLimitSettings {
  /** `REDIS_URL` (`redis://` / `rediss://`); unset → in-memory store. */
  redisUrl: string | undefined;
  /** `REDIS_CLUSTER=true` → cluster client. */
  redisCluster: boolean;
  /** `LIMITS_TABLE` set → policies from DynamoDB; unset → tier defaults from `TIER_TABLE`, no overrides. */
  limitsTable: boolean;
  /** `RATE_LIMIT_TIMEOUT_MS`, positive number, default {@link LIMITER_DEFAULTS}`.timeoutMs`. */
  timeoutMs: number;
  /** `RATE_LIMIT_BREAKER_THRESHOLD`, positive number, default {@link LIMITER_DEFAULTS}`.breakerThreshold`. */
  breakerThreshold: number;
  /** `RATE_LIMIT_BREAKER_COOLDOWN_MS`, positive number, default {@link LIMITER_DEFAULTS}`.breakerCooldownMs`. */
  breakerCooldownMs: number;
}

/** A positive number from the environment, else the default (unset, empty, non-numeric, zero or negative). */
function positive(value: string | undefined, fallback: number): number {
  const v = Number(value);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * Reads the limiter's settings from an environment (the only place the limiter reads environment variables).
 * @param env e.g. `process.env`
 */
export function rateLimitSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): RateLimitSettings {
  return {
    redisUrl: env.REDIS_URL || undefined,
    redisCluster: env.REDIS_CLUSTER === 'true',
    limitsTable: Boolean(env.LIMITS_TABLE),
    timeoutMs: positive(env.RATE_LIMIT_TIMEOUT_MS, LIMITER_DEFAULTS.timeoutMs),
    breakerThreshold: positive(env.RATE_LIMIT_BREAKER_THRESHOLD, LIMITER_DEFAULTS.breakerThreshold),
    breakerCooldownMs: positive(env.RATE_LIMIT_BREAKER_COOLDOWN_MS, LIMITER_DEFAULTS.breakerCooldownMs),
  };
}
