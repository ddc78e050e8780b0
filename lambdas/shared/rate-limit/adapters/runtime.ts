import type { Logger } from '@aws-lambda-powertools/logger';
import { SETTINGS } from '../../../../lib/config/settings';
import { flags as processFlags } from '../../flags';
import type { LoggerAndMetrics } from '../../logger-metrics';
import { type FlagReader, RateLimiter, type RateLimiterDeps } from '../core/limiter';
import { type PolicySource, StaticPolicySource } from '../core/policy-source';
import type { RateLimitSettings } from '../core/settings';
import type { LimiterStore } from '../core/store';
import { DynamoPolicySource } from './dynamo-policy-source';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import { PowertoolsTelemetry, type RateLimitTelemetry } from './telemetry';

/**
 * Options of {@link RateLimitRuntime.configure}. Everything not given comes from the runtime's
 * {@link RateLimitSettings} (the environment: `REDIS_URL`, `REDIS_CLUSTER`, `LIMITS_TABLE`, `RATE_LIMIT_*`).
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
  /** One metrics/log sink for every handler (tests); default: Powertools on each handler's own Logger/Metrics. */
  telemetry?: RateLimitTelemetry;
  /** Where failed policy reads are logged (default: the Logger of the first handler wired to this runtime). */
  logger?: Pick<Logger, 'error'>;
}

/** One configuration: the limiter, its flags and telemetry, and the stores it created. */
interface Current {
  limiter: RateLimiter;
  flags: FlagReader;
  telemetry: RateLimitTelemetry | undefined;
  /** Powertools telemetry per handler (by its Logger/Metrics pair). */
  handlerTelemetry: WeakMap<LoggerAndMetrics, RateLimitTelemetry>;
  /** Stores created here (closed by reset); injected stores belong to the caller. */
  owned: LimiterStore[];
}

/**
 * The rate limiting of one process: the one {@link RateLimiter} (policy cache, breaker, over-limit cache) that every
 * handler, `getUsage` and `bumpPolicyVersion` of the process share, built from explicit {@link RateLimitSettings}
 * on first use (or from {@link configure} options), and the telemetry of each handler. Lambda code uses the
 * instance constructed in `process-runtime.ts`; tests may build their own.
 */
export class RateLimitRuntime {
  private current: Current | undefined;
  private policyLogger: Pick<Logger, 'error'> | undefined;

  /** @param settings read when a configuration is built (again after {@link reset}) */
  constructor(private readonly settings: () => RateLimitSettings) {}

  /**
   * (Re)configures the limiter: inject a store (Redis URL or in-memory), a clock, a policy source, flags and
   * telemetry — for tests and the local stack. Stores created by a previous configuration are closed.
   * @returns the new limiter
   * @throws {Error} when `store: 'redis'` is asked for without a URL
   */
  configure(opts: RateLimiterOptions = {}): RateLimiter {
    const prev = this.current;
    this.current = this.build(opts);
    if (prev) for (const s of prev.owned) void s.close();
    return this.current.limiter;
  }

  /** Closes stores created by the current configuration and forgets it (the next use re-reads the settings). */
  async reset(): Promise<void> {
    const prev = this.current;
    this.current = undefined;
    if (prev) await Promise.allSettled(prev.owned.map((s) => s.close()));
  }

  /** The limiter (configured from the settings on first use). */
  limiter(): RateLimiter {
    this.current ??= this.build({});
    return this.current.limiter;
  }

  /** The telemetry of a handler: Powertools on its own Logger/Metrics, unless one sink was configured. */
  telemetryFor(obs: LoggerAndMetrics): RateLimitTelemetry {
    this.current ??= this.build({});
    const c = this.current;
    if (c.telemetry) return c.telemetry;
    let t = c.handlerTelemetry.get(obs);
    if (!t) {
      t = new PowertoolsTelemetry(c.flags, obs);
      c.handlerTelemetry.set(obs, t);
    }
    return t;
  }

  /** Offers a handler's Logger for policy-read failures (the first one offered is kept). */
  useLogger(logger: Pick<Logger, 'error'>): void {
    this.policyLogger ??= logger;
  }

  private build(opts: RateLimiterOptions): Current {
    const settings = this.settings();
    const owned: LimiterStore[] = [];
    const flags = opts.flags ?? processFlags;
    const clock = opts.now ? { now: opts.now } : {};
    const redisUrl =
      opts.redisUrl ?? (opts.store === undefined || opts.store === 'redis' ? settings.redisUrl : undefined);
    let store: LimiterStore;
    if (typeof opts.store === 'object') store = opts.store;
    else if (opts.store !== 'memory' && redisUrl) {
      store = new RedisStore({ url: redisUrl, cluster: opts.redisCluster ?? settings.redisCluster });
      owned.push(store);
    } else {
      if (opts.store === 'redis')
        throw new Error(`store "redis" needs redisUrl or ${SETTINGS.redisUrl.name}`);
      store = new MemoryStore(clock);
      owned.push(store);
    }
    const fallback = opts.fallback ?? new MemoryStore(clock);
    if (!opts.fallback) owned.push(fallback);
    const policySource =
      opts.policySource ?? (settings.limitsTable ? new DynamoPolicySource() : new StaticPolicySource());
    const logger = opts.logger;
    const {
      store: _s,
      redisUrl: _u,
      redisCluster: _c,
      fallback: _f,
      policySource: _p,
      flags: _fl,
      telemetry,
      logger: _l,
      ...tuning
    } = opts;
    const limiter = new RateLimiter({
      timeoutMs: settings.timeoutMs,
      breakerThreshold: settings.breakerThreshold,
      breakerCooldownMs: settings.breakerCooldownMs,
      onPolicyError: (e, what) =>
        (logger ?? this.policyLogger)?.error('rate-limit policy read failed; using last known policy', {
          what,
          error: e instanceof Error ? e.message : String(e),
        }),
      ...tuning,
      store,
      fallback,
      policySource,
      flags,
    });
    return { limiter, flags, telemetry, handlerTelemetry: new WeakMap(), owned };
  }
}
