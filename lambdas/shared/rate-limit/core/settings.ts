import { TABLES } from '../../../../lib/config/data-model';
import { type Env, SETTINGS, settingOrDefault } from '../../../../lib/config/settings';

/**
 * The limiter's tuning defaults and its environment settings. The environment variables (store timeout, breaker
 * threshold and cooldown: names, defaults, bounds) live in `lib/config/settings.ts`, which the CDK stage config
 * (`lib/config/stages.ts`, `rateLimiter`) and the local stack use too; the in-process tuning (cache ages, poll
 * interval) lives here.
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
  timeoutMs: SETTINGS.rateLimitTimeoutMs.default,
  breakerThreshold: SETTINGS.rateLimitBreakerThreshold.default,
  breakerCooldownMs: SETTINGS.rateLimitBreakerCooldownMs.default,
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
  /** `RATE_LIMIT_TIMEOUT_MS` (`SETTINGS.rateLimitTimeoutMs`: integer 1–1000, default 25). */
  timeoutMs: number;
  /** `RATE_LIMIT_BREAKER_THRESHOLD` (`SETTINGS.rateLimitBreakerThreshold`: integer 1–100, default 5). */
  breakerThreshold: number;
  /** `RATE_LIMIT_BREAKER_COOLDOWN_MS` (`SETTINGS.rateLimitBreakerCooldownMs`: integer 100–60000, default 2000). */
  breakerCooldownMs: number;
}

/**
 * Reads the limiter's settings from an environment (the only place the limiter reads environment variables). A
 * value outside its bounds (or not an integer) falls back to the default, as an unset one does.
 * @param env e.g. `process.env`
 */
export function rateLimitSettingsFromEnv(env: Env): RateLimitSettings {
  return {
    redisUrl: settingOrDefault(env, SETTINGS.redisUrl) || undefined,
    redisCluster: settingOrDefault(env, SETTINGS.redisCluster),
    limitsTable: Boolean(env[TABLES.limits.envVar]),
    timeoutMs: settingOrDefault(env, SETTINGS.rateLimitTimeoutMs),
    breakerThreshold: settingOrDefault(env, SETTINGS.rateLimitBreakerThreshold),
    breakerCooldownMs: settingOrDefault(env, SETTINGS.rateLimitBreakerCooldownMs),
  };
}
