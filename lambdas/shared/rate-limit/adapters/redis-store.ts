import { createHash } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { timeRedisClient } from '../../apm/dependency-latency';
import { keySlot, TIER_VERSIONS_KEY } from '../core/keys';
import {
  type CheckResult,
  type EvaluateRequest,
  type EvaluateResult,
  type LimitCheck,
  type LimiterStore,
  newVersionToken,
  VERSION_TTL_SEC,
} from '../core/store';
import { LIMITER_LUA } from './lua';

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
  /**
   * Decisions started in the same tick are written to the socket together, at most this many per write
   * (`writev`; default 16; 1 = one write per decision). Standalone clients only.
   */
  writeBatch?: number;
}

/**
 * Reconnect delay after the `times`-th consecutive failed attempt, ms: the first reconnect is immediate — after a
 * Lambda thaw or a server idle timeout the socket is simply gone and a new one takes a millisecond, well inside the
 * limiter's store timeout — then 100, 200, 400 … capped at 1000 ms while the server stays away.
 */
export function reconnectDelayMs(times: number): number {
  return times <= 1 ? 0 : Math.min(50 * 2 ** (times - 1), 1_000);
}

/**
 * Shortest interval between two slot-map reloads asked by the limiter on store failures, ms: while a primary is down
 * the map is re-read about 4×/s, so its promoted replica is used within ~250 ms of the promotion.
 */
export const SHARD_MAP_REFRESH_MIN_INTERVAL_MS = 250;

/**
 * Redis Cluster client options (ioredis `ClusterOptions`), chosen for a limiter whose every call is bounded by a
 * 25 ms timeout and falls back (or answers 503) beyond it — retrying later than that only produces late writes for
 * decisions already made without Redis:
 * - `scaleReads: 'master'`: the script writes, and the version/tier reads must see the latest writes (replicas lag).
 * - `maxRedirections: 6`: MOVED → ASK → TRYAGAIN during a slot migration needs 2–3; more only delays an error.
 * - `retryDelayOnTryAgain: 5`: a multi-key call in a slot being migrated is retried after 5 ms (the slot's keys move
 *   in a few ms), not the default 100 ms, so a decision during `reshard` still completes inside the timeout.
 * - `retryDelayOnFailover: 50` / `retryDelayOnClusterDown: 50`: retry (and refresh the slot map) 50 ms after a node
 *   closed or the cluster reported CLUSTERDOWN; a failover takes seconds, retrying sooner only loads a recovering
 *   cluster. The limiter has already fallen back by then.
 * - `slotsRefreshInterval: 5000` (the default): the slot map is also re-read periodically; MOVED refreshes it at once.
 * - No `natMap` (the cluster announces addresses clients can reach: ElastiCache, loopback).
 * - The offline queue stays on: a command issued while the client reconnects waits for the connection (bounded by the
 *   limiter's timeout) instead of failing at once, which is what lets the first decision after a thaw use Redis.
 * - No ioredis `commandTimeout`: the limiter's own per-call timeout is the bound; an ioredis-timed-out command would
 *   still be sent when its retry fires.
 */
export const CLUSTER_CLIENT_OPTIONS = {
  scaleReads: 'master',
  maxRedirections: 6,
  retryDelayOnTryAgain: 5,
  retryDelayOnFailover: 50,
  retryDelayOnClusterDown: 50,
  retryDelayOnMoved: 0,
  slotsRefreshInterval: 5_000,
  enableOfflineQueue: true,
} as const;

/**
 * Creates an ioredis client tuned for Lambda: one client per container (create it outside the handler), short connect
 * timeout, automatic reconnect — immediate first attempt, then capped backoff ({@link reconnectDelayMs}; freeze/thaw,
 * idle timeouts) — one retry per command. Cluster mode adds {@link CLUSTER_CLIENT_OPTIONS}. The limiter adds its own
 * per-call timeout and per-shard circuit breakers on top.
 */
