import { gcra, gcraPeek, quota, quotaWindow } from '../core/algorithms';
import { TIER_VERSIONS_KEY } from '../core/keys';
import {
  type CheckResult,
  type EvaluateRequest,
  type EvaluateResult,
  type LimiterStore,
  newVersionToken,
  VERSION_TTL_SEC,
} from '../core/store';

/** Quota windows keep their key this long after the window ends, ms (as in the Lua script). */
const QUOTA_GRACE_MS = 60_000;
/** Rate keys never expire less than this after their TAT + τ, ms (as in the Lua script). */
const RATE_GRACE_MS = 1_000;

/**
 * Expiry of a rate key holding `tat` (epoch ms), as the Lua script sets it: `tat + τ` rounded up to a whole second,
 * plus 1 s. The state is meaningless after `tat + τ` (the counter is full again), so the key never expires while it
 * matters, and the expiry changes at most once per second of TAT progress (the script rewrites it only then).
 */
export function rateKeyExpiry(tatMs: number, toleranceMs: number): number {
  return Math.ceil((tatMs + toleranceMs) / 1000) * 1000 + RATE_GRACE_MS;
}

type Entry =
  | { t: 'rate'; tat: number; expiresAt: number }
  | { t: 'quota'; w: string; c: number; expiresAt: number }
  | { t: 'str'; v: string; expiresAt: number }
  | { t: 'hash'; h: Record<string, string>; expiresAt: number };

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock, epoch ms (default `Date.now`). Inject a fake clock in tests. */
  now?: () => number;
  /** Sweep expired keys when the map grows past this many entries (default 50 000). */
  sweepAbove?: number;
}

/**
 * In-process {@link LimiterStore} with the same semantics as the Redis store: GCRA and calendar quotas, all-or-nothing,
 * a TTL on every key written, version keys. Used by the local stack without Redis, by unit tests (with an injected
 * clock) and as the per-container fail-open fallback. Not shared between processes.
 */
export class MemoryStore implements LimiterStore {
  readonly kind = 'memory';
  private readonly data = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly sweepAbove: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.sweepAbove = opts.sweepAbove ?? 50_000;
  }

  /** Number of live keys (tests, diagnostics). */
  size(): number {
    this.sweep(true);
    return this.data.size;
  }

  /** Remaining time to live of a key, ms; `-2` when absent (like Redis `PTTL`). Every stored key has a TTL. */
  pttl(key: string): number {
    const e = this.get(key, this.now());
    return e ? e.expiresAt - this.now() : -2;
  }

  /** Live keys (tests, diagnostics). */
  keys(): string[] {
    this.sweep(true);
    return [...this.data.keys()];
  }

  private get(key: string, now: number): Entry | undefined {
    const e = this.data.get(key);
    if (e && e.expiresAt <= now) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(force = false): void {
    if (!force && this.data.size <= this.sweepAbove) return;
    const now = this.now();
    for (const [k, e] of this.data) if (e.expiresAt <= now) this.data.delete(k);
  }

  async evaluate(req: EvaluateRequest): Promise<EvaluateResult> {
    this.sweep();
    const now = this.now();
    const v = this.get(req.versionKey, now);
    const version = v?.t === 'str' ? v.v : '';
    const bypassed = req.bypassUntilMs > now;
    if (req.mode === 'check' && req.expectVersion !== undefined && req.expectVersion !== version) {
      return { nowMs: Math.floor(now), version, bypassed: false, blocked: false, stale: true, results: [] };
    }
    const results: CheckResult[] = [];
    const writes: Array<() => void> = [];
    const unblocked = new Map<number, { remaining: number; resetMs: number }>();
    let blocked = false;
    for (const c of req.checks) {
      const e = this.get(c.key, now);
      if (c.kind === 'rate') {
        const tat = e?.t === 'rate' ? e.tat : undefined;
        if (req.mode === 'peek') {
          const p = gcraPeek(tat, now, c.intervalMs, c.toleranceMs);
          results.push({
            allowed: p.remaining > 0,
            remaining: p.remaining,
            resetMs: p.resetMs,
            retryAfterMs: 0,
          });
          continue;
        }
        const r = gcra(tat, now, c.intervalMs, c.toleranceMs);
        results.push(outcomeOf(r));
        if (r.allowed) {
          writes.push(() =>
            this.data.set(c.key, {
              t: 'rate',
              tat: r.newTat,
              // As in the Lua script: TAT + τ rounded up to the next whole second, plus 1 s.
              expiresAt: rateKeyExpiry(r.newTat, c.toleranceMs),
            }),
          );
          unblocked.set(results.length - 1, {
            remaining: r.remaining + 1,
            resetMs: Math.ceil((tat === undefined || tat < now ? now : tat) - now),
          });
        } else if (c.enforce && !bypassed) blocked = true;
      } else {
        const win = quotaWindow(now, c.window);
        const count = e?.t === 'quota' && e.w === win.id ? e.c : 0;
        if (req.mode === 'peek') {
          const remaining = Math.max(0, c.limit - count);
          results.push({
            allowed: remaining > 0,
            remaining,
            resetMs: Math.ceil(win.endMs - now),
            retryAfterMs: 0,
          });
          continue;
        }
        const r = quota(count, c.limit, win, now);
        results.push(outcomeOf(r));
        if (r.allowed) {
          writes.push(() =>
            this.data.set(c.key, {
              t: 'quota',
              w: win.id,
              c: r.newCount,
              expiresAt: win.endMs + QUOTA_GRACE_MS,
            }),
          );
          unblocked.set(results.length - 1, { remaining: r.remaining + 1, resetMs: r.resetMs });
        } else if (c.enforce && !bypassed) blocked = true;
      }
    }
    if (req.mode === 'check' && !blocked) for (const w of writes) w();
    if (blocked) {
      // Nothing is counted: report the allowed checks' state as it stays.
      for (const [i, u] of unblocked) results[i] = { ...results[i]!, ...u };
    }
    return { nowMs: Math.floor(now), version, bypassed, blocked: req.mode === 'check' && blocked, results };
  }

  async getVersion(key: string): Promise<string> {
    const e = this.get(key, this.now());
    return e?.t === 'str' ? e.v : '';
  }

  async bumpVersion(key: string): Promise<string> {
    const now = this.now();
    const token = newVersionToken(now);
    this.data.set(key, { t: 'str', v: token, expiresAt: now + VERSION_TTL_SEC * 1000 });
    return token;
  }

  async getTierVersions(): Promise<Record<string, string>> {
    const e = this.get(TIER_VERSIONS_KEY, this.now());
    return e?.t === 'hash' ? { ...e.h } : {};
  }

  async bumpTierVersion(tier: string): Promise<string> {
    const now = this.now();
    const token = newVersionToken(now);
    const e = this.get(TIER_VERSIONS_KEY, now);
    const h = e?.t === 'hash' ? e.h : {};
    h[tier] = token;
    this.data.set(TIER_VERSIONS_KEY, { t: 'hash', h, expiresAt: now + VERSION_TTL_SEC * 1000 });
    return token;
  }

  async close(): Promise<void> {
    this.data.clear();
  }
}

/** The per-rule outcome (allowed, remaining, reset and retry-after in ms) of a GCRA or quota step, without its new state. */
function outcomeOf(r: { allowed: boolean; remaining: number; resetMs: number; retryAfterMs: number }) {
  return { allowed: r.allowed, remaining: r.remaining, resetMs: r.resetMs, retryAfterMs: r.retryAfterMs };
}
