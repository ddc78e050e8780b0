import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnalyticsRecord, EVENTS_PREFIX } from '../../../lib/config/analytics';
import type { AnalyticsSink } from './ingest';

/** Options of {@link fileSink}. */
export interface FileSinkOptions {
  /** Root directory (`.local/analytics`); files go to `<root>/events/tenant_id=<t>/dt=<d>/`. */
  root: string;
  /** Flush when this many records are buffered (Firehose's size buffer; default 500). */
  maxRecords?: number;
  /** Flush at least this often, ms (Firehose's interval buffer; default 1000). */
  intervalMs?: number;
  /** Applied to the buffered records at each flush (the local erasure ledger, `local/analytics/erasures.ts`). */
  filter?: (records: readonly AnalyticsRecord[]) => AnalyticsRecord[];
}

/**
 * The local sink, Firehose's stand-in: buffers records in memory and writes them as NDJSON files in the same hive
 * layout as S3 (`events/tenant_id=<t>/dt=<d>/<time>-<pid>-<seq>.ndjson`), each file written whole and renamed into
 * place so a reader never sees half a file. `write` only buffers; the timer is unref'd so it never keeps the
 * process alive. `npm run analytics` converts the NDJSON files to Parquet (the conversion Firehose does).
 * The local stack passes the erasure ledger as `filter`: records of a user whose erasure is running, or finished
 * after they were received, are dropped at flush, so an erasure never leaves a late write behind.
 */
export function fileSink(options: FileSinkOptions): AnalyticsSink & { flush(): void; close(): void } {
  const maxRecords = options.maxRecords ?? 500;
  const intervalMs = options.intervalMs ?? 1000;
  let buffer: AnalyticsRecord[] = [];
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const batch = options.filter ? options.filter(buffer) : buffer;
    buffer = [];
    const parts = new Map<string, string>();
    for (const r of batch) {
      const dir = `tenant_id=${r.tenant_id}/dt=${r.dt}`;
      const { tenant_id: _t, dt: _d, ...row } = r;
      parts.set(dir, `${parts.get(dir) ?? ''}${JSON.stringify(row)}\n`);
    }
    const stamp = `${Date.now()}-${process.pid}-${seq++}`;
    for (const [dir, text] of parts) {
      const full = join(options.root, EVENTS_PREFIX, dir);
      mkdirSync(full, { recursive: true });
      const tmp = join(full, `.${stamp}.tmp`);
      writeFileSync(tmp, text);
      renameSync(tmp, join(full, `${stamp}.ndjson`));
    }
  };

  return {
    write(records) {
      buffer.push(...records);
      if (buffer.length >= maxRecords) flush();
      else if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
    },
    flush,
    close: flush,
  };
}