export function createRedisClient(opts: RedisStoreOptions & { url: string }): Redis | Cluster {
  const common = {
    connectTimeout: opts.connectTimeoutMs ?? 1_000,
    maxRetriesPerRequest: 1,
    keepAlive: 10_000,
    // No auto-pipelining: measured (bench:limiter, 64 concurrent decisions in one process) it makes Node and Redis
    // work in lock-step batches and costs a Pipeline object per batch; the store coalesces its own writes per tick
    // instead (`RedisStore.cork`). A Lambda container has one request at a time anyway.
    enableAutoPipelining: false,
  };
  let client: Redis | Cluster;
  if (opts.cluster) {
    const u = new URL(opts.url);
    client = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
      ...CLUSTER_CLIENT_OPTIONS,
      dnsLookup: (address, callback) => callback(null, address),
      clusterRetryStrategy: reconnectDelayMs,
      // A node connection closed by the server (idle timeout, thaw) reconnects in place, at once: the slot map still
      // points at it, so the next command goes straight there (no random node + MOVED + second connect). A node that
      // stays away is dropped after 3 attempts; the slot map refresh then finds its replacement.
      clusterNodeRetryStrategy: (times: number) => (times > 3 ? null : reconnectDelayMs(times)),
      redisOptions: {
        ...common,
        // No INFO round trip before a node connection is used: a node still loading answers LOADING, which the
        // limiter treats like any store error (fallback), instead of every (re)connect costing one more round trip.
        enableReadyCheck: false,
        ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
        ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
        ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      },
    });
  } else {
    client = new Redis(opts.url, { ...common, retryStrategy: reconnectDelayMs });
  }
  client.on('error', (e: Error) => opts.onError?.(e));
  // APM: every command's latency as RedisLatency (dimension operation), published after each request.
  return timeRedisClient(client);
}

/**
 * Parses the script's reply: `[nowMs, flags, version, …per check: allowed, remaining, resetMs, retryAfterMs]` with
 * `flags` = 1 bypassed + 2 blocked + 4 stale (see `lua.ts`). A stale reply carries no per-check fields.
 * @throws {Error} when the reply does not have four fields per check (a script/client version mismatch)
 */
export function parseReply(reply: unknown, n: number): EvaluateResult {
  if (!Array.isArray(reply) || reply.length < 3) throw new Error('unexpected limiter script reply');
  const flags = reply[1] as number;
  const nowMs = reply[0] as number;
  const version = String(reply[2]);
  if (flags & 4) return { nowMs, version, bypassed: false, blocked: false, stale: true, results: [] };
  if (reply.length !== 3 + 4 * n)
    throw new Error(`unexpected limiter script reply (${(reply.length - 3) / 4} results for ${n} checks)`);
  const results: CheckResult[] = new Array(n);
  for (let i = 0, o = 3; i < n; i++, o += 4) {
    results[i] = {
      allowed: reply[o] === 1,
      remaining: reply[o + 1] as number,
      resetMs: reply[o + 2] as number,
      retryAfterMs: reply[o + 3] as number,
    };
  }
  return { nowMs, version, bypassed: (flags & 1) === 1, blocked: (flags & 2) === 2, results };
}

/** `EVALSHA`/`EVAL` as ioredis accepts them at run time: array arguments are flattened one level. */
type ScriptCall = (
  script: string,
  numKeys: number,
  ...args: (string | number | readonly (string | number)[])[]
) => Promise<unknown>;

/** Script keys (version key first) and per-check arguments of one resolved policy. */
interface Encoded {
  keys: string[];
  checkArgs: (string | number)[];
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
  private readonly encoded = new WeakMap<readonly LimitCheck[], Encoded>();

