import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { allowedMethods, assertOperationsMatchRoutes } from '../../../lambdas/admin/app';
import { defaultDeps, newBypassId, sharedLimiter } from '../../../lambdas/admin/deps';
import { contentEtag, json, requireIfMatch } from '../../../lambdas/admin/http';
import { OPERATIONS } from '../../../lambdas/admin/operations';
import { AdminRepository } from '../../../lambdas/admin/repository';
import { tenantAdminViolations } from '../../../lambdas/admin/tenant-admin-rules';
import type { Policy } from '../../../lib/config/policy';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { ACTORS, call, createAdminApi, lambdaContext, restEvent, tenantItem, testDeps } from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
let api: ReturnType<typeof createAdminApi>;

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: tenantItem('acme', 'standard', 'retail') });
  const repo = new AdminRepository({
    client: () => ddb as unknown as DynamoDBDocumentClient,
    tables: { tenants: 't', limits: 'l', audit: 'a' },
  });
  api = createAdminApi(testDeps(repo));
});

describe('routing', () => {
  it('404 for unknown paths, 405 with Allow for known paths with another method', async () => {
    const unknown = await call(api, { method: 'GET', path: '/admin/nothing' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    const wrong = await call(api, { method: 'DELETE', path: '/admin/tenants/acme' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, PATCH');
    const wrong2 = await call(api, { method: 'POST', path: '/admin/tiers' });
    expect(wrong2.status).toBe(405);
    expect(wrong2.headers.allow).toBe('GET');
    // A route of another Lambda is not served here.
    expect((await call(api, { method: 'GET', path: '/v1/reports' })).status).toBe(404);
    expect(allowedMethods('/admin/tenants/acme/bypass')).toEqual(['GET', 'POST']);
  });

  it('serves paths with a trailing slash like API Gateway', async () => {
    expect((await call(api, { method: 'GET', path: '/admin/tenants/acme/' })).status).toBe(200);
  });

  it('401 without an authorizer context; 400 for a non-proxy event', async () => {
    const res = await call(api, { method: 'GET', path: '/admin/tenants/acme', actor: null });
    expect(res.status).toBe(401);
    const raw = await api({} as APIGatewayProxyEvent, lambdaContext);
    expect(raw.statusCode).toBe(400);
  });

  it('every admin route has exactly one operation', () => {
    expect(() => assertOperationsMatchRoutes(OPERATIONS)).not.toThrow();
    const { 'GET /admin/audit': _drop, ...missing } = OPERATIONS;
    expect(() => assertOperationsMatchRoutes(missing)).toThrow('missing GET /admin/audit');
    expect(() =>
      assertOperationsMatchRoutes({ ...OPERATIONS, 'GET /admin/x': OPERATIONS['GET /admin/tiers']! }),
    ).toThrow('extra GET /admin/x');
  });

  it('default deps wire the shared limiter, env probes and the in-memory key port locally', () => {
    const d = defaultDeps({}, {});
    expect(d.limiter).toBe(sharedLimiter);
    expect(d.probes.map((p) => p.name)).toEqual(['dynamodb', 'redis', 'elasticache']);
    expect(d.apiKeys.constructor.name).toBe('InMemoryApiKeyPort');
    expect(newBypassId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(d.newId()).not.toBe(d.newId());
  });

  it('the deep health route answers 200 with checks (no probes configured here)', async () => {
    const res = await call(api, { method: 'GET', path: '/health/deep' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: [] });
  });
});

describe('preconditions and ETags', () => {
  const ev = (h: Record<string, string>) =>
    restEvent({ method: 'PUT', path: '/admin/tiers/free', headers: h });

  it('If-Match: missing or * → 428; stale or weak → 412; listed → ok', () => {
    expect(() => requireIfMatch(ev({}), 2)).toThrow(expect.objectContaining({ status: 428 }));
    expect(() => requireIfMatch(ev({ 'If-Match': '*' }), 2)).toThrow(
      expect.objectContaining({ status: 428 }),
    );
    expect(() => requireIfMatch(ev({ 'if-match': '"1"' }), 2)).toThrow(
      expect.objectContaining({ status: 412 }),
    );
    expect(() => requireIfMatch(ev({ 'If-Match': 'W/"2"' }), 2)).toThrow(
      expect.objectContaining({ status: 412 }),
    );
    expect(requireIfMatch(ev({ 'If-Match': '"1", "2"' }), 2)).toBe(2);
  });

  it('reads carry an ETag; If-None-Match answers 304', () => {
    const body = { a: 1 };
    const res = json(body);
    expect(res.headers?.etag).toBe(contentEtag(JSON.stringify(body)));
    const get = restEvent({
      method: 'GET',
      path: '/admin/tiers',
      headers: { 'If-None-Match': `W/${res.headers?.etag}` },
    });
    expect(json(body, { event: get }).statusCode).toBe(304);
    expect(json(body, { event: { ...get, headers: { 'If-None-Match': '"other"' } } }).statusCode).toBe(200);
    expect(json(body, { status: 201 }).headers).not.toHaveProperty('etag');
  });

  it("nextToken pages are bound to the caller: another tenant's token answers 400 at query.nextToken", async () => {
    ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: { pk: 'TENANT#acme', sk: 'x' } });
    const page = await call(api, { method: 'GET', path: '/admin/audit', query: { tenantId: 'acme' } });
    expect(page.status).toBe(200);
    const token = String(page.body.nextToken);
    const again = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'acme', nextToken: token },
    });
    expect(again.status).toBe(200);
    const stolen = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      actor: ACTORS.acmeAdmin,
      query: { tenantId: 'acme', nextToken: token },
    });
    expect(stolen.status).toBe(400);
    expect((stolen.body.errors as { path: string }[])[0]?.path).toBe('query.nextToken');
  });
});

