/** A typed-array column of a {@link TimeRing}. */
export type Column = Float64Array | Uint32Array | Uint16Array;

/**
 * Entries in arrival order, kept as parallel typed-array columns (no object per entry, so what a store holds adds
 * no work for the garbage collector): a time column `t` (epoch ms, non-decreasing) plus the columns an owner adds
 * with {@link column}. Entries have absolute sequence numbers: `start` is the oldest kept, `end` one past the
 * newest; entry `seq` sits at index `seq & mask` of every column. The capacity is a power of two that doubles when
 * full, so it settles at the smallest power of two above what the owner keeps (the owner drops the oldest with
 * {@link dropTo}); memory is then flat however long the ring runs.
 */
export class TimeRing {
  /** Oldest entry kept (sequence number). */
  start = 0;
  /** One past the newest entry (sequence number). */
  end = 0;
  /** Index mask of the columns (capacity − 1). */
  mask = 63;
  /** Arrival times, epoch ms, at `seq & mask`. */
  t: Float64Array = new Float64Array(64);
  /** Every column, `t` first; a column's index here is stable (see {@link column}). */
  readonly cols: Column[] = [this.t];

  /** Entries kept. */
  get length(): number {
    return this.end - this.start;
  }

  /**
   * Adds a column (zeros for the entries already kept) and returns its index in {@link cols}. Re-read
   * `cols[index]` after every {@link push}: a growth replaces the arrays.
   */
  column(kind: 'f64' | 'u32' | 'u16'): number {
    const n = this.mask + 1;
    this.cols.push(
      kind === 'f64' ? new Float64Array(n) : kind === 'u32' ? new Uint32Array(n) : new Uint16Array(n),
    );
    return this.cols.length - 1;
  }

  /** Appends an entry at time `t` and returns its index (`seq & mask`) for the owner to fill the other columns. */
  push(t: number): number {
    if (this.end - this.start > this.mask) this.resize((this.mask + 1) * 2);
    const i = this.end & this.mask;
    this.t[i] = t;
    this.end++;
    return i;
  }

  /** Drops every entry before sequence number `seq` (clamped to what is kept). */
  dropTo(seq: number): void {
    this.start = Math.min(this.end, Math.max(this.start, seq));
  }

  /** Calls `visit` with the column index (`seq & mask`) of every entry whose `t` is in `[from, to)`, oldest first. */
  eachIndex(from: number, to: number, visit: (i: number) => void): void {
    for (let s = this.lowerBound(from), end = this.lowerBound(to); s < end; s++) visit(s & this.mask);
  }

  /** First sequence number whose `t` is ≥ `t` (`end` when none). */
  lowerBound(t: number): number {
    let lo = this.start;
    let hi = this.end;
    const times = this.t;
    const mask = this.mask;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >>> 1);
      if ((times[mid & mask] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops everything and returns to the initial capacity (the columns stay, emptied). */
  reset(): void {
    this.start = 0;
    this.end = 0;
    this.resize(64);
  }

  private resize(capacity: number): void {
    const oldMask = this.mask;
    const mask = capacity - 1;
    for (let c = 0; c < this.cols.length; c++) {
      const old = this.cols[c] as Column;
      const next = new (old.constructor as new (n: number) => Column)(capacity);
      for (let s = this.start; s < this.end; s++) next[s & mask] = old[s & oldMask] as number;
      this.cols[c] = next;
    }
    this.t = this.cols[0] as Float64Array;
    this.mask = mask;
  }
}
