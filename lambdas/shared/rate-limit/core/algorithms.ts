/**
 * Limit algorithms (pure functions, no I/O). The in-memory store uses them directly; the Redis Lua script
 * (`lua.ts`) is a line-by-line transcription, and one conformance suite checks both give the same answers.
 */

/** A tiny epsilon so that float division of exact multiples does not floor one request short. */
const EPS = 1e-9;

/** Result of a GCRA step. */
export interface GcraResult {
  allowed: boolean;
  /** New TAT to store when allowed (epoch ms). */
  newTat: number;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
}

/**
 * Generic Cell Rate Algorithm (ITU-T I.371 virtual scheduling; see also https://brandur.org/rate-limiting).
 * A request at `now` is allowed when `max(tat, now) + T − τ ≤ now`, i.e. at most `burst` requests at once and one
 * more every T after that.
 * @param tat stored theoretical arrival time, epoch ms (`undefined` = no state)
 * @param now current time, epoch ms
 * @param intervalMs T = periodMs / limit
 * @param toleranceMs τ = T · burst
 */
export function gcra(
  tat: number | undefined,
  now: number,
  intervalMs: number,
  toleranceMs: number,
): GcraResult {
  const base = tat === undefined || tat < now ? now : tat;
  const newTat = base + intervalMs;
  const allowAt = newTat - toleranceMs;
  if (allowAt <= now) {
    return {
      allowed: true,
      newTat,
      remaining: Math.floor((now - allowAt) / intervalMs + EPS),
      resetMs: Math.ceil(newTat - now),
      retryAfterMs: 0,
    };
  }
  return {
    allowed: false,
    newTat: base,
    remaining: 0,
    resetMs: Math.ceil(base - now),
    retryAfterMs: Math.ceil(allowAt - now),
  };
}

/** Read-only view of a GCRA counter: requests available right now and time to full replenishment. */
export function gcraPeek(
  tat: number | undefined,
  now: number,
  intervalMs: number,
  toleranceMs: number,
): { remaining: number; resetMs: number } {
  const base = tat === undefined || tat < now ? now : tat;
  return {
    remaining: Math.max(0, Math.floor((toleranceMs - (base - now)) / intervalMs + EPS)),
    resetMs: Math.ceil(base - now),
  };
}

/** A quota window: an id that changes when the window rolls over, and its end (epoch ms). */
export interface QuotaWindow {
  id: string;
  endMs: number;
}

/**
 * The calendar window containing `now` (UTC). `day` starts at 00:00:00 UTC; `month` on the 1st at 00:00 UTC;
 * a number `n` is a fixed window of `n` seconds aligned to the Unix epoch (so `86400` equals `day`).
 */
export function quotaWindow(now: number, window: 'day' | 'month' | number): QuotaWindow {
  if (window === 'month') {
    const d = new Date(now);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth(); // 0-based
    return { id: `m${y * 12 + m + 1}`, endMs: Date.UTC(y, m + 1, 1) };
  }
  const sizeMs = (window === 'day' ? 86_400 : window) * 1000;
  const n = Math.floor(now / sizeMs);
  return { id: `${window === 'day' ? 'd' : 'f'}${n}`, endMs: (n + 1) * sizeMs };
}

/** Result of a quota step. */
export interface QuotaResult {
  allowed: boolean;
  /** Count to store when allowed. */
  newCount: number;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
}

/**
 * Fixed calendar-window counter.
 * @param count requests already counted in the current window
 * @param limit requests allowed per window
 * @param win the current window
 * @param now epoch ms
 */
export function quota(count: number, limit: number, win: QuotaWindow, now: number): QuotaResult {
  const resetMs = Math.ceil(win.endMs - now);
  if (count + 1 <= limit) {
    return { allowed: true, newCount: count + 1, remaining: limit - count - 1, resetMs, retryAfterMs: 0 };
  }
  return { allowed: false, newCount: count, remaining: 0, resetMs, retryAfterMs: resetMs };
}
