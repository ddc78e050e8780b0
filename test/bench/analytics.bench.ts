/**
 * Benchmark: every standard analytics query (`analytics/queries/*.sql`) on embedded DuckDB vs a plain in-process
 * aggregation (the peer, `test/bench/analytics-peer.ts`), on the same seeded data set.
 *
 * Data: `generateEvents` (the `npm run analytics:generate` generator: tenants across verticals, skewed users, daily
 * sessions walking the funnel, feature use, 429s, the `report_cta` experiment), written as hive-partitioned Parquet
 * into a temporary directory, exactly as `analytics:generate` writes it.
 * - DuckDB: `AnalyticsEngine.query` — reads the Parquet files from disk on every run (no cache), through the same
 *   `scopedSql` wrapper the CLI and the admin API use (platform-admin scope, every tenant, the whole range).
 * - peer: the same query as Maps and loops over the rows already in memory as JS objects (no I/O, no parsing).
 * Each query: one warm-up, then `--rounds` timed runs; the median is reported. The peer's rows are compared with
 * DuckDB's value by value (`peer_matches`), so both sides compute the same answer. Budgets (`ANALYTICS_BUDGET`,
 * `lib/config/budgets.ts`): every DuckDB query ≤ 2 000 ms, and ingestion (`analytics-ingest.ts`: a 10-event
 * `POST /v1/events` batch, one server-side emit) ≤ 1 ms p99 — exit code 1 when over either (or when the peer
 * disagrees), unless `--report-only`.
 *
 * Run: `npm run bench:analytics [-- --events 1000000] [--rounds 5] [--seed 42] [--report-only]` (default 200 000
 * events).
 * Ends with `RESULT {json}`: `events`, `ms` (DuckDB median wall time per query), `peer_ms`, `cpu_ms` and
 * `peer_cpu_ms` (process CPU, all threads: steadier than wall time on a shared machine), `rows`, `peer_matches`,
 * `within_budget`, `budget_ms`, `ingest` ({client_batch, server_emit}: p50/p99 ms), `ingest_within_budget`,
 * `ingest_budget_p99_ms`, `generate_ms`, `write_ms`, `load_avg` (1-minute load average before and after).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { QueryScope } from '../../lambdas/shared/analytics/scope';
import { ANALYTICS_QUERY_NAMES, type AnalyticsQueryName } from '../../lib/config/analytics';
import { ANALYTICS_BUDGET } from '../../lib/config/budgets';
import { AnalyticsEngine } from '../../local/analytics/engine';
import { generateEvents, writeParquet } from '../../local/analytics/generate';
import { measureIngestion } from './analytics-ingest';
import { normaliseRows, type PeerEvent, peerQuery } from './analytics-peer';

/** Budget per query, ms (`lib/config/budgets.ts`). */
export const QUERY_BUDGET_MS = ANALYTICS_BUDGET.queryMs;

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    events: { type: 'string', default: process.env.BENCH_EVENTS ?? '200000' },
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    seed: { type: 'string', default: '42' },
    'report-only': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const ROUNDS = Math.max(1, Number(values.rounds));
