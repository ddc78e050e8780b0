/**
 * The local stack as the load scripts drive it (`npm run load`, `npm run bench:stack`): start one on a port, call
 * its admin API, and raise the `load-test` tenant's limits so a run measures the path, not 429s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { ApiResponse } from './load-routes';

/** The dedicated enterprise tenant of the load scripts (created through the admin API). */
/**
 * A positive number from the environment variable `name` (a benchmark knob, e.g. `LOAD_RATE`); `fallback` when it is
 * unset, not a number, or ≤ 0.
 */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export const LOAD_TENANT = 'load-test';

/** Whether `GET <base>/health` answers 200 within 1 s. */
export async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/health`, { signal: AbortSignal.timeout(1_000) })).status === 200;
  } catch {
    return false;
  }
}

/** Options of {@link startStack}. */
export interface StartStackOptions {
  /** Root of the tree whose stack runs (`node local/start.mjs` there); default this repository. */
  dir?: string;
  /** Extra Node flags before the script (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** Extra environment. */
  env?: NodeJS.ProcessEnv;
  /** Called with each chunk of the stack's stderr (its WARN/ERROR log lines), e.g. to count degraded decisions. */
  onStderr?: (text: string) => void;
}

/**
 * Starts a local stack on `port` (access log discarded, stderr kept to explain a failed start) and waits until
 * `/health` answers (at most 180 s: a rebuild of the bundle on a busy machine takes a while).
 * @throws {Error} when it does not answer in time or exits (with the last 4 000 characters of its stderr)
 */
export async function startStack(port: number, opts: StartStackOptions = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'local/start.mjs'], {
    cwd: opts.dir ?? new URL('../../', import.meta.url).pathname,
    env: { ...process.env, ...opts.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The stack's own logs (degraded-limiter warnings under load, …) are kept only to explain a failed start.
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    stderr = (stderr + text).slice(-4_000);
    opts.onStderr?.(text);
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (await healthy(`http://localhost:${port}`)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`the local stack did not start:\n${stderr}`);
}

/** Stops a stack started by {@link startStack} (SIGTERM) and waits for it to exit. */
export async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** One call of the stack's API with a bearer token; never throws on an HTTP status. */
export async function api(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
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

/**
 * Checks a response's status.
 * @throws {Error} `<what>: HTTP <status> <body>` when it is not one of `ok`
 */
export function expectStatus(what: string, r: { status: number; json: unknown }, ok: number[]): void {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
}

/**
 * Creates the {@link LOAD_TENANT} tenant (if missing), raises its limits and the enterprise usage plan through the
 * admin API (`ops`: a platform-admin token); returns a function restoring the enterprise tier.
 * @throws {Error} when a call answers an unexpected status
 */
export async function prepareLimits(base: string, ops: string): Promise<() => Promise<void>> {
  const created = await api(base, ops, 'POST', '/admin/tenants', {
    tenantId: LOAD_TENANT,
    name: 'Load test',
    tier: 'enterprise',
    vertical: 'finance',
  });
  expectStatus('create tenant load-test', created, [201, 409]);
  const limits = await api(base, ops, 'GET', `/admin/tenants/${LOAD_TENANT}/limits`);
  expectStatus('get load-test limits', limits, [200]);
  const huge = 1_000_000_000;
  const put = await api(
    base,
    ops,
    'PUT',
    `/admin/tenants/${LOAD_TENANT}/limits`,
    {
      rules: [
        { id: 'tenant-rate', scope: 'tenant', kind: 'rate', limit: huge, periodSec: 60, burst: 1_000_000 },
        { id: 'user-rate', scope: 'user', kind: 'rate', limit: huge, periodSec: 60, burst: 1_000_000 },
        // The tier's write rule too: the per-route part sends creates and deletes at the route rate.
        {
          id: 'user-writes',
          scope: 'user',
          kind: 'rate',
          limit: huge,
          periodSec: 60,
          burst: 1_000_000,
          match: { limitClass: 'write' },
        },
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
