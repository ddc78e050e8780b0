/**
 * `npm run load` — load test of the local stack (docs/load-testing.md).
 *
 * Against the stack on `PORT` (default 3000); when nothing answers there it starts one (`node local/start.mjs` on a
 * free port, access log discarded) and stops it afterwards. In the same run it measures a bare route (`GET /health`:
 * no authorizer, no limiter) against the full path (`GET /v1/me`: authorizer + usage plan + limiter + handler):
 *   (a) at a fixed rate well below saturation (`LOAD_RATE` req/s, default 200; `LOAD_CONNECTIONS`, default 10;
 *       `LOAD_DURATION_SEC`, default 20 s each) → the full path's overhead at p50/p99, ms;
 *   (b) at saturation (`LOAD_SAT_CONNECTIONS`, default 50; `LOAD_SAT_DURATION_SEC`, default 10 s each) → req/s.
 * Tokens belong to a dedicated enterprise tenant `load-test` (created through the admin API) whose limits are raised
 * through the admin API, and the enterprise usage plan is raised for the run and restored afterwards, so the run
 * measures the path, not 429s. Every non-2xx response, connection error and timeout counts as an error.
 * Prints requests/s, p50/p99/max latency and status counts per phase, then one line `RESULT {json}` with
 * `overhead_p50_ms`, `overhead_p99_ms`, `full_rps`, `bare_rps`, `errors`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import autocannon, { type Result } from 'autocannon';
import { GATEWAY_BUDGET } from '../../lib/config/budgets';
import { getStageConfig } from '../../lib/config/stages';
import { loadOrCreateDevKey } from '../../local/dev-key';
import { localIssuer, signAccessToken } from '../../local/oidc';
import { freePort } from '../../local/redis';

const env = process.env;
const num = (name: string, fallback: number) => {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const RATE = num('LOAD_RATE', 200);
const CONNECTIONS = num('LOAD_CONNECTIONS', 10);
const DURATION = num('LOAD_DURATION_SEC', 20);
const SAT_CONNECTIONS = num('LOAD_SAT_CONNECTIONS', 50);
const SAT_DURATION = num('LOAD_SAT_DURATION_SEC', 10);
const TENANT = 'load-test';
const USERS = 20;

interface Phase {
  name: string;
  route: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/health`, { signal: AbortSignal.timeout(1_000) })).status === 200;
  } catch {
    return false;
  }
}

async function startOwnStack(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['local/start.mjs'], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The stack's own logs (degraded-limiter warnings under load, …) are kept only to explain a failed start.
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4_000);
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await healthy(`http://localhost:${port}`)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`the local stack did not start:\n${stderr}`);
}

async function api(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag: string | null; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, etag: res.headers.get('etag'), json };
}

function expectStatus(what: string, r: { status: number; json: unknown }, ok: number[]): void {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
}

/** Raises the load-test tenant's limits; returns a function restoring the enterprise tier. */
async function prepareLimits(base: string, ops: string): Promise<() => Promise<void>> {
  const created = await api(base, ops, 'POST', '/admin/tenants', {
    tenantId: TENANT,
    name: 'Load test',
    tier: 'enterprise',
    vertical: 'finance',
  });
  expectStatus('create tenant load-test', created, [201, 409]);
  const limits = await api(base, ops, 'GET', `/admin/tenants/${TENANT}/limits`);
  expectStatus('get load-test limits', limits, [200]);
  const huge = 1_000_000_000;
  const put = await api(
    base,
    ops,
    'PUT',
    `/admin/tenants/${TENANT}/limits`,
    {
      rules: [
        { id: 'tenant-rate', scope: 'tenant', kind: 'rate', limit: huge, periodSec: 60, burst: 1_000_000 },
        { id: 'user-rate', scope: 'user', kind: 'rate', limit: huge, periodSec: 60, burst: 1_000_000 },
        { id: 'tenant-daily', scope: 'tenant', kind: 'quota', limit: huge, window: 'day' },
      ],
    },
    { 'if-match': limits.etag ?? '*' },
  );
  expectStatus('raise load-test limits', put, [200]);
  const tier = await api(base, ops, 'GET', '/admin/tiers/enterprise');
  expectStatus('get enterprise tier', tier, [200]);
  const original = { rules: tier.json.rules, usagePlan: tier.json.usagePlan };
  const raised = await api(
    base,
    ops,
    'PUT',
    '/admin/tiers/enterprise',
    { rules: original.rules, usagePlan: { rateLimit: 10_000, burstLimit: 5_000, quotaPerDay: huge } },
    { 'if-match': tier.etag ?? '*' },
  );
  expectStatus('raise enterprise usage plan', raised, [200]);
  return async () => {
    const cur = await api(base, ops, 'GET', '/admin/tiers/enterprise');
    const back = await api(base, ops, 'PUT', '/admin/tiers/enterprise', original, {
      'if-match': cur.etag ?? '*',
    });
    expectStatus('restore enterprise usage plan', back, [200]);
  };
}

function run(
  name: string,
  url: string,
  tokens: string[],
  opts: { connections: number; duration: number; overallRate?: number },
): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const durations: number[] = [];
    let next = 0;
    const instance = autocannon(
      {
        url,
        connections: opts.connections,
        duration: opts.duration,
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
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
          statuses,
          errors: r.non2xx + r.errors + r.timeouts,
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

async function main(): Promise<void> {
  let port = env.PORT ? Number(env.PORT) : 3000;
  let child: ChildProcess | undefined;
  if (!(await healthy(`http://localhost:${port}`))) {
    if (!env.PORT) port = await freePort();
    process.stdout.write(`no stack answering on :${env.PORT ?? 3000}; starting one on :${port}\n`);
    child = await startOwnStack(port);
  }
  const base = `http://localhost:${port}`;
  let restore: (() => Promise<void>) | undefined;
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
    // Usage plans and policies are cached for ~2 s by the gateway and limiter; warm every token's authorizer cache.
    await new Promise((r) => setTimeout(r, 2_500));
    for (const t of tokens) expectStatus('warm-up', await api(base, t, 'GET', '/v1/me'), [200]);

    process.stdout.write(
      `load test against ${base}: fixed ${RATE} req/s × ${CONNECTIONS} connections × ${DURATION} s, ` +
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
      const p = await run(name, `${base}${path}`, path === '/health' ? [] : tokens, opts);
      phases.push(p);
      process.stdout.write(`${line(p)}\n`);
    }
    const [fb, ff, sb, sf] = phases as [Phase, Phase, Phase, Phase];
    const round = (n: number) => Math.round(n * 100) / 100;
    const result = {
      overhead_p50_ms: round(ff.p50 - fb.p50),
      overhead_p99_ms: round(ff.p99 - fb.p99),
      full_rps: Math.round(sf.rps),
      bare_rps: Math.round(sb.rps),
      errors: phases.reduce((n, p) => n + p.errors, 0),
      // Budgets from lib/config/budgets.ts (GATEWAY_BUDGET).
      budget_overhead_p50_ms: GATEWAY_BUDGET.overheadP50Ms,
      budget_overhead_p99_ms: GATEWAY_BUDGET.overheadP99Ms,
      within_budget:
        ff.p50 - fb.p50 <= GATEWAY_BUDGET.overheadP50Ms && ff.p99 - fb.p99 <= GATEWAY_BUDGET.overheadP99Ms,
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
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
