import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoReportsRepository } from '../../../lambdas/reports/repository';
import { createReportsService } from '../../../lambdas/reports/service';
import { setDocumentClient } from '../../../lambdas/shared/aws/dynamodb';
import { createObservability } from '../../../lambdas/shared/observability';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';
import { type Caller, callers, lambdaContext, restEvent } from '../../unit/reports/events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

let db: LocalDynamo;
const obs = createObservability('reports');
const service = createReportsService({ repository: dynamoReportsRepository(), obs });

beforeAll(async () => {
  db = await startDynalite('reports');
  useLocalDynamoEnv(db);
  setDocumentClient(undefined);
});
afterAll(async () => {
  setDocumentClient(undefined);
  await db.stop();
});

const call = (e: Parameters<typeof restEvent>[0]) => service(restEvent(e), lambdaContext);
const json = (r: APIGatewayProxyResult) => JSON.parse(r.body) as Record<string, unknown>;

function create(caller: Caller, body: unknown, headers: Record<string, string> = {}) {
  return call({
    method: 'POST',
    resource: '/v1/reports',
    path: '/v1/reports',
    caller,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const get = (caller: Caller, id: string) =>
  call({
    method: 'GET',
    resource: '/v1/reports/{reportId}',
    path: `/v1/reports/${id}`,
    caller,
    pathParameters: { reportId: id },
  });
const del = (caller: Caller, id: string) =>
  call({
    method: 'DELETE',
    resource: '/v1/reports/{reportId}',
    path: `/v1/reports/${id}`,
    caller,
    pathParameters: { reportId: id },
  });
const list = (caller: Caller, query?: Record<string, string>) =>
  call({ method: 'GET', resource: '/v1/reports', path: '/v1/reports', caller, ...(query ? { query } : {}) });

async function listAll(caller: Caller, limit: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const r = await list(caller, { limit: String(limit), ...(cursor ? { cursor } : {}) });
    expect(r.statusCode).toBe(200);
    const page = json(r) as { items: Array<Record<string, unknown>>; nextCursor?: string };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe('GET /v1/me', () => {
  it('returns the tenant context as the backend sees it', async () => {
    const r = await call({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: callers.globexAdmin });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toMatchObject({
      tenantId: 'globex',
      userId: 'admin',
      roles: ['tenant-admin'],
      tier: 'premium',
      principalType: 'user',
    });
  });

  it('ignores tenant hints in headers, query and path', async () => {
    const r = await call({
      method: 'GET',
      resource: '/v1/me',
      path: '/v1/me',
      caller: callers.acmeAlice,
      headers: { 'X-Tenant-Id': 'globex' },
      query: { tenantId: 'globex' },
      pathParameters: { tenantId: 'globex' },
    });
    expect(json(r).tenantId).toBe('acme');
  });

  it('401 without an authorizer context; 404 for a route it does not serve', async () => {
    const r = await call({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: null });
    expect(r.statusCode).toBe(401);
    const other = await call({
      method: 'GET',
      resource: '/admin/tiers',
      path: '/admin/tiers',
      caller: callers.ops,
    });
    expect(other.statusCode).toBe(404);
    expect(other.headers?.['content-type']).toBe('application/problem+json');
  });
});

describe('POST /v1/reports', () => {
  it('creates a report in the caller tenant (201, Location, createdBy)', async () => {
    const r = await create(callers.acmeAlice, { title: 'Footfall', body: 'Up 5 %', tags: ['q3'] });
    expect(r.statusCode).toBe(201);
    const rep = json(r);
    expect(rep).toMatchObject({ tenantId: 'acme', title: 'Footfall', tags: ['q3'], createdBy: 'alice' });
    expect(r.headers?.location).toBe(`/v1/reports/${rep.reportId}`);
    const got = await get(callers.acmeBob, rep.reportId as string);
    expect(json(got)).toEqual(rep);
  });

  it('accepts a base64-encoded JSON body', async () => {
    const r = await call({
      method: 'POST',
      resource: '/v1/reports',
      path: '/v1/reports',
      caller: callers.acmeAlice,
      body: Buffer.from(JSON.stringify({ title: 'b64', body: 'ok' })).toString('base64'),
      isBase64Encoded: true,
    });
    expect(r.statusCode).toBe(201);
  });

  it.each<[string, unknown, number, string[]]>([
    ['title too long', { title: 'x'.repeat(201), body: '' }, 400, ['title']],
    ['body over 32 KiB', { title: 't', body: 'x'.repeat(32 * 1024 + 1) }, 400, ['body']],
    ['bad tag', { title: 't', body: '', tags: [''] }, 400, ['tags.0']],
    ['tenantId smuggled in body', { title: 't', body: '', tenantId: 'globex' }, 400, ['(body)']],
    ['invalid JSON', '{"title":', 400, ['(body)']],
    ['empty body', '', 400, ['(body)']],
  ])('%s → %i with field paths', async (_n, body, status, paths) => {
    const r = await create(callers.acmeAlice, body);
    expect(r.statusCode).toBe(status);
    expect(r.headers?.['content-type']).toBe('application/problem+json');
    expect((json(r).errors as Array<{ path: string }>).map((e) => e.path)).toEqual(paths);
  });

  it('415 for a non-JSON content type', async () => {
    const r = await create(callers.acmeAlice, 'title=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.statusCode).toBe(415);
  });
});

describe('cross-tenant matrix', () => {
  let acmeId: string;
  let globexId: string;
  beforeAll(async () => {
    acmeId = json(await create(callers.acmeAlice, { title: 'acme secret', body: 'a' })).reportId as string;
    globexId = json(await create(callers.globexAlice, { title: 'globex secret', body: 'g' }))
      .reportId as string;
  });

  it('list shows only the caller tenant reports', async () => {
    const acme = await listAll(callers.acmeAlice, 100);
    const globex = await listAll(callers.globexAlice, 100);
    expect(acme.every((r) => r.tenantId === 'acme')).toBe(true);
    expect(globex.every((r) => r.tenantId === 'globex')).toBe(true);
    expect(acme.map((r) => r.reportId)).toContain(acmeId);
    expect(acme.map((r) => r.reportId)).not.toContain(globexId);
    expect(globex.map((r) => r.reportId)).not.toContain(acmeId);
    expect(await listAll(callers.initechAlice, 100)).toEqual([]);
  });

  it.each([
    ['globex user', callers.globexAlice, () => acmeId],
    ['globex admin', callers.globexAdmin, () => acmeId],
    ['platform admin of another tenant', callers.ops, () => acmeId],
    ['acme user', callers.acmeAlice, () => globexId],
  ])('GET by %s of another tenant id → 404', async (_n, caller, id) => {
    const r = await get(caller, id());
    expect(r.statusCode).toBe(404);
    expect(r.body).not.toContain('secret');
  });

  it('DELETE of another tenant id → 404 and the report survives', async () => {
    expect((await del(callers.globexAdmin, acmeId)).statusCode).toBe(404);
    expect((await del(callers.ops, acmeId)).statusCode).toBe(404);
    expect((await get(callers.acmeAlice, acmeId)).statusCode).toBe(200);
  });

  it('DELETE needs tenant-admin or platform-admin (route roles) → 403 for users', async () => {
    const r = await del(callers.acmeAlice, acmeId);
    expect(r.statusCode).toBe(403);
    expect((await get(callers.acmeAlice, acmeId)).statusCode).toBe(200);
  });

  it('tenant-admin deletes its own report: 204, then 404', async () => {
    const id = json(await create(callers.acmeAlice, { title: 'tmp', body: '' })).reportId as string;
    expect((await del(callers.acmeAdmin, id)).statusCode).toBe(204);
    expect((await get(callers.acmeAlice, id)).statusCode).toBe(404);
    expect((await del(callers.acmeAdmin, id)).statusCode).toBe(404);
  });

  it('platform-admin deletes a report of its own tenant', async () => {
    const id = json(await create(callers.ops, { title: 'ops', body: '' })).reportId as string;
    expect((await del(callers.ops, id)).statusCode).toBe(204);
  });

  it('malformed ids → 404, never 500', async () => {
    for (const id of ['nope', 'x'.repeat(2000), `${acmeId}#x`]) {
      expect((await get(callers.acmeAlice, id)).statusCode).toBe(404);
      expect((await del(callers.acmeAdmin, id)).statusCode).toBe(404);
    }
  });
});

describe('pagination', () => {
  const caller: Caller = { tenantId: 'umbrella', userId: 'alice', roles: ['user'], tier: 'enterprise' };
  const created: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      created.push(json(await create(caller, { title: `r${i}`, body: `b${i}` })).reportId as string);
    }
  });

  it('pages of 10 → 10, 10, 5; every report exactly once, newest first, no body in summaries', async () => {
    const sizes: number[] = [];
    let cursor: string | undefined;
    const seen: string[] = [];
    do {
      const r = await list(caller, { limit: '10', ...(cursor ? { cursor } : {}) });
      const page = json(r) as { items: Array<Record<string, unknown>>; nextCursor?: string };
      sizes.push(page.items.length);
      for (const it of page.items) {
        expect(it).not.toHaveProperty('body');
        seen.push(it.reportId as string);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual([...created].sort().reverse());
  });

  it('an exact multiple of the page size ends without an empty page', async () => {
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = json(await list(caller, { limit: '5', ...(cursor ? { cursor } : {}) })) as {
        items: unknown[];
        nextCursor?: string;
      };
      sizes.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([5, 5, 5, 5, 5]);
  });

  it('a page cut short by the 1 MB read limit still continues (nextCursor) and loses nothing', async () => {
    const heavy: Caller = { tenantId: 'heavy', userId: 'alice', roles: ['user'], tier: 'enterprise' };
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await create(heavy, { title: `h${i}`, body: 'z'.repeat(32 * 1024) });
      ids.push(json(r).reportId as string);
    }
    const first = json(await list(heavy, { limit: '100' })) as { items: unknown[]; nextCursor?: string };
    expect(first.items.length).toBeLessThan(40);
    expect(first.nextCursor).toBeTypeOf('string');
    const all = await listAll(heavy, 100);
    expect(all.map((r) => r.reportId)).toEqual([...ids].sort().reverse());
  });

  it('default page size is 20', async () => {
    const page = json(await list(caller)) as { items: unknown[]; nextCursor?: string };
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toBeTypeOf('string');
  });

  it("another tenant's cursor is refused (400 at cursor): cursors are bound to the tenant they were issued to", async () => {
    const page = json(await list(caller, { limit: '5' })) as { nextCursor: string };
    const r = await list(callers.globexAlice, { limit: '100', cursor: page.nextCursor });
    expect(r.statusCode).toBe(400);
    expect((json(r).errors as Array<{ path: string }>)[0]?.path).toBe('cursor');
    expect(r.body).not.toContain('acme');
    expect((await list(caller, { limit: '100', cursor: page.nextCursor })).statusCode).toBe(200);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'abc' }, 'limit'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ cursor: Buffer.from('{"v":1,"k":"../../x"}').toString('base64url') }, 'cursor'],
  ])('%j → 400 at %s', async (query, path) => {
    const r = await list(caller, query);
    expect(r.statusCode).toBe(400);
    expect((json(r).errors as Array<{ path: string }>)[0]?.path).toBe(path);
  });
});

describe('storage failure', () => {
  it('answers 500 with a problem body and no internals', async () => {
    const failing = createReportsService({
      obs,
      repository: {
        create: () => Promise.reject(new Error('ProvisionedThroughputExceeded arn:aws:dynamodb:secret')),
        get: () => Promise.reject(new Error('boom')),
        list: () => Promise.reject(new Error('boom')),
        delete: () => Promise.reject(new Error('boom')),
      },
    });
    const r = await failing(
      restEvent({
        method: 'POST',
        resource: '/v1/reports',
        path: '/v1/reports',
        caller: callers.acmeAlice,
        body: '{"title":"t","body":""}',
      }),
      lambdaContext,
    );
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toMatch(/arn:|Provisioned/);
    expect(json(r).requestId).toMatch(/^req-/);
  });
});
