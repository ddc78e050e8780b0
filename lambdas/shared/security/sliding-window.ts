/**
 * Sliding-window counters for failed-authentication detection. The window is the two-bucket sliding approximation
 * (count = current bucket + previous bucket × the share of it still inside the window): O(1) memory per subject
 * however large the burst. Each subject has at most two live buckets and a cool-down marker, all with a TTL.
 */

/** Result of one hit. */
export interface WindowHit {
  /** Sliding count after this hit (may be fractional: the previous bucket is weighted). */
  count: number;
  /** True for exactly one hit per cool-down: the first at or above the threshold. */
  tripped: boolean;
}

/** Parameters of a window, ms. */
export interface WindowSpec {
  windowMs: number;
  threshold: number;
  cooldownMs: number;
}

/** A store of sliding windows (Redis in AWS and locally with Redis; memory otherwise). */
export interface SlidingWindowStore {
  /**
   * Records one event for `subject` and reports the sliding count; sets the subject's cool-down marker (so
   * `tripped` is true once) when the count reaches the threshold. Keys expire after 2 windows / the cool-down.
   */
  hit(subject: string, spec: WindowSpec): Promise<WindowHit>;
}

/** Redis key of a subject's buckets; the subject is the hash tag (one slot with its marker). */
export function windowKey(subject: string): string {
  return `sec:fa:{${encodeURIComponent(subject)}}`;
}

/** Redis key of a subject's cool-down marker (same slot as {@link windowKey}). */
export function markerKey(subject: string): string {
  return `${windowKey(subject)}:trip`;
}

/** The sliding count at `nowMs` from the current and previous bucket counts. */
export function slidingCount(nowMs: number, windowMs: number, current: number, previous: number): number {
  const elapsed = (nowMs % windowMs) / windowMs;
  return current + previous * (1 - elapsed);
}

/**
 * In-process store (local stack without Redis, tests). Same arithmetic as the Redis script; expired entries are
 * removed on access and by a sweep every 1,000 hits, so memory stays bounded by the live subjects.
 */
export class MemoryWindowStore implements SlidingWindowStore {
  private readonly buckets = new Map<
    string,
    { bucket: number; current: number; previous: number; expiresAt: number }
  >();
  private readonly markers = new Map<string, number>();
  private hits = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(subject: string, spec: WindowSpec): Promise<WindowHit> {
    const now = this.now();
    if (++this.hits % 1000 === 0) this.sweep(now);
    const b = Math.floor(now / spec.windowMs);
    const prior = this.buckets.get(subject);
    let current = 1;
    let previous = 0;
    if (prior && prior.expiresAt > now) {
      if (prior.bucket === b) {
        current = prior.current + 1;
        previous = prior.previous;
      } else if (prior.bucket === b - 1) {
        previous = prior.current;
      }
    }
    this.buckets.set(subject, { bucket: b, current, previous, expiresAt: now + 2 * spec.windowMs });
    const count = slidingCount(now, spec.windowMs, current, previous);
    let tripped = false;
    if (count >= spec.threshold) {
      const until = this.markers.get(subject);
      if (until === undefined || until <= now) {
        this.markers.set(subject, now + spec.cooldownMs);
        tripped = true;
      }
    }
    return { count, tripped };
  }

  /** Live subjects (tests: memory stays bounded). */
  get size(): number {
    return this.buckets.size + this.markers.size;
  }

  private sweep(now: number): void {
    for (const [k, v] of this.buckets) if (v.expiresAt <= now) this.buckets.delete(k);
    for (const [k, until] of this.markers) if (until <= now) this.markers.delete(k);
  }
}

/**
 * The Redis script (KEYS: buckets hash, marker; ARGV: windowMs, threshold, cooldownMs). Time from Redis `TIME`
 * (never the Lambda clock). Buckets older than the previous one are deleted; the hash gets `PEXPIRE 2×window`, the
 * marker `PX cooldown` — every key has a TTL. Returns `{count × 1000 (integer), tripped 0|1}`.
 */
export const SLIDING_WINDOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = tonumber(ARGV[1])
local b = math.floor(now / w)
local cur = redis.call('HINCRBY', KEYS[1], tostring(b), 1)
local prev = tonumber(redis.call('HGET', KEYS[1], tostring(b - 1)) or '0')
local fields = redis.call('HKEYS', KEYS[1])
for _, f in ipairs(fields) do
  if tonumber(f) < b - 1 then redis.call('HDEL', KEYS[1], f) end
end
redis.call('PEXPIRE', KEYS[1], 2 * w)
local count = cur + prev * (1 - (now % w) / w)
local tripped = 0
if count >= tonumber(ARGV[2]) then
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then tripped = 1 end
end
return { math.floor(count * 1000), tripped }
`;

/** The part of an ioredis client (single node or cluster) the Redis store uses. */
export interface RedisEvalClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Sliding windows in Redis: one `EVAL` per hit (the script is cached by Redis after the first call). */
export class RedisWindowStore implements SlidingWindowStore {
  constructor(private readonly redis: RedisEvalClient) {}

  async hit(subject: string, spec: WindowSpec): Promise<WindowHit> {
    const reply = await this.redis.eval(
      SLIDING_WINDOW_LUA,
      2,
      windowKey(subject),
      markerKey(subject),
      spec.windowMs,
      spec.threshold,
      spec.cooldownMs,
    );
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new Error(`sliding window: unexpected reply ${JSON.stringify(reply)}`);
    }
    return { count: Number(reply[0]) / 1000, tripped: Number(reply[1]) === 1 };
  }
}
