/**
 * `npm run load [-- --only overhead|routes] [--write]` — load test of the local stack (docs/load-testing.md).
 *
 * Against the stack on `PORT` (default 3000); when nothing answers there it starts one (`node local/start.mjs` on a
 * free port, access log discarded) and stops it afterwards. Two parts, both by default (`--only` picks one):
 *
 * Overhead: a bare route (`GET /health`: no authorizer, no limiter) against the full path (`GET /v1/me`: authorizer +
 * usage plan + limiter + handler):
 *   (a) at a fixed rate well below saturation (`LOAD_RATE` req/s, default 200; `LOAD_CONNECTIONS`, default 10;
 *       `LOAD_DURATION_SEC`, default 20 s each) → the full path's overhead at p50/p99, ms;
 *   (b) at saturation (`LOAD_SAT_CONNECTIONS`, default 50; `LOAD_SAT_DURATION_SEC`, default 10 s each) → req/s.
 *
 * Routes: every route of the route table (`lib/config/routes.ts`), `GET /health` first as the bare baseline, each
 * with the valid request of its plan (`./load-routes.ts`) at a fixed moderate rate (`LOAD_ROUTE_RATE` req/s, default
 * 40, over `LOAD_ROUTE_CONNECTIONS`, default 4, for `LOAD_ROUTE_DURATION_SEC`, default 5 s: rate × duration
 * requests; slow routes use the lower rate their plan gives) → p50/p99/max ms and req/s per route; a route that
 * cannot be measured says why. `LOAD_ROUTES=<substring>,…` measures only the matching route keys (not with
 * `--write`). `--write` stores the figures with the date, machine, load average and commit in the one data file
 * `lib/config/load-baselines.json` and regenerates the table between the `load-baselines` markers of
 * docs/load-testing.md from it (the per-route p99 alarm thresholds derive from that file).
 *
 * Tokens belong to a dedicated enterprise tenant `load-test` (created through the admin API) whose limits are raised
 * through the admin API, and the enterprise usage plan is raised for the run and restored afterwards, so the run
 * measures the path, not 429s. Every non-2xx response, connection error and timeout counts as an error.
 * Prints requests/s, p50/p99/max latency and status counts per phase, then one line `RESULT {json}` with
 * `overhead_p50_ms`, `overhead_p99_ms`, `full_rps`, `bare_rps` (overhead part), `routes_measured`,
 * `routes_skipped`, `route_errors`, `slowest_route`, `slowest_route_p99_ms` (routes part) and `errors` (all).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon, { type Request, type Result } from 'autocannon';
import { GATEWAY_BUDGET } from '../../lib/config/budgets';
import { ROUTES, type Route, routeKey } from '../../lib/config/routes';
import { getStageConfig } from '../../lib/config/stages';
import { loadOrCreateDevKey } from '../../local/dev-key';
import { localIssuer, signAccessToken } from '../../local/oidc';
import { freePort } from '../../local/redis';
import {
  type LoadContext,
  type PlanRole,
  planFor,
  type RoutePlan,
  type RouteSkip,
  routePlans,
} from './load-routes';
import {
  api,
  expectStatus,
  healthy,
  LOAD_TENANT,
  envNumber as num,
  prepareLimits,
  startStack,
} from './load-stack';

const env = process.env;
const RATE = num('LOAD_RATE', 200);
const CONNECTIONS = num('LOAD_CONNECTIONS', 10);
const DURATION = num('LOAD_DURATION_SEC', 20);
const SAT_CONNECTIONS = num('LOAD_SAT_CONNECTIONS', 50);
const SAT_DURATION = num('LOAD_SAT_DURATION_SEC', 10);
const ROUTE_RATE = num('LOAD_ROUTE_RATE', 40);
const ROUTE_CONNECTIONS = num('LOAD_ROUTE_CONNECTIONS', 4);
const ROUTE_DURATION = num('LOAD_ROUTE_DURATION_SEC', 5);
const ROUTE_FILTER = (env.LOAD_ROUTES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const TENANT = LOAD_TENANT;
const USERS = 20;

interface Phase {
  name: string;
  route: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests answered (any status). */
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  /** First non-2xx body seen (trimmed), to explain errors on the console. */
  firstError?: string;
}