describe('tenant-admin rule limits', () => {
  const tier = TIER_TABLE.standard.defaultPolicy; // user-rate 300/60 burst 30; user-writes 60/60 burst 10 (write)
  const user = (o: Record<string, unknown>) =>
    ({
      id: 'u1',
      scope: 'user',
      subject: 'alice',
      kind: 'rate',
      limit: 10,
      periodSec: 60,
      mode: 'enforce',
      ...o,
    }) as Policy[number];

  it.each([
    ['a lower per-user rate', [user({})], []],
    ['the same rate over a longer period', [user({ limit: 600, periodSec: 120, burst: 30 })], []],
    ['a higher rate than user-rate', [user({ limit: 301, burst: 30 })], ['rules.0.limit']],
    ['a higher rate expressed per second', [user({ limit: 6, periodSec: 1, burst: 5 })], ['rules.0.limit']],
    ['a burst above the tier burst', [user({ burst: 31 })], ['rules.0.burst']],
    [
      'a write-route rule above user-writes',
      [user({ limit: 61, burst: 5, match: { route: 'POST /v1/reports' } })],
      ['rules.0.limit'],
    ],
    [
      'a write-class rule within user-writes',
      [user({ limit: 60, burst: 10, match: { limitClass: 'write' } })],
      [],
    ],
    ['a tier rule id', [user({ id: 'user-rate' })], ['rules.0.id']],
    ['a shadow per-user rule', [user({ mode: 'shadow' })], ['rules.0.mode']],
    [
      'a tenant-scope rule',
      [{ id: 't', scope: 'tenant', kind: 'rate', limit: 1, periodSec: 1, mode: 'enforce' } as Policy[number]],
      ['rules.0'],
    ],
    [
      'a per-user quota above the tenant daily quota',
      [
        {
          id: 'q',
          scope: 'user',
          subject: 'alice',
          kind: 'quota',
          limit: 20_001,
          window: 'day',
          mode: 'enforce',
        } as Policy[number],
      ],
      ['rules.0.limit'],
    ],
  ] as [string, Policy, string[]][])('%s', (_name, proposed, paths) => {
    expect(tenantAdminViolations([], proposed, tier).map((e) => e.path)).toEqual(paths);
  });

  it('tenant rules set by a platform-admin must be kept unchanged', () => {
    const tenantRule = {
      id: 'tr',
      scope: 'tenant',
      kind: 'rate',
      limit: 50,
      periodSec: 1,
      mode: 'enforce',
    } as Policy[number];
    expect(tenantAdminViolations([tenantRule], [tenantRule, user({})], tier)).toEqual([]);
    expect(tenantAdminViolations([tenantRule], [user({})], tier).map((e) => e.path)).toEqual(['rules']);
    // The tenant's own stricter override is the ceiling, not the tier default.
    const strict = {
      id: 'user-rate',
      scope: 'user',
      kind: 'rate',
      limit: 20,
      periodSec: 60,
      mode: 'enforce',
    } as Policy[number];
    expect(
      tenantAdminViolations([strict], [strict, user({ limit: 21, burst: 5 })], tier).map((e) => e.path),
    ).toEqual(['rules.1.limit']);
  });
});
