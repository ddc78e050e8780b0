import type { AnalyticsRecord } from '../../../lib/config/analytics';
import type { AnalyticsSink } from './ingest';

/** Marker field on analytics log lines; the CloudWatch Logs subscription filter selects `{ $.analytics_record = 1 }`. */
export const LOG_MARKER = 'analytics_record';

/**
 * The AWS sink: one JSON line per record on stdout (synchronous on Lambda's pipe, microseconds), so the request
 * never waits for Firehose. A CloudWatch Logs subscription filter on the Lambda's log group forwards the marked
 * lines to the Firehose delivery stream, whose decompression and message-extraction processors turn each line
 * back into the record (see `lib/constructs/analytics-pipeline.ts`). Lines hold hashed identities only.
 * @param write where lines go (default `process.stdout.write`)
 */
export function logSink(write: (line: string) => void = (l) => process.stdout.write(l)): AnalyticsSink {
  return {
    write(records: readonly AnalyticsRecord[]) {
      let out = '';
      for (const r of records) out += `${JSON.stringify({ ...r, [LOG_MARKER]: 1 })}\n`;
      write(out);
    },
  };
}

/** A sink that keeps records in memory (tests, benchmarks). */
export function memorySink(): AnalyticsSink & { records: AnalyticsRecord[] } {
  const records: AnalyticsRecord[] = [];
  return {
    records,
    write(batch) {
      records.push(...batch);
    },
  };
}
