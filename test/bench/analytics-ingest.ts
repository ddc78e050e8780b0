import { type AnalyticsSink, createIngestor } from '../../lambdas/shared/analytics/ingest';

/** p50/p99 of one ingestion path, ms. */
export interface IngestTiming {
  p50: number;
  p99: number;
  calls: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Measures what ingestion adds to a request, in-process: `ingestClientBatch` of a 10-event batch (validation,
 * privacy gates, dedupe, hashing, record building, one sink write) and `emitNow` of one server-side event (the work
 * `emit` hands to a microtask). The sink serialises each record as the log sink does (`JSON.stringify`) without the
 * stdout write (Lambda's log transport is asynchronous). Flag, opt-out and secret answer from memory, as they do
 * after the first request of a container (all cached).
 * @param calls timed calls per path (after 500 warm-up calls)
 */
export async function measureIngestion(
  calls = 5_000,
): Promise<{ clientBatch: IngestTiming; serverEmit: IngestTiming }> {
  let bytes = 0;
  const sink: AnalyticsSink = {
    write(records) {
      for (const r of records) bytes += JSON.stringify(r).length;
    },
  };
  const ingestor = createIngestor({
    sink,
    secret: async () => 'bench-ingest-secret-0123456789abcdef0123456789abcdef',
    enabled: async () => true,
    optedOut: async () => false,
    dedupeCapacity: 100_000,
  });
  const who = { tenantId: 'acme', userId: 'alice', vertical: 'retail', tier: 'standard' };
  let n = 0;
  const uuid = () => {
    const hex = (++n).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  };
  const batch = () => ({
    events: Array.from({ length: 10 }, () => ({
      event_id: uuid(),
      name: 'page_view',
      ts: new Date().toISOString(),
      props: { page: '/reports/{reportId}' },
    })),
  });
  const timeIt = async (run: () => Promise<unknown>): Promise<IngestTiming> => {
    for (let i = 0; i < 500; i++) await run();
    const xs: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await run();
      xs.push(performance.now() - t0);
    }
    xs.sort((a, b) => a - b);
    return { p50: round3(quantile(xs, 0.5)), p99: round3(quantile(xs, 0.99)), calls };
  };
  const clientBatch = await timeIt(() => ingestor.ingestClientBatch(who, batch(), {}));
  const serverEmit = await timeIt(() => ingestor.emitNow(who, 'report_viewed', {}, {}));
  if (bytes === 0) throw new Error('ingestion wrote nothing');
  return { clientBatch, serverEmit };
}
