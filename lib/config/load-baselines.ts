/**
 * Per-route performance baselines (issue #17): the one home is `./load-baselines.json`, written by
 * `npm run load -- --write` (test/bench/load.ts) — p50/p99/max latency and requests per second of every route of
 * the route table at a fixed moderate rate on the local stack, with the date, machine, load average and commit of the
 * run. This module validates that file and derives from it, in one place:
 * - the per-route p99 latency alarm thresholds ({@link routeP99ThresholdMs}; alarms `RouteLatencyP99-<route>` in
 *   `./alarms.ts`);
 * - the table in docs/load-testing.md between the `load-baselines` markers ({@link renderLoadBaselines}; a unit test
 *   checks the document equals the rendering, so the two cannot drift).
 * Pure data: no `aws-cdk-lib` import.
 */
import * as z from 'zod';
import raw from './load-baselines.json';
import { type Route, routeKey } from './routes';
import type { StageConfig } from './stages';

const ms = z.number().nonnegative();

/** One measured route of the file. */
const measuredSchema = z
  .object({
    /** Route key of the route table, `METHOD /path/{param}`. */
    route: z.string(),
    /** What was sent, `METHOD /concrete/path?query` (ids of resources the run provisioned). */
    request: z.string(),
    /** The token's role (`none`: public route). */
    role: z.enum(['user', 'tenant-admin', 'platform-admin', 'none']),
    /** Target rate, requests per second (all connections together). */
    ratePerSec: z.number().positive(),
    connections: z.number().int().positive(),
    /** Requests answered (any status). */
    requests: z.number().int().positive(),
    /** Achieved requests per second. */
    rps: z.number().nonnegative(),
    /** Latency of the 2xx responses, ms. */
    p50Ms: ms,
    p99Ms: ms,
    maxMs: ms,
    /** Non-2xx responses, connection errors and timeouts. */
    errors: z.number().int().nonnegative(),
    /** Responses per HTTP status. */
    statuses: z.record(z.string(), z.number().int().nonnegative()),
    /** Why this route's request or rate differs from the rest. */
    note: z.string().optional(),
  })
  .strict();

/** A route the run could not measure, and why. */
const skippedSchema = z.object({ route: z.string(), skipped: z.string().min(10) }).strict();

/** The file `lib/config/load-baselines.json`. */
export const loadBaselinesSchema = z
  .object({
    /** Start of the run, ISO-8601 UTC. */
    measuredAt: z.iso.datetime(),
    /** Commit of the measured tree (`+dirty`: with uncommitted changes). */
    commit: z.string(),
    machine: z
      .object({
        cpus: z.number().int().positive(),
        cpuModel: z.string(),
        memoryGib: z.number().positive(),
        node: z.string(),
        platform: z.string(),
      })
      .strict(),
    /** 1/5/15-minute load averages at the start and the end of the run. */
    loadAverage: z.object({ start: z.tuple([ms, ms, ms]), end: z.tuple([ms, ms, ms]) }).strict(),
    /** The run's defaults (a route's own rate is in its entry). */
    settings: z
      .object({
        ratePerSec: z.number().positive(),
        connections: z.number().int().positive(),
        durationSec: z.number().positive(),
        /** Whether the run started its own stack or used one already running. */
        stack: z.string(),
      })
      .strict(),
    /** Every route of the route table, `GET /health` (the bare baseline) first. */
    routes: z.array(z.union([measuredSchema, skippedSchema])),
  })
  .strict();

/** The baselines file. */
export type LoadBaselines = z.output<typeof loadBaselinesSchema>;
/** One route's entry. */
export type RouteBaseline = LoadBaselines['routes'][number];
/** A measured route's entry. */
export type MeasuredBaseline = z.output<typeof measuredSchema>;

/** The baselines in `./load-baselines.json`, validated. */
export const LOAD_BASELINES: LoadBaselines = loadBaselinesSchema.parse(raw);

/** The measured baseline of a route, or `undefined` when the run could not measure it (or does not know it). */
export function measuredBaseline(
  route: Pick<Route, 'method' | 'path'>,
  baselines: LoadBaselines = LOAD_BASELINES,
): MeasuredBaseline | undefined {
  const e = baselines.routes.find((r) => r.route === routeKey(route));
  return e && !('skipped' in e) ? e : undefined;
}

/**
 * How a route's p99 alarm threshold derives from its local baseline:
 * `threshold = max(stage floor, ceil(baseline p99 × headroomFactor + awsAllowanceMs[backend kind]))`, ms.
 */
export const ROUTE_P99_ALARM = {
  /**
   * Multiple of the local p99 at the baseline's moderate rate: a route whose p99 triples (a regression, or load the
   * baseline did not see) alarms; the local run on a shared 2-core machine is itself a pessimistic figure.
   */
  headroomFactor: 3,
  /**
   * What AWS adds that the local stack does not have, ms, by backend kind — an allowance, not a measurement: the
   * local gateway calls the authorizer and the handler in-process and DynamoDB (dynalite) and Redis on loopback,
   * while API Gateway's `Latency` also holds its own routing and the Lambda invoke (tens of ms at p99), the first
   * request of each new container (init) and each DynamoDB / ElastiCache call over the VPC network. An HTTP route
   * (edge proxy) also waits for its upstream over the network, where the local echo upstream answers on loopback.
   */
  awsAllowanceMs: { lambda: 150, http: 300 },
} as const;

