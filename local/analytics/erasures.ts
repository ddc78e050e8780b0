import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnalyticsRecord } from '../../lib/config/analytics';

/** The local store's erasure ledger, `<root>/erasures.ndjson` (one JSON line per erasure step, never a raw user id). */
export const ERASURES_FILE = 'erasures.ndjson';

/** One ledger line: an erasure of `user_hash` in `tenant_id` began (`erased_at: null`) or finished (its time). */
export interface ErasureMark {
  tenant_id: string;
  user_hash: string;
  /** ISO-8601 UTC when the erasure finished; `null` while it runs. */
  erased_at: string | null;
}

/** Appends a mark to the ledger of `root` (a single `appendFileSync`: whole lines only). */
export function appendErasureMark(root: string, mark: ErasureMark): void {
  const file = join(root, ERASURES_FILE);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(mark)}\n`);
}

/**
 * The ledger as a filter for writers (the local file sink's `filter`, installed by the local stack; kept out of
 * Lambda bundles): a record is dropped when its user has an erasure that
 * is running, or that finished at or after the record was received — so a record received before an erasure
 * finished is never written after it, whichever process wrote it. Re-reads the file only when its size or mtime
 * changed (one `statSync` per call otherwise).
 */
export function erasureFilter(root: string): (records: readonly AnalyticsRecord[]) => AnalyticsRecord[] {
  const file = join(root, ERASURES_FILE);
  let seen = '';
  let marks = new Map<string, number>();
  const load = () => {
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      marks = new Map();
      seen = '';
      return;
    }
    if (stamp === seen) return;
    const next = new Map<string, number>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const m = JSON.parse(line) as ErasureMark;
        // The latest line of a user wins: running = +Infinity (drop everything until it finishes).
        next.set(
          `${m.tenant_id}\n${m.user_hash}`,
          m.erased_at === null ? Number.POSITIVE_INFINITY : Date.parse(m.erased_at),
        );
      } catch {
        // a torn last line is read again on the next call
      }
    }
    marks = next;
    seen = stamp;
  };
  return (records) => {
    load();
    if (marks.size === 0) return [...records];
    return records.filter((r) => {
      const until = marks.get(`${r.tenant_id}\n${r.user_hash}`);
      return until === undefined || Date.parse(r.received_at) > until;
    });
  };
}
