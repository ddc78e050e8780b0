/**
 * `npm run bench:emf` — CPU the local stack's CloudWatch emulation spends per request, without the stack: realistic
 * EMF lines (made by Powertools Metrics as the rate limiter's telemetry and a handler's request metrics write them,
 * 20 tenants, 1 000 distinct latencies) go through {@link MetricStore.enqueueEmfLine} and the store's drain, as the stdout tap feeds them, one
 * drain per `EMF_BENCH_BATCH` lines (default 10, one event-loop turn's worth). `EMF_BENCH_REQUESTS` requests (default
 * 200 000; one or two lines each) per round, `EMF_BENCH_ROUNDS` rounds (default 5), each on a fresh store.
 * Prints per round µs of process CPU (user + system, GC included) per request, then `RESULT {json}` with the median
 * and the load average. Compare two trees by running it in each, alternating.
 */
import { loadavg } from 'node:os';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { publishRequestMetrics } from '../../lambdas/shared/request-metrics';
import { MetricStore } from '../../local/metrics/store';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const REQUESTS = num('EMF_BENCH_REQUESTS', 200_000);
const ROUNDS = num('EMF_BENCH_ROUNDS', 5);
const BATCH = num('EMF_BENCH_BATCH', 10);

/** The EMF lines one `GET /v1/me` writes, per tenant: the limiter's decision and the handler's request metrics. */
function captureLines(): string[][] {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const perRequest: string[][] = [];
  try {
    const limiter = new Metrics({
      namespace: 'MarketEdge',
      serviceName: 'me',
      defaultDimensions: { stage: 'dev' },
    });
    const handler = new Metrics({
      namespace: 'MarketEdge',
      serviceName: 'me',
      defaultDimensions: { stage: 'dev' },
    });
    // Counts repeat; latencies are fractional ms and rarely repeat (1 000 requests, 20 tenants).
    for (let i = 0; i < 1_000; i++) {
      const tenant = `tenant-${i % 20}`;
      limiter.addDimension('tier', 'pro');
      limiter.addDimension('route', 'GET /v1/me');
      limiter.addDimensions({});
      limiter.addMetadata('tenantId', tenant);
      limiter.addMetric('RateLimitAllowed', MetricUnit.Count, 1);
      limiter.publishStoredMetrics();
      handler.addMetric('DynamoDbLatency', MetricUnit.Milliseconds, 3 + ((i * 7919) % 1_000) / 137);
      publishRequestMetrics(handler, 'GET /v1/me', tenant);
      perRequest.push(out.splice(0).flatMap((c) => c.split('\n').filter(Boolean)));
    }
  } finally {
    process.stdout.write = write;
  }
  return perRequest;
}

const lines = captureLines();
if (process.env.EMF_BENCH_SHOW === '1') console.log(lines[0]?.join('\n'));
const results: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let now = 1_000_000;
  const store = new MetricStore({ clock: () => now });
  const start = process.cpuUsage();
  let n = 0;
  for (let i = 0; i < REQUESTS; i++) {
    now += 1; // 1 000 req/s of store clock
    for (const line of lines[i % lines.length] as string[]) store.enqueueEmfLine(line);
    if (++n === BATCH) {
      store.drain();
      n = 0;
    }
  }
  store.drain();
  const used = process.cpuUsage(start);
  const us = (used.user + used.system) / REQUESTS;
  results.push(us);
  console.log(`round ${round + 1}: ${us.toFixed(2)} µs/request, ${store.stats().points} points kept`);
}
const sorted = [...results].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] as number;
console.log(
  `RESULT ${JSON.stringify({ median_us: Number(median.toFixed(2)), rounds: results.map((r) => Number(r.toFixed(2))), loadavg: loadavg().map((l) => Number(l.toFixed(2))) })}`,
);