/** One route of the per-route part: measured, or not and why. */
export type RouteFigure =
  | {
      route: string;
      /** What was sent: `METHOD /concrete/path`. */
      request: string;
      role: PlanRole | 'none';
      ratePerSec: number;
      connections: number;
      requests: number;
      rps: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
      errors: number;
      statuses: Record<string, number>;
      note?: string;
    }
  | { route: string; skipped: string };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface RunOptions {
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Exact number of requests. */
  amount?: number;
  overallRate?: number;
  /** Authorization tokens spread over the connections (none: no header). */
  tokens?: string[];
  /** autocannon request sequence (one request: every request of the phase). */
  requests?: Request[];
}

function run(name: string, url: string, opts: RunOptions): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const durations: number[] = [];
    const tokens = opts.tokens ?? [];
    let next = 0;
    let firstError: string | undefined;
    const requests = opts.requests?.map((r) => ({
      ...r,
      onResponse: (
        status: number,
        body: string,
        context: Record<string, unknown>,
        headers: Record<string, string>,
      ) => {
        if ((status < 200 || status >= 300) && firstError === undefined)
          firstError = `${status} ${body.slice(0, 300)}`;
        r.onResponse?.(status, body, context, headers);
      },
    }));
    const instance = autocannon(
      {
        url,
        connections: opts.connections,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 10 }),
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
        ...(requests ? { requests } : {}),
        timeout: 10,
        setupClient: (client) => {
          if (tokens.length === 0) return;
          client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length]}` });
        },
      },
      (err: Error | null, r: Result) => {
        if (err) return reject(err);
        durations.sort((a, b) => a - b);
        const statuses: Record<string, number> = {};
        for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = Number(s.count);
        resolve({
          name,
          route: new URL(url).pathname,
          rps: r.requests.average,
          p50: percentile(durations, 50),
          p99: percentile(durations, 99),
          max: durations.at(-1) ?? Number.NaN,
          requests: Object.values(statuses).reduce((a, b) => a + b, 0),
          statuses,
          errors: r.non2xx + r.errors + r.timeouts,
          ...(firstError ? { firstError } : {}),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) durations.push(responseTime);
    });
  });
}

function line(p: Phase): string {
  const f = (n: number) => n.toFixed(2).padStart(8);
  const st = Object.entries(p.statuses)
    .map(([c, n]) => `${c}:${n}`)
    .join(' ');
  return `${p.name.padEnd(16)} ${p.route.padEnd(8)} ${p.rps.toFixed(0).padStart(7)} req/s  p50 ${f(p.p50)} ms  p99 ${f(p.p99)} ms  max ${f(p.max)} ms  status ${st}  errors ${p.errors}`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The overhead part (four phases, bare then full): its `RESULT` fields. */
async function overheadPart(base: string, tokens: string[]): Promise<Record<string, number | boolean>> {
  process.stdout.write(
    `overhead: fixed ${RATE} req/s × ${CONNECTIONS} connections × ${DURATION} s, ` +
      `saturation ${SAT_CONNECTIONS} connections × ${SAT_DURATION} s\n`,
  );
  const fixed = { connections: CONNECTIONS, duration: DURATION, overallRate: RATE };
  const sat = { connections: SAT_CONNECTIONS, duration: SAT_DURATION };
  const phases: Phase[] = [];
  for (const [name, path, opts] of [
    ['fixed bare', '/health', fixed],
    ['fixed full', '/v1/me', fixed],
    ['saturation bare', '/health', sat],
    ['saturation full', '/v1/me', sat],
  ] as const) {
    const p = await run(name, `${base}${path}`, { ...opts, tokens: path === '/health' ? [] : tokens });
    phases.push(p);
    process.stdout.write(`${line(p)}\n`);
  }
  const [fb, ff, sb, sf] = phases as [Phase, Phase, Phase, Phase];
  return {
    overhead_p50_ms: round2(ff.p50 - fb.p50),
    overhead_p99_ms: round2(ff.p99 - fb.p99),
    full_rps: Math.round(sf.rps),
    bare_rps: Math.round(sb.rps),
    overhead_errors: phases.reduce((n, p) => n + p.errors, 0),
    // Budgets from lib/config/budgets.ts (GATEWAY_BUDGET).
    budget_overhead_p50_ms: GATEWAY_BUDGET.overheadP50Ms,
    budget_overhead_p99_ms: GATEWAY_BUDGET.overheadP99Ms,
    within_budget:
      ff.p50 - fb.p50 <= GATEWAY_BUDGET.overheadP50Ms && ff.p99 - fb.p99 <= GATEWAY_BUDGET.overheadP99Ms,
  };
}

/** The autocannon request of a plan: token, body (fresh per request when a function), If-Match chain, id pool. */
function planRequest(plan: RoutePlan, token: string | undefined): Request {
  const headers: Record<string, string> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(plan.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const freshBody = typeof plan.body === 'function' ? (plan.body as () => unknown) : undefined;
  let etag = plan.ifMatch?.initialEtag;
  const dynamic = Boolean(freshBody || plan.ifMatch || plan.pool);
  return {
    method: plan.method as Request['method'],
    path: plan.pool ? plan.pool.pathFor(plan.pool.ids[0] ?? 'none') : plan.path,
    headers,
    ...(plan.body !== undefined && !freshBody ? { body: JSON.stringify(plan.body) } : {}),
    ...(dynamic
      ? {
          setupRequest: (req: Request, context: Record<string, unknown>) => {
            const out: Request = { ...req, headers: { ...headers, ...(etag ? { 'if-match': etag } : {}) } };
            if (freshBody) out.body = JSON.stringify(freshBody());
            if (plan.pool) {
              const id = plan.pool.ids.shift();
              context.id = id;
              if (id !== undefined) out.path = plan.pool.pathFor(id);
            }
            return out;
          },
        }
      : {}),
    onResponse: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      resHeaders: Record<string, string>,
    ) => {
      // A failed delete leaves its resource: back to the pool's leftovers, which the clean-up deletes.
      if (plan.pool && (status < 200 || status >= 300) && typeof context.id === 'string') {
        plan.pool.leftovers.push(context.id);
      }
      if (plan.ifMatch) {
        const e = Object.entries(resHeaders).find(([k]) => k.toLowerCase() === 'etag')?.[1];
        if (e) etag = e;
      }
      if (plan.onCreated && status >= 200 && status < 300) {
        try {
          plan.onCreated(JSON.parse(body) as Record<string, unknown>);
        } catch {
          // Not JSON: nothing to collect.
        }
      }
    },
  };
}

/** Measures one route with its plan; never throws (a failure is the route's `skipped` reason). */
async function measureRoute(
  base: string,
  route: Route,
  makePlan: (count: number) => Promise<RoutePlan | RouteSkip>,
  tokens: LoadContext['tokens'],
): Promise<RouteFigure> {
  const key = routeKey(route);
  let plan: RoutePlan | RouteSkip;
  try {
    plan = await makePlan(Math.round(ROUTE_RATE * ROUTE_DURATION));
  } catch (e) {
    return { route: key, skipped: `set-up failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if ('skip' in plan) return { route: key, skipped: plan.skip };
  if (route.auth && !(route.roles as readonly string[]).includes(plan.role)) {
    return { route: key, skipped: `plan error: role ${plan.role} is not allowed on ${key}` };
  }
  const rate = plan.ratePerSec ?? ROUTE_RATE;
  const amount = Math.max(1, Math.round(rate * ROUTE_DURATION));
  const connections = plan.ifMatch ? 1 : Math.min(plan.connections ?? ROUTE_CONNECTIONS, amount);
  if (plan.pool && plan.pool.ids.length < amount) {
    return {
      route: key,
      skipped: `set-up failed: ${plan.pool.ids.length} ids provisioned, ${amount} needed`,
    };
  }
  const token = route.auth ? tokens[plan.role] : undefined;
  const request = `${plan.method} ${plan.path}`; // a pool plan's path is the template (ids differ per request)
  let p: Phase;
  try {
    p = await run(key, base, {
      connections,
      amount,
      overallRate: rate,
      requests: [planRequest(plan, token)],
    });
  } catch (e) {
    return { route: key, skipped: `load generator failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  p.route = request;
  if (p.firstError) process.stdout.write(`  first error of ${key}: ${p.firstError}\n`);
  const ok = Object.entries(p.statuses).reduce((n, [c, k]) => (c.startsWith('2') ? n + k : n), 0);
  if (ok === 0) {
    const st = Object.entries(p.statuses).map(([c, n]) => `${c}: ${n}`);
    return {
      route: key,
      skipped: `no 2xx response among ${p.requests} requests (${st.join(', ') || 'no response'}; errors ${p.errors})`,
    };
  }
  return {
    route: key,
    request,
    role: route.auth ? plan.role : 'none',
    ratePerSec: rate,
    connections,
    requests: p.requests,
    rps: round2(p.rps),
    p50Ms: round2(p.p50),
    p99Ms: round2(p.p99),
    maxMs: round2(p.max),
    errors: p.errors,
    statuses: p.statuses,
    ...(plan.note ? { note: plan.note } : {}),
  };
}

function routeLine(f: RouteFigure): string {
  if ('skipped' in f) return `${f.route.padEnd(50)} not measured: ${f.skipped}`;
  const n = (v: number) => v.toFixed(2).padStart(8);
  const st = Object.entries(f.statuses)
    .map(([c, k]) => `${c}:${k}`)
    .join(' ');
  return `${f.route.padEnd(50)} ${f.rps.toFixed(1).padStart(6)} req/s  p50 ${n(f.p50Ms)} ms  p99 ${n(f.p99Ms)} ms  max ${n(f.maxMs)} ms  status ${st}  errors ${f.errors}`;
}

/** The routes of the per-route part: `GET /health` (the bare baseline) first, then the table's order. */
export function routesToMeasure(filter: readonly string[] = []): Route[] {
  const health = ROUTES.filter((r) => routeKey(r) === 'GET /health');
  const rest = ROUTES.filter((r) => routeKey(r) !== 'GET /health');
  const all = [...health, ...rest];
  return filter.length === 0 ? all : all.filter((r) => filter.some((f) => routeKey(r).includes(f)));
}

/** The per-route part: one phase per route; figures in route-table order, `GET /health` first. */
async function routesPart(
  base: string,
  ctx: LoadContext,
): Promise<{ figures: RouteFigure[]; cleanUp: () => Promise<void> }> {
  const routes = routesToMeasure(ROUTE_FILTER);
  process.stdout.write(
    `routes: ${routes.length} routes, each ${ROUTE_RATE} req/s × ${ROUTE_DURATION} s over ${ROUTE_CONNECTIONS} ` +
      'connections (unless its plan says otherwise)\n',
  );
  const { plans, cleanUp } = routePlans(ctx);
  const figures: RouteFigure[] = [];
  for (const route of routes) {
    const f = await measureRoute(base, route, planFor(plans, route), ctx.tokens);
    figures.push(f);
    process.stdout.write(`${routeLine(f)}\n`);
  }
  return { figures, cleanUp };
}

/** Current commit (short), with `+dirty` when the tree has uncommitted changes; `unknown` outside git. */
function commitId(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

/** The machine, without anything identifying it (no host name). */
function machine(): { cpus: number; cpuModel: string; memoryGib: number; node: string; platform: string } {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memoryGib: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const loadAverage = () => loadavg().map((v) => Math.round(v * 100) / 100) as [number, number, number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { only: { type: 'string' }, write: { type: 'boolean', default: false } },
  });
  const only = values.only;
  if (only !== undefined && only !== 'overhead' && only !== 'routes') {
    throw new Error(`--only must be "overhead" or "routes" (got "${only}")`);
  }
  if (values.write && (only === 'overhead' || ROUTE_FILTER.length > 0)) {
    throw new Error('--write stores every route: run it without --only overhead and without LOAD_ROUTES');
  }
  const startedAt = new Date();
  const loadStart = loadAverage();
  const commit = commitId(); // the tree measured: taken at the start (edits made during the run do not count)
  let port = env.PORT ? Number(env.PORT) : 3000;
  let child: ChildProcess | undefined;
  if (!(await healthy(`http://localhost:${port}`))) {
    if (!env.PORT) port = await freePort();
    process.stdout.write(`no stack answering on :${env.PORT ?? 3000}; starting one on :${port}\n`);
    child = await startStack(port);
  }
  const base = `http://localhost:${port}`;
  let restore: (() => Promise<void>) | undefined;
  let cleanUp: (() => Promise<void>) | undefined;
  try {
    const key = await loadOrCreateDevKey();
    const { audience, claimsNamespace } = getStageConfig(env.STAGE ?? 'dev').auth0;
    const issuer = localIssuer(port);
    const mint = (tenantId: string, userId: string, roles: string[]) =>
      signAccessToken(key, issuer, claimsNamespace, { tenantId, userId, roles, permissions: [], audience });
    const ops = await mint('marketedge', 'ops', ['platform-admin']);
    restore = await prepareLimits(base, ops);
    const tokens = await Promise.all(
      Array.from({ length: USERS }, (_, i) => mint(TENANT, `load-${i}`, ['user'])),
    );
    const roleTokens: LoadContext['tokens'] = {
      user: tokens[0]!,
      'tenant-admin': await mint(TENANT, 'load-admin', ['tenant-admin']),
      'platform-admin': ops,
    };
    // Usage plans and policies are cached for ~2 s by the gateway and limiter; warm every token's authorizer cache.
    await new Promise((r) => setTimeout(r, 2_500));
    for (const t of [...tokens, roleTokens['tenant-admin']]) {
      expectStatus('warm-up', await api(base, t, 'GET', '/v1/me'), [200]);
    }
    process.stdout.write(`load test against ${base}, load average ${loadStart.join(' ')}\n`);

    const result: Record<string, unknown> = {};
    if (only !== 'routes') Object.assign(result, await overheadPart(base, tokens));
    if (only !== 'overhead') {
      const ctx: LoadContext = {
        tenant: TENANT,
        ownStack: child !== undefined,
        tokens: roleTokens,
        // Set-up calls retry a 503/429 (a fail-closed route whose limiter decision timed out on a busy machine).
        api: async (role, method, path, body, headers) => {
          for (let attempt = 1; ; attempt++) {
            const r = await api(base, roleTokens[role], method, path, body, headers);
            if ((r.status !== 503 && r.status !== 429) || attempt === 5) return r;
            await new Promise((res) => setTimeout(res, 250 * attempt));
          }
        },
      };
      const part = await routesPart(base, ctx);
      cleanUp = part.cleanUp;
      const measured = part.figures.filter(
        (f): f is Exclude<RouteFigure, { skipped: string }> => !('skipped' in f),
      );
      const slowest = measured.reduce<(typeof measured)[number] | undefined>(
        (a, f) => (a === undefined || f.p99Ms > a.p99Ms ? f : a),
        undefined,
      );
      Object.assign(result, {
        routes_measured: measured.length,
        routes_skipped: part.figures.length - measured.length,
        route_errors: measured.reduce((n, f) => n + f.errors, 0),
        health_p99_ms: measured.find((f) => f.route === 'GET /health')?.p99Ms ?? null,
        slowest_route: slowest?.route ?? null,
        slowest_route_p99_ms: slowest?.p99Ms ?? null,
      });
      if (values.write) {
        const { writeBaselines } = await import('./load-baselines-write');
        const written = await writeBaselines({
          measuredAt: startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          commit,
          machine: machine(),
          loadAverage: { start: loadStart, end: loadAverage() },
          settings: {
            ratePerSec: ROUTE_RATE,
            connections: ROUTE_CONNECTIONS,
            durationSec: ROUTE_DURATION,
            stack: child ? 'started by the run' : `already running on :${port}`,
          },
          routes: part.figures,
        });
        result.written = written;
      }
    }
    result.errors = Number(result.overhead_errors ?? 0) + Number(result.route_errors ?? 0);
    result.load_average = { start: loadStart, end: loadAverage() };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await cleanUp?.().catch((e: unknown) => process.stderr.write(`clean-up failed: ${String(e)}\n`));
    await restore?.().catch((e: unknown) => process.stderr.write(`restore failed: ${String(e)}\n`));
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => child?.once('exit', r));
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`load: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
