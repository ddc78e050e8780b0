import { connect } from 'node:net';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../../lambdas/shared/flags';
import { type FuzzContext, fuzzRequest } from '../../fuzz/arbitraries';
import { fuzzSettings, send, describe as show, violations } from '../../fuzz/properties';
import { ROUTE_SCHEMAS, routeKey, TARGETS, takesBody } from '../../fuzz/targets';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * Property-based fuzzing of the whole local request path (gateway → authorizer → usage plan → limiter → handler):
 * requests derived from the route table and the routes' zod schemas (docs/api-errors.md). Seeded (`FUZZ_SEED`) and
 * bounded (`FUZZ_RUNS`, default 250; e.g. `FUZZ_RUNS=20000 npx vitest run test/integration/fuzz` for a long run); a
 * failure prints fast-check's shrunk counterexample and the seed/path that replays it.
 */

let t: TestStack;
let ctx: FuzzContext;
let tokens: { admin: string; user: string };
let base: URL;

async function digest(): Promise<string> {
  // The API's stored state: every table but `security`, the security pipeline's own record of detections, which
  // rejected requests are meant to change (a 401 is a failed authentication to count). Access-log lines reach
  // security-events asynchronously (200 ms batches): process them first so the snapshot does not move under us.
  await t.stack.security.flush();
  const { client, tables } = t.stack.dynamo;
  const parts: string[] = [];
  const apiTables = Object.entries(tables).filter(([logical]) => logical !== 'security');
  for (const name of apiTables.map(([, physical]) => physical).sort()) {
    const out = await client.send(new ScanCommand({ TableName: name }));
    parts.push(JSON.stringify((out.Items ?? []).map((i) => JSON.stringify(i)).sort()));
  }
  return parts.join('\n');
}

beforeAll(async () => {
  // The fuzz sends thousands of bad tokens on purpose: the security responder's automated actions (blocks, tenant
  // clamps through the admin code path: limits and audit writes) would be stored-state changes the property cannot
  // tell from a handler's. security_monitoring_enabled off = detect and alert only (lib/config/flags.ts).
  process.env.FEATURE_FLAGS = JSON.stringify({ security_monitoring_enabled: false });
  flags.reset();
  t = await startTestStack('memory');
  base = new URL(t.url);
  const admin = await t.token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
  const user = await t.token({ tenantId: 'acme', userId: 'alice', roles: ['tenant-admin'] });
  const other = await t.token({ tenantId: 'globex', userId: 'bob', roles: ['user'] });
  tokens = { admin, user };
  for (const tenant of ['acme', 'marketedge', 'globex']) {
    const r = await t.call('POST', `/admin/tenants/${tenant}/bypass`, {
      token: admin,
      body: { reason: 'fuzz run', ttlSec: 86_400 },
    });
    expect(r.status).toBe(201);
  }
  const ids: string[] = [];
  for (const [token, n] of [
    [user, 3],
    [other, 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const r = await t.call('POST', '/v1/reports', { token, body: { title: `r${i}`, body: 'x' } });
      expect(r.status).toBe(201);
      ids.push(String(r.json?.reportId));
    }
  }
  const page = await t.call('GET', '/v1/reports?limit=1', { token: user });
  const otherPage = await t.call('GET', '/v1/reports?limit=1', { token: other });
  const tenants = await t.call('GET', '/admin/tenants?limit=1', { token: admin });
  ctx = {
    reportId: ids[0]!,
    userCursor: String(page.json?.nextCursor),
    otherTenantCursor: String(otherPage.json?.nextCursor),
    adminToken: String(tenants.json?.nextToken),
    tenantIds: ['acme', 'globex', 'marketedge', 'initech', 'nope'],
  };
  expect(ctx.userCursor).toContain('.');
  expect(ctx.adminToken).toContain('.');
}, 120_000);

afterAll(async () => {
  delete process.env.FEATURE_FLAGS;
  flags.reset();
  await t?.stop();
});

describe('fuzz targets', () => {
  it('every route that takes a body has its zod schema registered (so new routes are fuzzed with theirs)', () => {
    const missing = TARGETS.filter((r) => takesBody(r) && !ROUTE_SCHEMAS[routeKey(r)]?.body).map(routeKey);
    expect(missing).toEqual([]);
  });
});

describe("the local gateway's own rejections follow the contract", () => {
  const raw = (head: string, body = ''): Promise<string> =>
    new Promise((resolve, reject) => {
      const sock = connect(Number(base.port), base.hostname, () => sock.end(`${head}\r\n\r\n${body}`));
      const chunks: Buffer[] = [];
      sock.on('data', (c: Buffer) => chunks.push(c));
      sock.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      sock.on('error', reject);
    });
  const problemOf = (reply: string) => {
    const [head = '', body = ''] = reply.split('\r\n\r\n');
    const p = JSON.parse(body) as Record<string, unknown>;
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(head.toLowerCase()).toContain(`x-amzn-requestid: ${String(p.requestId).toLowerCase()}`);
    return { status: Number(head.split(' ')[1]), p };
  };

  it('oversized headers → 431, unknown method → 405, malformed HTTP → 400, body over 6 MB → 413', async () => {
    const big = problemOf(await raw(`GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}`));
    expect([big.status, big.p.status]).toEqual([431, 431]);
    // HEAD: the same status and headers, no body (the fuzz suite found one sent: "data after Connection: close").
    const headReply = await raw(`HEAD /v1/me?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x`);
    expect(headReply).toMatch(/^HTTP\/1\.1 431 /);
    expect(headReply.toLowerCase()).toContain('content-type: application/problem+json');
    expect(headReply.split('\r\n\r\n')[1]).toBe('');
    const method = problemOf(await raw('FOO /v1/me HTTP/1.1\r\nHost: x'));
    expect([method.status, method.p.status]).toEqual([405, 405]);
    const junk = problemOf(await raw('GET /v1/me HTTP/1.1\r\nHost: x\r\nBad Header Name: y'));
    expect([junk.status, junk.p.status]).toEqual([400, 400]);
    const res = await send(base, {
      method: 'POST',
      path: '/v1/reports',
      headers: { authorization: `Bearer ${tokens.user}`, 'content-type': 'application/json' },
      body: `{"title":"t","body":"${'x'.repeat(6 * 1024 * 1024)}"}`,
      route: 'POST /v1/reports',
      caller: 'user',
    });
    expect(res.status).toBe(413);
    expect(
      violations({ method: 'POST', path: '/v1/reports', headers: {}, route: '', caller: 'user' }, res, []),
    ).toEqual([]);
  });
});

describe('API fuzz: bad input never reaches a 5xx', () => {
  it('every route: never 5xx, problem+json with request id, no token echo, rejected requests change no state, bounded time', async () => {
    const { seed, numRuns } = fuzzSettings();
    const secrets = [tokens.admin, tokens.user];
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest(ctx, tokens), async (req) => {
        const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
        const before = mutating ? await digest() : undefined;
        const res = await send(base, req);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        const v = violations(req, res, secrets);
        if (mutating && res.status >= 400 && (await digest()) !== before) {
          v.push('a rejected request changed stored state');
        }
        if (v.length) {
          throw new Error(
            `${v.join('; ')}\n  request: ${show(req)}\n  answer: ${res.status} ${res.text.slice(0, 400)}`,
          );
        }
      }),
      { seed, numRuns },
    );
    // The run reached past the gateway: successes and client errors both occurred.
    const statuses = [...seen.keys()];
    expect(statuses.some((s) => s < 300)).toBe(true);
    expect(statuses.some((s) => s === 400)).toBe(true);
  }, 600_000);
});
