import { flags as processFlags } from '../../flags';
import { type FlagReader, RateLimiter, type RateLimiterDeps } from '../core/limiter';
import { type PolicySource, StaticPolicySource } from '../core/policy-source';
import type { LimiterStore } from '../core/store';
import { DynamoPolicySource } from './dynamo-policy-source';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import { PowertoolsTelemetry, type RateLimitTelemetry } from './telemetry';

/**
 * Options of {@link configureRateLimiter}. Everything defaults from the environment:
 * `REDIS_URL` (unset → in-memory store), `REDIS_CLUSTER=true` (cluster client), `LIMITS_TABLE` (unset → tier
 * defaults from `TIER_TABLE`, no overrides), `RATE_LIMIT_TIMEOUT_MS` (25), `RATE_LIMIT_BREAKER_THRESHOLD` (5),
 * `RATE_LIMIT_BREAKER_COOLDOWN_MS` (2000).
 */
export interface RateLimiterOptions
  extends Partial<Omit<RateLimiterDeps, 'store' | 'fallback' | 'policySource' | 'flags'>> {
  /** A store instance, `memory`, or `redis` (needs `redisUrl` or `REDIS_URL`). */
  store?: LimiterStore | 'memory' | 'redis';
  /** Redis URL (`redis://` / `rediss://`); implies `store: 'redis'` when `store` is not given. */
  redisUrl?: string;
  /** Use the Redis cluster client. */
  redisCluster?: boolean;
  /** Fail-open fallback store (default: a fresh in-memory store on the same clock). */
  fallback?: LimiterStore;
  policySource?: PolicySource;
  /** Flag reader (default: `flags` from `lambdas/shared/flags.ts`). */
  flags?: FlagReader;
  /** Metrics/log sink (default: Powertools). */
  telemetry?: RateLimitTelemetry;
}

interface Current {
  limiter: RateLimiter;
  telemetry: RateLimitTelemetry;
  /** Stores created here (closed by reset); injected stores belong to the caller. */
  owned: LimiterStore[];
}

let current: Current | undefined;

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function build(opts: RateLimiterOptions): Current {
  const env = process.env;
  const owned: LimiterStore[] = [];
  const flags = opts.flags ?? processFlags;
  const telemetry = opts.telemetry ?? new PowertoolsTelemetry(flags);
  const redisUrl =
    opts.redisUrl ?? (opts.store === undefined || opts.store === 'redis' ? env.REDIS_URL : undefined);
  let store: LimiterStore;
  if (typeof opts.store === 'object') store = opts.store;
  else if (opts.store !== 'memory' && redisUrl) {
    store = new RedisStore({ url: redisUrl, cluster: opts.redisCluster ?? env.REDIS_CLUSTER === 'true' });
    owned.push(store);
  } else {
    if (opts.store === 'redis') throw new Error('store "redis" needs redisUrl or REDIS_URL');
    store = new MemoryStore(opts.now ? { now: opts.now } : {});
    owned.push(store);
  }
  const fallback = opts.fallback ?? new MemoryStore(opts.now ? { now: opts.now } : {});
  if (!opts.fallback) owned.push(fallback);
  const policySource =
    opts.policySource ?? (env.LIMITS_TABLE ? new DynamoPolicySource() : new StaticPolicySource());
  const log = telemetry instanceof PowertoolsTelemetry ? telemetry.logger : undefined;
  const {
    store: _s,
    redisUrl: _u,
    redisCluster: _c,
    fallback: _f,
    policySource: _p,
    flags: _fl,
    telemetry: _t,
    ...tuning
  } = opts;
  const limiter = new RateLimiter({
    timeoutMs: envInt('RATE_LIMIT_TIMEOUT_MS', 25),
    breakerThreshold: envInt('RATE_LIMIT_BREAKER_THRESHOLD', 5),
    breakerCooldownMs: envInt('RATE_LIMIT_BREAKER_COOLDOWN_MS', 2_000),
    onPolicyError: (e, what) =>
      log?.error('rate-limit policy read failed; using last known policy', {
        what,
        error: e instanceof Error ? e.message : String(e),
      }),
    ...tuning,
    store,
    fallback,
    policySource,
    flags,
  });
  return { limiter, telemetry, owned };
}

/**
 * (Re)configures the process-wide limiter used by `withRateLimit`, `getUsage` and `bumpPolicyVersion`: inject a store
 * (Redis URL or in-memory), a clock, a policy source, flags and telemetry — for tests and the local stack. Stores
 * created by a previous configuration are closed.
 * @returns the new limiter
 * @throws {Error} when `store: 'redis'` is asked for without a URL
 */
export function configureRateLimiter(opts: RateLimiterOptions = {}): RateLimiter {
  const prev = current;
  current = build(opts);
  if (prev) for (const s of prev.owned) void s.close();
  return current.limiter;
}

/** Closes stores created by the current configuration and forgets it (the next use re-reads the environment). */
export async function resetRateLimiter(): Promise<void> {
  const prev = current;
  current = undefined;
  if (prev) await Promise.allSettled(prev.owned.map((s) => s.close()));
}

/** The process-wide limiter (configured from the environment on first use). */
export function rateLimiter(): RateLimiter {
  current ??= build({});
  return current.limiter;
}

/** The process-wide telemetry sink. */
export function rateLimitTelemetry(): RateLimitTelemetry {
  current ??= build({});
  return current.telemetry;
}
