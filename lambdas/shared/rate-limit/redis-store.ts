import { createHash } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { TIER_VERSIONS_KEY } from './keys';
import { LIMITER_LUA } from './lua';
import {
  type CheckResult,
  type EvaluateRequest,
  type EvaluateResult,
  type LimitCheck,
  type LimiterStore,
  newVersionToken,
  VERSION_TTL_SEC,
} from './store';

/** SHA-1 of {@link LIMITER_LUA}, as `EVALSHA` expects. */
export const LIMITER_SHA = createHash('sha1').update(LIMITER_LUA).digest('hex');

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** `redis://host:port` or `rediss://…` (TLS, ElastiCache in-transit encryption). Ignored when `client` is given. */
  url?: string;
  /** An existing ioredis client (standalone or cluster). The store does not own it unless `ownsClient`. */
  client?: Redis | Cluster;
  /** Close the given client in `close()` (default: true when the store created it). */
  ownsClient?: boolean;
  /** Use the cluster client (ElastiCache Serverless / cluster mode); env `REDIS_CLUSTER=true`. */
  cluster?: boolean;
  /** TCP connect timeout, ms (default 1000). */
  connectTimeoutMs?: number;
  /** Called on connection errors (ioredis `error` events); default: ignored (the limiter counts failures). */
  onError?: (error: Error) => void;
}

/**
 * Creates an ioredis client tuned for Lambda: one client per container (create it outside the handler), short connect
 * timeout, automatic reconnect with capped backoff (freeze/thaw), one retry per command. The limiter adds its own
 * per-call timeout and circuit breaker on top.
 */
export function createRedisClient(opts: RedisStoreOptions & { url: string }): Redis | Cluster {
  const common = {
    connectTimeout: opts.connectTimeoutMs ?? 1_000,
    maxRetriesPerRequest: 1,
    keepAlive: 10_000,
    // Concurrent decisions in one tick go out in one write (fewer syscalls on both ends); no effect on a lone call.
    enableAutoPipelining: true,
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 1_000),
  };
  let client: Redis | Cluster;
  if (opts.cluster) {
    const u = new URL(opts.url);
    client = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
      dnsLookup: (address, callback) => callback(null, address),
      clusterRetryStrategy: common.retryStrategy,
      redisOptions: {
        ...common,
        ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
        ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
        ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      },
    });
  } else {
    client = new Redis(opts.url, common);
  }
  client.on('error', (e: Error) => opts.onError?.(e));
  return client;
}

/**
 * Parses the script's reply: `<nowMs>,<bypassed>,<blocked>,<version>` then `;<allowed>,<remaining>,<resetMs>,<retryMs>`
 * per check (see `lua.ts`).
 * @throws {Error} when the reply does not have one part per check (a script/client version mismatch)
 */
export function parseReply(reply: string, n: number): EvaluateResult {
  const parts = reply.split(';');
  if (parts.length !== n + 1)
    throw new Error(`unexpected limiter script reply (${parts.length - 1} results for ${n} checks)`);
  const head = parts[0]!;
  const c1 = head.indexOf(',');
  const c2 = head.indexOf(',', c1 + 1);
  const c3 = head.indexOf(',', c2 + 1);
  const results: CheckResult[] = [];
  for (let i = 1; i <= n; i++) {
    const [allowed, remaining, reset, retry] = parts[i]!.split(',');
    results.push({
      allowed: allowed === '1',
      remaining: Number(remaining),
      resetMs: Number(reset),
      retryAfterMs: Number(retry),
    });
  }
  return {
    nowMs: Number(head.slice(0, c1)),
    bypassed: head.slice(c1 + 1, c2) === '1',
    blocked: head.slice(c2 + 1, c3) === '1',
    version: head.slice(c3 + 1),
    results,
  };
}

function isNoScript(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith('NOSCRIPT');
}

/**
 * {@link LimiterStore} on Redis / Valkey: each decision is ONE `EVALSHA` of {@link LIMITER_LUA} (falling back to
 * `EVAL` — which also caches the script — when the server answers `NOSCRIPT`, e.g. after a failover or
 * `SCRIPT FLUSH`). Time comes from Redis `TIME`; every key written gets a TTL inside the script.
 */
export class RedisStore implements LimiterStore {
  readonly kind = 'redis';
  readonly client: Redis | Cluster;
  private readonly owns: boolean;
  /** Serialised keys/args per (memoised) checks array. */
  private readonly encoded = new WeakMap<readonly LimitCheck[], { keys: string[]; packed: string }>();

  /** @throws {Error} when neither `url` nor `client` is given */
  constructor(opts: RedisStoreOptions) {
    if (opts.client) {
      this.client = opts.client;
      this.owns = opts.ownsClient ?? false;
    } else if (opts.url) {
      this.client = createRedisClient({ ...opts, url: opts.url });
      this.owns = opts.ownsClient ?? true;
    } else {
      throw new Error('RedisStore needs a url or a client');
    }
  }

  private async run(keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.client.evalsha(LIMITER_SHA, keys.length, ...keys, ...args);
    } catch (e) {
      if (!isNoScript(e)) throw e;
      return this.client.eval(LIMITER_LUA, keys.length, ...keys, ...args);
    }
  }

  async evaluate(req: EvaluateRequest): Promise<EvaluateResult> {
    let enc = this.encoded.get(req.checks);
    if (!enc) {
      const keys: string[] = [];
      const packed: string[] = [];
      for (const c of req.checks) {
        keys.push(c.key);
        packed.push(
          c.kind === 'rate'
            ? `r,${c.enforce ? 1 : 0},${c.intervalMs},${c.toleranceMs}`
            : `q,${c.enforce ? 1 : 0},${c.limit},${c.window}`,
        );
      }
      enc = { keys, packed: packed.join(';') };
      this.encoded.set(req.checks, enc);
    }
    const reply = String(
      await this.run([req.versionKey, ...enc.keys], [req.mode, Math.floor(req.bypassUntilMs), enc.packed]),
    );
    return parseReply(reply, req.checks.length);
  }

  async warmUp(maxMs: number): Promise<void> {
    if (this.client.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      onReady = resolve;
      this.client.once('ready', onReady);
      timer = setTimeout(resolve, maxMs);
      timer.unref?.();
    });
    if (timer) clearTimeout(timer);
    if (onReady) this.client.off('ready', onReady);
  }

  async getVersion(key: string): Promise<string> {
    return (await this.client.get(key)) ?? '';
  }

  async bumpVersion(key: string): Promise<string> {
    const token = newVersionToken(Date.now());
    await this.client.set(key, token, 'EX', VERSION_TTL_SEC);
    return token;
  }

  async getTierVersions(): Promise<Record<string, string>> {
    return this.client.hgetall(TIER_VERSIONS_KEY);
  }

  async bumpTierVersion(tier: string): Promise<string> {
    const token = newVersionToken(Date.now());
    await this.client
      .multi()
      .hset(TIER_VERSIONS_KEY, tier, token)
      .expire(TIER_VERSIONS_KEY, VERSION_TTL_SEC)
      .exec();
    return token;
  }

  async close(): Promise<void> {
    if (!this.owns) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
