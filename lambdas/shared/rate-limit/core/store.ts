/**
 * The storage interface of the limiter. Two implementations pass one conformance suite: `RedisStore` (one Lua
 * script, Redis `TIME`) and `MemoryStore` (same algorithms in TypeScript, injectable clock).
 */

/** One GCRA rate check. `intervalMs` = T = period / limit; `toleranceMs` = τ = T · burst. */
export interface RateCheck {
  kind: 'rate';
  key: string;
  /** Emission interval T, ms (may be fractional). */
  intervalMs: number;
  /** Burst tolerance τ = T · burst, ms. */
  toleranceMs: number;
  /** `false` = shadow: evaluated and (if it individually allows) counted, but never blocks the request. */
  enforce: boolean;
}

/** One calendar-window quota check. */
export interface QuotaCheck {
  kind: 'quota';
  key: string;
  /** Requests per window. */
  limit: number;
  /** `day` / `month` = UTC calendar windows; a number = fixed epoch-aligned window of that many seconds (tests). */
  window: 'day' | 'month' | number;
  enforce: boolean;
}

/** A check of one rule against one counter key. */
export type LimitCheck = RateCheck | QuotaCheck;

/** Input of one decision: every key must share the tenant's hash tag. */
export interface EvaluateRequest {
  /** {@link policyVersionKey} of the tenant; its value is returned as `version`. */
  versionKey: string;
  checks: LimitCheck[];
  /** Emergency bypass active until this epoch time, ms (0 = none), compared with the store's clock. */
  bypassUntilMs: number;
  /** `check` counts the request (all-or-nothing); `peek` only reads. */
  mode: 'check' | 'peek';
  /**
   * The tenant policy version the caller's checks were resolved at (`''` = version key unset). When given (check
   * mode) and the stored version differs, the store answers `stale: true` with the current `version` and **touches
   * no counter**: the caller reloads the policy and decides again. Omit to skip the comparison (peek, fallback, or
   * a policy whose version is unknown).
   */
  expectVersion?: string;
}

/** Per-check result. Times are ms relative to the store's `nowMs`. */
export interface CheckResult {
  /** This rule alone would allow the request. */
  allowed: boolean;
  /** Requests left after this decision (0 when this check denies; unchanged state when the decision is blocked). */
  remaining: number;
  /** Until the counter is fully replenished (rate) or the window ends (quota), ms. */
  resetMs: number;
  /** When denied: wait this long before the same request is allowed, ms. 0 when allowed. */
  retryAfterMs: number;
}

/** Result of one decision. */
export interface EvaluateResult {
  /** Store time of the decision (Redis `TIME` or the injected clock), epoch ms. */
  nowMs: number;
  /** Current value of the tenant's version key ('' when unset). */
  version: string;
  /** The bypass was active at `nowMs`: nothing blocked. */
  bypassed: boolean;
  /** Some enforced check denied (and no bypass): nothing was counted. */
  blocked: boolean;
  /**
   * `expectVersion` was given and differs from the stored version: nothing was evaluated or counted, `results` is
   * empty and `version` holds the current token. Absent/false otherwise.
   */
  stale?: boolean;
  results: CheckResult[];
}

/**
 * A limiter store. `evaluate` is atomic and all-or-nothing: when `blocked`, no counter changed; otherwise every check
 * that individually allows was counted (shadow checks that would deny are not counted). Every key written gets a TTL.
 */
export interface LimiterStore {
  /** Human-readable kind for logs/metrics (`redis`, `memory`). */
  readonly kind: string;
  /** @throws store errors (connection, timeout); the limiter applies the route's fail mode */
  evaluate(req: EvaluateRequest): Promise<EvaluateResult>;
  /** Current value of a version key ('' when unset). */
  getVersion(key: string): Promise<string>;
  /** Sets a version key to a fresh opaque token with a long TTL (30 days); returns the token. */
  bumpVersion(key: string): Promise<string>;
  /** Tier policy versions (tier → token). */
  getTierVersions(): Promise<Record<string, string>>;
  /** Sets a fresh version token for a tier. */
  bumpTierVersion(tier: string): Promise<string>;
  /** Releases connections/timers. */
  close(): Promise<void>;
  /**
   * Optional: waits (at most `maxMs`) for the store's first connection. Called once per limiter before its first
   * decision, so a cold start (TCP/TLS handshake) is not mistaken for an outage; reconnects are not waited for.
   */
  warmUp?(maxMs: number): Promise<void>;
  /**
   * Optional: the name of the shard that serves `key` right now (a Redis Cluster primary's `host:port`). The limiter
   * keeps one circuit breaker per shard, so a failing shard does not degrade tenants on healthy ones; a key's shard
   * changes when a replica takes over or its slot moves. Stores without shards omit it (one breaker).
   */
  shardOf?(key: string): string;
  /**
   * Optional: reload the shard map now (Redis Cluster: `CLUSTER SLOTS`); cheap to call often — the store rate-limits
   * it. The limiter calls it whenever a store call fails: a shard whose circuit is open sends no command that could
   * teach the client that a replica took over, so without it the promoted replica is found only at the next periodic
   * refresh (up to 5 s later; measured in `npm run bench:cluster`).
   */
  refreshShardMap?(): void;
}

/** Version tokens live 30 days (refreshed on every bump); an expired token only causes one extra policy read. */
export const VERSION_TTL_SEC = 30 * 24 * 3600;

/** A fresh, never-repeating version token (time + random), so an expired-and-rebumped key cannot look unchanged. */
export function newVersionToken(nowMs: number): string {
  return `${nowMs.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