const DAYS = 90;
const END = '2026-11-30';
// A fixed, test-only secret: the data set is synthetic and thrown away.
const SECRET = 'bench-analytics-secret-0123456789abcdef0123456789';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Median wall ms and median process CPU ms (user + system, every thread) of `ROUNDS` runs after one warm-up. */
async function time(run: () => unknown): Promise<{ ms: number; cpuMs: number }> {
  await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: round1(median(wall)), cpuMs: round1(median(cpu)) };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-analytics-'));
  try {
    let t0 = performance.now();
    const generated = generateEvents({
      events: EVENTS,
      seed: Number(values.seed),
      days: DAYS,
      end: END,
      secret: SECRET,
    });
    const generateMs = performance.now() - t0;
    t0 = performance.now();
    await writeParquet(root, generated);
    const writeMs = performance.now() - t0;
    const events: PeerEvent[] = generated.map((e) => ({
      event_id: e.event_id,
      name: e.name,
      ts: e.ts,
      tenant_id: e.tenant_id,
      vertical: e.vertical,
      user_hash: e.user_hash,
      feature: e.feature,
      experiment: e.experiment,
      variant: e.variant,
    }));
    const from = new Date(Date.parse(`${END}T00:00:00Z`) - (DAYS - 1) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const scope: QueryScope = { tenantId: null, vertical: null, from, to: END };
    process.stdout.write(
      `${events.length} events, ${new Set(events.map((e) => e.tenant_id)).size} tenants, ${from}..${END}; generated in ${Math.round(generateMs)} ms, Parquet written in ${Math.round(writeMs)} ms; ${ROUNDS} rounds (median)\n`,
    );

    const engine = await AnalyticsEngine.open(root);
    const ms = {} as Record<AnalyticsQueryName, number>;
    const peerMs = {} as Record<AnalyticsQueryName, number>;
    const cpuMs = {} as Record<AnalyticsQueryName, number>;
    const peerCpuMs = {} as Record<AnalyticsQueryName, number>;
    const loadBefore = loadavg()[0] ?? 0;
    const rows = {} as Record<AnalyticsQueryName, number>;
    const mismatches: string[] = [];
    try {
      for (const name of ANALYTICS_QUERY_NAMES) {
        const duck = normaliseRows(await engine.query(name, scope));
        const peer = peerQuery(name, events, scope);
        if (JSON.stringify(duck) !== JSON.stringify(peer)) mismatches.push(name);
        rows[name] = duck.length;
        const duckT = await time(() => engine.query(name, scope));
        const peerT = await time(() => peerQuery(name, events, scope));
        ms[name] = duckT.ms;
        cpuMs[name] = duckT.cpuMs;
        peerMs[name] = peerT.ms;
        peerCpuMs[name] = peerT.cpuMs;
        process.stdout.write(
          `${name.padEnd(18)} duckdb ${String(ms[name]).padStart(8)} ms (cpu ${cpuMs[name]})   peer ${String(peerMs[name]).padStart(8)} ms (cpu ${peerCpuMs[name]})   ${rows[name]} rows${mismatches.includes(name) ? '   RESULTS DIFFER' : ''}\n`,
        );
      }
    } finally {
      engine.close();
    }
    const over = ANALYTICS_QUERY_NAMES.filter((q) => ms[q] > QUERY_BUDGET_MS);
    const ingest = await measureIngestion();
    const ingestOk =
      ingest.clientBatch.p99 <= ANALYTICS_BUDGET.ingestP99Ms &&
      ingest.serverEmit.p99 <= ANALYTICS_BUDGET.ingestP99Ms;
    process.stdout.write(
      `ingestion          POST /v1/events 10-event batch p50 ${ingest.clientBatch.p50} ms p99 ${ingest.clientBatch.p99} ms   server emit p50 ${ingest.serverEmit.p50} ms p99 ${ingest.serverEmit.p99} ms (budget p99 ${ANALYTICS_BUDGET.ingestP99Ms} ms)\n`,
    );
    const result = {
      events: events.length,
      ms,
      peer_ms: peerMs,
      cpu_ms: cpuMs,
      peer_cpu_ms: peerCpuMs,
      rows,
      peer_matches: mismatches.length === 0,
      mismatches,
      within_budget: over.length === 0,
      over_budget: over,
      budget_ms: QUERY_BUDGET_MS,
      ingest: { client_batch: ingest.clientBatch, server_emit: ingest.serverEmit },
      ingest_within_budget: ingestOk,
      ingest_budget_p99_ms: ANALYTICS_BUDGET.ingestP99Ms,
      rounds: ROUNDS,
      generate_ms: Math.round(generateMs),
      write_ms: Math.round(writeMs),
      // 1-minute load average before and after the timed part (2 cores): a shared, loaded machine inflates wall time.
      load_avg: [round1(loadBefore), round1(loadavg()[0] ?? 0)],
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    if (mismatches.length > 0 || (!values['report-only'] && (over.length > 0 || !ingestOk)))
      process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