  private readonly evalsha: ScriptCall;
  private readonly eval: ScriptCall;

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
    this.writeBatch = Math.max(1, opts.writeBatch ?? 16);
    this.evalsha = this.client.evalsha.bind(this.client) as unknown as ScriptCall;
    this.eval = this.client.eval.bind(this.client) as unknown as ScriptCall;
  }

  private async run(enc: Encoded, mode: string, bypassUntilMs: number, expect: string): Promise<unknown> {
    // ioredis flattens array arguments one level (`args.flat()`): the cached arrays are passed as they are.
    const n = enc.keys.length;
    if (this.writeBatch > 1) this.cork();
    try {
      return await this.evalsha(LIMITER_SHA, n, enc.keys, mode, bypassUntilMs, expect, enc.checkArgs);
    } catch (e) {
      if (!isNoScript(e)) throw e;
      return this.eval(LIMITER_LUA, n, enc.keys, mode, bypassUntilMs, expect, enc.checkArgs);
    }
  }

  private readonly writeBatch: number;
  private corkedWrites = 0;
  private corkBatch = 0;
  private corkedStream: Redis['stream'] | undefined;

  /**
   * Coalesces the writes of decisions started in the same tick into one `writev` (standalone client): the socket is
   * corked on the first call of a tick and uncorked on `process.nextTick`. Measured cheaper than one write syscall
   * per command and than ioredis auto-pipelining (a Pipeline object per batch, lock-step batches). No-op for the
   * cluster client and while disconnected (ioredis queues offline commands itself).
   */
  private cork(): void {
    if (this.corkedWrites > 0 && this.corkedWrites < this.writeBatch) {
      this.corkedWrites++;
      return;
    }
    // A full batch goes out now: small batches keep Redis busy while Node prepares the next ones.
    this.uncork();
    if (this.client.status !== 'ready') return;
    const stream = (this.client as Redis).stream;
    if (!stream || typeof stream.cork !== 'function') return;
    stream.cork();
    this.corkedStream = stream;
    this.corkedWrites = 1;
    const batch = ++this.corkBatch;
    process.nextTick(() => {
      if (this.corkBatch === batch) this.uncork();
    });
  }

  private uncork(): void {
    const stream = this.corkedStream;
    this.corkedStream = undefined;
    this.corkedWrites = 0;
    stream?.uncork();
  }

  /** Keys and per-check arguments of a checks array, built once per resolved policy (memoised by identity). */
  private encode(req: EvaluateRequest): Encoded {
    let enc = this.encoded.get(req.checks);
    if (enc && enc.keys[0] === req.versionKey) return enc;
    const keys: string[] = [req.versionKey];
    const checkArgs: (string | number)[] = [];
    for (const c of req.checks) {
      keys.push(c.key);
      if (c.kind === 'rate')
        checkArgs.push(c.enforce ? 'r1' : 'r0', c.intervalMs * 1000, c.toleranceMs * 1000);
      else checkArgs.push(c.enforce ? 'q1' : 'q0', c.limit, c.window);
    }
    enc = { keys, checkArgs };
    this.encoded.set(req.checks, enc);
    return enc;
  }

  async evaluate(req: EvaluateRequest): Promise<EvaluateResult> {
    const expect = req.mode === 'check' && req.expectVersion !== undefined ? req.expectVersion : '*';
    const reply = await this.run(this.encode(req), req.mode, Math.floor(req.bypassUntilMs), expect);
    return parseReply(reply, req.checks.length);
  }

  /**
   * Cluster client: `host:port` of the primary serving `key`'s slot in the client's current slot map (`''` before
   * the map is loaded); standalone: `''` (one shard). The limiter keeps a circuit breaker per value.
   */
  shardOf(key: string): string {
    if (!(this.client instanceof Cluster)) return '';
    return this.client.slots[keySlot(key)]?.[0] ?? '';
  }

  private lastShardMapRefresh = Number.NEGATIVE_INFINITY;

  /**
   * Cluster client: starts a slot-map reload (`CLUSTER SLOTS` on a known node) unless one started in the last
   * {@link SHARD_MAP_REFRESH_MIN_INTERVAL_MS}; errors are ignored (the periodic refresh still runs). Standalone: no-op.
   */
  refreshShardMap(): void {
    if (!(this.client instanceof Cluster)) return;
    const now = performance.now();
    if (now - this.lastShardMapRefresh < SHARD_MAP_REFRESH_MIN_INTERVAL_MS) return;
    this.lastShardMapRefresh = now;
    this.client.refreshSlotsCache(() => undefined);
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