/**
 * The p99 latency alarm threshold of a route on a stage, ms: `max(config.alarms.routeP99FloorMs,
 * ceil(p99 × ROUTE_P99_ALARM.headroomFactor + ROUTE_P99_ALARM.awsAllowanceMs[route.backend.kind]))` with the
 * route's baseline p99 from `./load-baselines.json`.
 * @returns `undefined` when the route has no measured baseline (it keeps only the stage-wide `ApiLatencyP99`)
 */
export function routeP99ThresholdMs(
  route: Route,
  config: Pick<StageConfig, 'alarms'>,
  baselines: LoadBaselines = LOAD_BASELINES,
): number | undefined {
  const b = measuredBaseline(route, baselines);
  if (!b) return undefined;
  const derived = Math.ceil(
    b.p99Ms * ROUTE_P99_ALARM.headroomFactor + ROUTE_P99_ALARM.awsAllowanceMs[route.backend.kind],
  );
  return Math.max(config.alarms.routeP99FloorMs, derived);
}

/** Markers around the generated table in docs/load-testing.md. */
export const LOAD_BASELINES_MARKERS = {
  start: '<!-- load-baselines:start -->',
  end: '<!-- load-baselines:end -->',
} as const;

/** The document the table lives in. */
export const LOAD_BASELINES_DOC = 'docs/load-testing.md';

function table(head: string[], rows: string[][], right: boolean[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length), 3));
  const cell = (s: string, i: number) => (right[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const row = (r: string[]) => `| ${r.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [row(head), rule, ...rows.map(row)];
}

const fmt = (n: number) => n.toFixed(1);

/**
 * The Markdown between the markers: the run (date, machine, load average, commit, settings), one table row per
 * measured route (request, role, rate, p50/p99/max, req/s, errors, the p99 alarm threshold on each stage), then the
 * routes not measured with their reason. `routes` gives each route's backend kind for the thresholds.
 */
export function renderLoadBaselines(
  baselines: LoadBaselines,
  stages: readonly StageConfig[],
  routes: readonly Route[],
): string {
  const b = baselines;
  const la = (v: readonly number[]) => v.map((x) => x.toFixed(2)).join(' ');
  const lines = [
    `Measured ${b.measuredAt.replace('T', ' ').replace('Z', ' UTC')} at commit \`${b.commit}\` by \`npm run load -- --write\`:`,
    `${b.machine.cpus} × ${b.machine.cpuModel}, ${b.machine.memoryGib} GiB, Node ${b.machine.node} (${b.machine.platform}),`,
    `load average ${la(b.loadAverage.start)} at the start and ${la(b.loadAverage.end)} at the end; each route`,
    `${b.settings.ratePerSec} req/s over ${b.settings.connections} connections for ${b.settings.durationSec} s unless its row says otherwise`,
    `(stack ${b.settings.stack}). Latency in ms over the 2xx responses; errors = non-2xx, connection errors, timeouts.`,
    `Data: \`lib/config/load-baselines.json\`; alarm thresholds: \`routeP99ThresholdMs\` (lib/config/load-baselines.ts).`,
    '',
  ];
  const byKey = new Map(routes.map((r) => [routeKey(r), r]));
  const head = [
    'Route',
    'Request (role)',
    'req/s',
    'p50',
    'p99',
    'max',
    'errors',
    ...stages.map((s) => `p99 alarm ${s.name}`),
  ];
  const rows: string[][] = [];
  const skipped: string[] = [];
  for (const e of b.routes) {
    if ('skipped' in e) {
      skipped.push(`- \`${e.route}\`: ${e.skipped}.`);
      continue;
    }
    const route = byKey.get(e.route);
    const thresholds = stages.map((s) => {
      const t = route ? routeP99ThresholdMs(route, s, b) : undefined;
      return t === undefined ? '—' : String(t);
    });
    const target = e.ratePerSec === b.settings.ratePerSec ? '' : ` of ${e.ratePerSec}`;
    rows.push([
      `\`${e.route}\``,
      `\`${e.request}\` (${e.role})`,
      `${fmt(e.rps)}${target}`,
      fmt(e.p50Ms),
      fmt(e.p99Ms),
      fmt(e.maxMs),
      String(e.errors),
      ...thresholds,
    ]);
  }
  lines.push(
    ...table(
      head,
      rows,
      head.map((_, i) => i >= 2),
    ),
  );
  if (skipped.length > 0) lines.push('', 'Not measured:', '', ...skipped);
  const notes = b.routes.filter((e) => !('skipped' in e) && e.note) as MeasuredBaseline[];
  if (notes.length > 0) {
    lines.push('', 'Notes:', '', ...notes.map((e) => `- \`${e.route}\`: ${e.note}.`));
  }
  return lines.join('\n');
}

/**
 * `doc` with the text between {@link LOAD_BASELINES_MARKERS} replaced by `body` (markers kept, one blank line each
 * side). Throws when a marker is missing or out of order.
 */
export function replaceBetweenMarkers(doc: string, body: string): string {
  const { start, end } = LOAD_BASELINES_MARKERS;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0 || j < i)
    throw new Error(`${LOAD_BASELINES_DOC}: markers ${start} … ${end} not found in order`);
  return `${doc.slice(0, i + start.length)}\n\n${body}\n\n${doc.slice(j)}`;
}

/** The text between the markers of `doc` (trimmed), or `undefined` without markers. */
export function betweenMarkers(doc: string): string | undefined {
  const { start, end } = LOAD_BASELINES_MARKERS;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  return i < 0 || j < i ? undefined : doc.slice(i + start.length, j).trim();
}
