import { IP_SET_CAPACITY } from '../../lib/config/security';
import { canonicalCidr } from '../shared/security/cidr';

/**
 * One WAF IP set as the responder sees it: read the addresses with a lock token, write them back with that token.
 * WAF answers a write with a stale token with `WAFOptimisticLockException`; adapters turn that into
 * {@link StaleLockTokenError}. Implemented by the WAFv2 adapter (AWS) and the local IP set (local gateway).
 */
export interface IpSetPort {
  /** IP version of every address in the set. */
  readonly version: 4 | 6;
  /** Current addresses (CIDR text) and the token to write with. */
  get(): Promise<{ addresses: string[]; lockToken: string }>;
  /**
   * Replaces the addresses.
   * @throws {StaleLockTokenError} when the set changed since `lockToken` was read
   */
  update(addresses: string[], lockToken: string): Promise<void>;
}

/** The set changed since the lock token was read (WAF `WAFOptimisticLockException`). */
export class StaleLockTokenError extends Error {
  override name = 'StaleLockTokenError';
}

/** The planned write would exceed the IP set's capacity (the plan must evict first). */
export class IpSetCapacityError extends Error {
  override name = 'IpSetCapacityError';
}

/** What a plan wants changed, with a result the caller keeps. */
export interface IpSetPlan<T> {
  add: string[];
  remove: string[];
  result: T;
}

/** Outcome of {@link IpSetWriter.modify}. */
export interface ModifyOutcome<T> {
  /** Whether a write happened (false: nothing to change). */
  written: boolean;
  /** Attempts made (1 + lock-token retries). */
  attempts: number;
  /** Canonical addresses after the change. */
  addresses: string[];
  result: T;
}

/** Options of {@link IpSetWriter}. */
export interface IpSetWriterOptions {
  /** Attempts before giving up on lock-token conflicts (default 8). */
  maxAttempts?: number;
  /** Delay before retry `n` (1-based), ms: default jittered exponential 50·2ⁿ⁻¹ ± 50 %, capped at 2 s. */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  /** Capacity (default {@link IP_SET_CAPACITY}). */
  capacity?: number;
}

const defaultBackoff = (n: number) => Math.min(2000, 50 * 2 ** (n - 1)) * (0.5 + Math.random());

/**
 * The single serialized writer of one IP set. Calls to {@link modify} run one at a time in this process (a queue),
 * and each re-reads the set and re-plans on a lock-token conflict — the case of another writer (a second container,
 * a human in the console) between our read and our write. Addresses are compared in canonical CIDR form.
 */
export class IpSetWriter {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly maxAttempts: number;
  private readonly backoff: (attempt: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly capacity: number;

  constructor(
    readonly port: IpSetPort,
    opts: IpSetWriterOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.backoff = opts.backoffMs ?? defaultBackoff;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.capacity = opts.capacity ?? IP_SET_CAPACITY;
  }

  /**
   * Reads the set, asks `plan` what to add and remove (given the current canonical addresses), writes the result
   * with the lock token; on {@link StaleLockTokenError} reads and plans again (up to `maxAttempts`).
   * @throws {StaleLockTokenError} when every attempt conflicted
   * @throws {IpSetCapacityError} when the plan would exceed the capacity
   */
  modify<T>(
    plan: (current: ReadonlySet<string>) => Promise<IpSetPlan<T>> | IpSetPlan<T>,
  ): Promise<ModifyOutcome<T>> {
    const run = this.tail.then(
      () => this.attempt(plan),
      () => this.attempt(plan),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async attempt<T>(
    plan: (current: ReadonlySet<string>) => Promise<IpSetPlan<T>> | IpSetPlan<T>,
  ): Promise<ModifyOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      const { addresses, lockToken } = await this.port.get();
      const current = new Set(addresses.map((a) => canonicalCidr(a)?.cidr ?? a));
      const p = await plan(current);
      const next = new Set(current);
      for (const r of p.remove) next.delete(canonicalCidr(r)?.cidr ?? r);
      for (const a of p.add) {
        const c = canonicalCidr(a);
        if (!c || c.version !== this.port.version) {
          throw new Error(`IPv${this.port.version} set: cannot add ${a}`);
        }
        next.add(c.cidr);
      }
      const changed = next.size !== current.size || [...next].some((a) => !current.has(a));
      if (!changed) return { written: false, attempts: attempt, addresses: [...current], result: p.result };
      if (next.size > this.capacity) {
        throw new IpSetCapacityError(`IP set would hold ${next.size} > ${this.capacity} addresses`);
      }
      try {
        await this.port.update([...next], lockToken);
        return { written: true, attempts: attempt, addresses: [...next], result: p.result };
      } catch (err) {
        if (!(err instanceof StaleLockTokenError) || attempt >= this.maxAttempts) throw err;
        await this.sleep(this.backoff(attempt));
      }
    }
  }
}
