/** Thrown when the circuit is open: the store is not called at all. */
export class CircuitOpenError extends Error {
  constructor(readonly retryInMs: number) {
    super('rate-limit store circuit open');
    this.name = 'CircuitOpenError';
  }
}

/** Thrown when a store call takes longer than the command timeout. */
export class StoreTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`rate-limit store call timed out after ${timeoutMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** Options of {@link CircuitBreaker}. */
export interface BreakerOptions {
  /** Per-call timeout, ms (default `LIMITER_DEFAULTS.timeoutMs` in `settings.ts`; env `RATE_LIMIT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Consecutive failures that open the circuit (`LIMITER_DEFAULTS.breakerThreshold`). */
  threshold: number;
  /** How long the circuit stays open before one trial call, ms (`LIMITER_DEFAULTS.breakerCooldownMs`). */
  cooldownMs: number;
  /** Clock, epoch ms (tests). */
  now?: () => number;
}

/** `closed`: calls go through; `open`: calls fail fast; `half-open`: one trial call in flight. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Circuit breaker with a per-call timeout (the classic closed → open → half-open cycle, see
 * https://martinfowler.com/bliki/CircuitBreaker.html). No caller waits longer than `timeoutMs`; after `threshold`
 * consecutive failures calls fail immediately for `cooldownMs`, then a single trial decides whether to close again.
 *
 * Calls that were already in flight when a failure was counted do not count again: one stall that times out 64
 * concurrent calls is one failure, not 64 (otherwise a 30 ms hiccup of a busy process opened the circuit for the
 * whole cooldown). Sequential failures — a dead server — count one each.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  /** Counted failures so far; a call remembers the value it started at. */
  private failureEpoch = 0;
  private st: BreakerState = 'closed';
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Current state (an open circuit past its cooldown reports `half-open`). */
  get state(): BreakerState {
    if (this.st === 'open' && this.now() - this.openedAt >= this.opts.cooldownMs) return 'half-open';
    return this.st;
  }

  /** ms until an open circuit allows a trial call (0 when not open). */
  retryInMs(): number {
    return this.st === 'open' ? Math.max(0, this.opts.cooldownMs - (this.now() - this.openedAt)) : 0;
  }

  /**
   * Runs `fn` under the breaker and the timeout.
   * @param timeoutMs this call's timeout, ms (default: the configured `timeoutMs`)
   * @throws {CircuitOpenError} when open (or a trial is already in flight)
   * @throws {StoreTimeoutError} when `fn` takes longer than `timeoutMs`
   * @throws whatever `fn` throws
   */
  exec<T>(fn: () => Promise<T>, timeoutMs = this.opts.timeoutMs): Promise<T> {
    if (this.st === 'open') {
      if (this.now() - this.openedAt < this.opts.cooldownMs)
        return Promise.reject(new CircuitOpenError(this.retryInMs()));
      this.st = 'half-open';
    } else if (this.st === 'half-open') {
      return Promise.reject(new CircuitOpenError(this.opts.cooldownMs));
    }
    // One promise and one timer per call (no Promise.race / async frames: this is on every decision's path).
    const started = this.failureEpoch;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.failed(started);
        reject(new StoreTimeoutError(timeoutMs));
      }, timeoutMs);
      timer.unref?.();
      let p: Promise<T>;
      try {
        p = fn();
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (result) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.failures = 0;
          this.st = 'closed';
          resolve(result);
        },
        (e: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.failed(started);
          reject(e);
        },
      );
    });
  }

  private failed(startEpoch: number): void {
    if (this.st === 'half-open') {
      this.failureEpoch++;
      this.st = 'open';
      this.openedAt = this.now();
      return;
    }
    // A failure was counted since this call started: the same incident (concurrent calls), counted once.
    if (startEpoch !== this.failureEpoch) return;
    this.failureEpoch++;
    this.failures++;
    if (this.failures >= this.opts.threshold) {
      this.st = 'open';
      this.openedAt = this.now();
    }
  }
}

/**
 * One {@link CircuitBreaker} per shard (Redis Cluster primary, as the store names it): a failing shard opens only its
 * own circuit, so tenants whose keys live on healthy shards keep being decided by Redis. A shard name that appears
 * after a failover (the promoted replica) starts with a closed circuit. At most `maxShards` breakers are kept (the
 * oldest is dropped when a new one is needed).
 */
export class CircuitBreakers {
  private readonly byShard = new Map<string, CircuitBreaker>();

  constructor(
    private readonly opts: BreakerOptions,
    private readonly maxShards = 1_024,
  ) {}

  /** The breaker of `shard` (created closed on first use). */
  for(shard: string): CircuitBreaker {
    let b = this.byShard.get(shard);
    if (!b) {
      if (this.byShard.size >= this.maxShards) {
        const oldest = this.byShard.keys().next().value;
        if (oldest !== undefined) this.byShard.delete(oldest);
      }
      b = new CircuitBreaker(this.opts);
      this.byShard.set(shard, b);
    }
    return b;
  }

  /** Shards with an open (or half-open) circuit. */
  openShards(): string[] {
    return [...this.byShard].filter(([, b]) => b.state !== 'closed').map(([s]) => s);
  }
}
