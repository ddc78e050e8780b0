import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminRepository } from '../../../lambdas/admin/repository';
import {
  ACTORS,
  call,
  createAdminApi,
  type EventOptions,
  lambdaContext,
  restEvent,
  tenantItem,
  testDeps,
} from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLES = { tenants: 't-tenants', limits: 't-limits', audit: 't-audit' };
let api: ReturnType<typeof createAdminApi>;

beforeEach(() => {
  ddb.reset();
  ddb
    .on(GetCommand, { TableName: TABLES.tenants })
    .resolves({ Item: tenantItem('acme', 'standard', 'retail') });
  ddb.on(GetCommand, { TableName: TABLES.limits }).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(ScanCommand).resolves({ Items: [] });
  const repo = new AdminRepository({
    client: () => ddb as unknown as DynamoDBDocumentClient,
    tables: TABLES,
  });
  api = createAdminApi(testDeps(repo));
});
afterEach(() => ddb.reset());

const rate = { id: 'r1', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 60 };
const limits = (rules: unknown): EventOptions => ({
  method: 'PUT',
  path: '/admin/tenants/acme/limits',
  headers: { 'If-Match': '"0"' },
  body: { rules },
});
const bypass = (body: unknown): EventOptions => ({
  method: 'POST',
  path: '/admin/tenants/acme/bypass',
  body,
});
const tenant = (body: Record<string, unknown>): EventOptions => ({
  method: 'POST',
  path: '/admin/tenants',
  body: { tenantId: 'newco', name: 'New Co', tier: 'free', vertical: 'retail', ...body },
});

