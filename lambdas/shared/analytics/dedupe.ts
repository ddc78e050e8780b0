/**
 * A bounded set of recently seen keys (insertion-ordered `Map`, oldest evicted first): the in-process half of
 * "duplicates by `event_id` are counted once". The other half is in the queries (`count(DISTINCT event_id)`) and the
 * local compaction, because delivery to S3 is at-least-once.
 */
export class RecentKeys {
  private readonly seen = new Map<string, true>();

  /** @param capacity keys kept (default 100 000, about 10 MB) */
  constructor(private readonly capacity = 100_000) {}

  /** Records `key`; returns `false` when it was already seen (a duplicate). */
  add(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, true);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  /** Number of keys held. */
  get size(): number {
    return this.seen.size;
  }
}
