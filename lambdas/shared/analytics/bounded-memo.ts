/**
 * A per-container memo of a pure string → value function with at most `size` entries, the least recently used
 * dropped first (a `Map` keeps insertion order; a hit is moved to the end). In memory only: never logged or stored.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  /** @param size most entries kept (≥ 1) */
  constructor(readonly size: number) {}

  /** The value for `key`: the kept one, else `compute(key)` (then kept). */
  get(key: string, compute: (key: string) => V): V {
    let value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
    } else {
      value = compute(key);
      if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, value);
    return value;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
  }
}