/** [case, request, expected field path]. Every row must answer 400 listing that path. */
const TABLE: [string, EventOptions, string][] = [
  ['negative limit', limits([{ ...rate, limit: -1 }]), 'rules.0.limit'],
  ['zero limit', limits([{ ...rate, limit: 0 }]), 'rules.0.limit'],
  ['fractional limit', limits([{ ...rate, limit: 1.5 }]), 'rules.0.limit'],
  ['unknown scope', limits([{ ...rate, scope: 'planet' }]), 'rules.0.scope'],
  ['unknown kind', limits([{ ...rate, kind: 'leaky' }]), 'rules.0.kind'],
  ['periodSec 0', limits([{ ...rate, periodSec: 0 }]), 'rules.0.periodSec'],
  ['periodSec above 31 days', limits([{ ...rate, periodSec: 31 * 86400 + 1 }]), 'rules.0.periodSec'],
  ['fractional periodSec', limits([{ ...rate, periodSec: 1.5 }]), 'rules.0.periodSec'],
  ['negative burst', limits([{ ...rate, burst: -2 }]), 'rules.0.burst'],
  ['subject without user scope', limits([{ ...rate, subject: 'alice' }]), 'rules.0.subject'],
  ['duplicate rule ids', limits([rate, rate]), 'rules.1.id'],
  ['bad rule id', limits([{ ...rate, id: '-x' }]), 'rules.0.id'],
  [
    'quota with bad window',
    limits([{ id: 'q', scope: 'tenant', kind: 'quota', limit: 5, window: 'week' }]),
    'rules.0.window',
  ],
  [
    'route match not a route key',
    limits([{ ...rate, match: { route: '/v1/reports' } }]),
    'rules.0.match.route',
  ],
  ['rules not an array', limits('all'), 'rules'],
  ['unknown body field', { ...limits([]), body: { rules: [], extra: 1 } }, '(body)'],
  ['bypass without reason', bypass({ ttlSec: 60 }), 'reason'],
  ['bypass with blank reason', bypass({ reason: '  ', ttlSec: 60 }), 'reason'],
  ['bypass ttl above 24 h', bypass({ reason: 'incident', ttlSec: 86_401 }), 'ttlSec'],
  ['bypass without ttl', bypass({ reason: 'incident' }), 'ttlSec'],
  ['bypass fractional ttl', bypass({ reason: 'incident', ttlSec: 90.5 }), 'ttlSec'],
  ['unknown tier (create)', tenant({ tier: 'gold' }), 'tier'],
  ['unknown vertical', tenant({ vertical: 'mining' }), 'vertical'],
  ['malformed tenant id', tenant({ tenantId: 'Bad_Id' }), 'tenantId'],
  ['missing name', tenant({ name: undefined }), 'name'],
  ['bad logo URL', tenant({ branding: { logoUrl: 'http://x.test/l.png' } }), 'branding.logoUrl'],
  [
    'logo data URI over the size cap',
    tenant({ branding: { logoUrl: `data:image/png;base64,${'iVBORw0KGgo'.padEnd(24 * 1024, 'A')}` } }),
    'branding.logoUrl',
  ],
  ['unknown tier (path)', { method: 'GET', path: '/admin/tiers/gold' }, 'path.tier'],
  [
    'unknown tier (PUT path)',
    { method: 'PUT', path: '/admin/tiers/gold', headers: { 'If-Match': '"0"' }, body: {} },
    'path.tier',
  ],
  [
    'tier usage plan negative rate',
    {
      method: 'PUT',
      path: '/admin/tiers/free',
      headers: { 'If-Match': '"0"' },
      body: { rules: [], usagePlan: { rateLimit: -1, burstLimit: 1, quotaPerDay: 1 } },
    },
    'usagePlan.rateLimit',
  ],
  ['malformed tenant id (path)', { method: 'GET', path: '/admin/tenants/NOPE!' }, 'path.tenantId'],
  [
    'empty PATCH',
    { method: 'PATCH', path: '/admin/tenants/acme', headers: { 'If-Match': '"1"' }, body: {} },
    '(body)',
  ],
  ['body not JSON', { ...limits([]), body: '{"rules": [' }, '(body)'],
  ['empty body', { ...limits([]), body: '' }, '(body)'],
  ['list limit 0', { method: 'GET', path: '/admin/tenants', query: { limit: '0' } }, 'query.limit'],
  [
    'list limit not a number',
    { method: 'GET', path: '/admin/tenants', query: { limit: 'ten' } },
    'query.limit',
  ],
  [
    'unknown list filter value',
    { method: 'GET', path: '/admin/tenants', query: { status: 'gone' } },
    'query.status',
  ],
  ['unknown query parameter', { method: 'GET', path: '/admin/tenants', query: { colour: 'red' } }, 'query'],
  [
    'bad nextToken',
    { method: 'GET', path: '/admin/tenants', query: { nextToken: 'garbage' } },
    'query.nextToken',
  ],
  [
    'audit since not ISO',
    { method: 'GET', path: '/admin/audit', query: { since: 'yesterday' } },
    'query.since',
  ],
];

describe('validation: 400 problem bodies with field paths', () => {
  it.each(TABLE)('%s → 400 at %s', async (_name, req, path) => {
    const res = await call(api, { actor: ACTORS.platformAdmin, ...req });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });

  it('a body that is not JSON by content type answers 415 (one body rule set for every service)', async () => {
    const res = await call(api, {
      ...limits([]),
      headers: { 'If-Match': '"0"', 'Content-Type': 'text/plain' },
      body: '{"rules": []}',
    });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 415, errors: [{ path: '(body)' }] });
  });

  it('a body above 256 KiB answers 413 Content Too Large', async () => {
    const big = { rules: [], pad: 'x'.repeat(256 * 1024) };
    const res = await call(api, { ...limits([]), body: big });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, errors: [{ path: '(body)' }] });
  });

  it('base64-encoded bodies are decoded before parsing', async () => {
    const event = restEvent({ ...bypass({}), actor: ACTORS.platformAdmin });
    event.body = Buffer.from(JSON.stringify({ reason: 'incident', ttlSec: 86_401 })).toString('base64');
    event.isBase64Encoded = true;
    const res = await api(event, lambdaContext);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors).toEqual([
      { path: 'ttlSec', message: expect.stringContaining('24 h') },
    ]);
  });

  it('never answers 500 for any row of the table', async () => {
    for (const [, req] of TABLE) {
      const res = await call(api, { actor: ACTORS.platformAdmin, ...req });
      expect(res.status).toBeLessThan(500);
    }
  });
});
