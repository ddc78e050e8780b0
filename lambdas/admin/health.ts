import { DescribeServerlessCachesCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { SETTINGS } from '../../lib/config/settings';

/** Result of one dependency check. */
export interface ProbeResult {
  name: string;
  /** `ok`; `degraded` (reachable but not healthy, e.g. cache `modifying`); `error`; `skipped` (not configured). */
  status: 'ok' | 'degraded' | 'error' | 'skipped';
  /** Wall time of the check, ms (integer). */
  latencyMs: number;
  /** Non-secret detail (cache status, error name). */
  detail?: string;
}

/** One dependency check of `GET /health/deep`. */
export interface HealthProbe {
  name: string;
  /**
   * Resolves with an optional detail when healthy; `{ degraded: detail }` when reachable but unhealthy;
   * `{ skipped: detail }` when not configured. Rejects when unreachable.
   */
  check(): Promise<undefined | string | { degraded: string } | { skipped: string }>;
}

/** Per-probe time limit, ms: a hung dependency answers `error` instead of hanging the health check. */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * Runs every probe in parallel, each bounded by {@link PROBE_TIMEOUT_MS}.
 * @returns overall `ok` only when no probe is `error` or `degraded`, and each probe's result with latency in ms
 */
export async function runProbes(
  probes: readonly HealthProbe[],
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<{ status: 'ok' | 'degraded'; checks: ProbeResult[] }> {
  const checks = await Promise.all(
    probes.map(async (p): Promise<ProbeResult> => {
      const start = performance.now();
      const latency = () => Math.round(performance.now() - start);
      let timer: NodeJS.Timeout | undefined;
      try {
        const out = await Promise.race([
          p.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        if (out && typeof out === 'object') {
          if ('skipped' in out)
            return { name: p.name, status: 'skipped', latencyMs: latency(), detail: out.skipped };
          return { name: p.name, status: 'degraded', latencyMs: latency(), detail: out.degraded };
        }
        return { name: p.name, status: 'ok', latencyMs: latency(), ...(out ? { detail: out } : {}) };
      } catch (err) {
        const e = err as Error;
        return {
          name: p.name,
          status: 'error',
          latencyMs: latency(),
          detail: e.name === 'Error' ? e.message : e.name,
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const bad = checks.some((c) => c.status === 'error' || c.status === 'degraded');
  return { status: bad ? 'degraded' : 'ok', checks };
}

/** DynamoDB reachability (a `GetItem` through the admin repository). */
export function dynamoProbe(ping: () => Promise<void>): HealthProbe {
  return {
    name: 'dynamodb',
    async check() {
      await ping();
      return undefined;
    },
  };
}

/** Minimal client surface used by {@link redisProbe}. */
export interface PingClient {
  ping(): Promise<string>;
}

/**
 * Redis reachability (`PING`) on `REDIS_URL`; `skipped` when unset (the limiter runs on its in-memory store).
 * The client is created once, lazily, outside the request path (short connect/command timeouts, no retry storm).
 */
export function redisProbe(
  url: string | undefined,
  factory: (url: string) => PingClient = defaultRedis,
): HealthProbe {
  let client: PingClient | undefined;
  return {
    name: 'redis',
    async check() {
      if (!url) return { skipped: `${SETTINGS.redisUrl.name} unset: in-memory limiter store` };
      client ??= factory(url);
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`unexpected PING reply`);
      return undefined;
    },
  };
}

function defaultRedis(url: string): PingClient {
  const c = new Redis(url, {
    lazyConnect: false,
    connectTimeout: 1_000,
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  });
  c.on('error', () => undefined); // surfaced through the failing PING
  return c;
}

/**
 * ElastiCache Serverless status via `DescribeServerlessCaches` (`available` = ok, other states = degraded);
 * `skipped` when `ELASTICACHE_CACHE_NAME` is unset (local stack).
 */
export function elasticacheProbe(
  cacheName: string | undefined,
  client: () => Pick<ElastiCacheClient, 'send'> = lazyElastiCache(),
): HealthProbe {
  return {
    name: 'elasticache',
    async check() {
      if (!cacheName) return { skipped: `${SETTINGS.elastiCacheCacheName.name} unset` };
      const out = await client().send(
        new DescribeServerlessCachesCommand({ ServerlessCacheName: cacheName }),
      );
      const status = out.ServerlessCaches?.[0]?.Status ?? 'not-found';
      return status === 'available' ? status : { degraded: status };
    },
  };
}

function lazyElastiCache(): () => ElastiCacheClient {
  let c: ElastiCacheClient | undefined;
  return () => {
    c ??= new ElastiCacheClient({ maxAttempts: 2 });
    return c;
  };
}
