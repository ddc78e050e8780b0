import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../../lambdas/shared/flags';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { ACTORS, call, createAdminApi, testDeps } from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from './setup';

let adb: AdminDb;
let deps: ReturnType<typeof testDeps>;
let api: ReturnType<typeof createAdminApi>;
const PA = ACTORS.platformAdmin;

beforeAll(async () => {
  adb = await startAdminDb('flows');
  deps = testDeps(adb.repo);
  api = createAdminApi(deps);
});
afterAll(async () => {
  flags.reset();
  await adb.stop();
});

async function auditOf(partition: string) {
  const out = await adb.client.send(
    new QueryCommand({
      TableName: adb.tables.audit,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': partition },
    }),
  );
  return out.Items ?? [];
}

describe('tenants', () => {
  it('creates a tenant with an API key in its tier usage plan, never exposing the key value', async () => {
    const res = await call(api, {
      method: 'POST',
      path: '/admin/tenants',
      actor: PA,
      body: { tenantId: 'wayne', name: 'Wayne Ent.', tier: 'premium', vertical: 'finance' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/admin/tenants/wayne');
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({ tenantId: 'wayne', tier: 'premium', status: 'active', version: 1 });
    expect(res.body).not.toHaveProperty('apiKeyValue');
    const key = deps.apiKeys.keys.get(String(res.body.apiKeyId));
    expect(key).toMatchObject({ tenantId: 'wayne', tier: 'premium', enabled: true });
    const stored = await adb.client.send(
      new GetCommand({ TableName: adb.tables.tenants, Key: { tenantId: 'wayne' } }),
    );
    expect(stored.Item?.apiKeyValue).toBe(key?.value);
    const audit = await auditOf('TENANT#wayne');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'tenant.create',
      route: 'POST /admin/tenants',
      resource: '/admin/tenants',
      actor: { userId: 'ops', tenantId: 'marketedge', roles: ['platform-admin'] },
      before: null,
    });
    expect(JSON.stringify(audit[0])).not.toContain(key?.value);
  });

  it('answers 409 for an existing id and leaves no orphan API key', async () => {
    const before = deps.apiKeys.keys.size;
    const res = await call(api, {
      method: 'POST',
      path: '/admin/tenants',
      body: { tenantId: 'acme', name: 'Again', tier: 'free', vertical: 'retail' },
    });
    expect(res.status).toBe(409);
    expect(deps.apiKeys.keys.size).toBe(before);
  });

  it('lists with filters and pagination', async () => {
    const all = await call(api, { method: 'GET', path: '/admin/tenants', query: { limit: '100' } });
    expect(all.status).toBe(200);
    expect((all.body.items as unknown[]).length).toBe(7);
    expect(JSON.stringify(all.body)).not.toContain('secret-value');

    const retail = await call(api, { method: 'GET', path: '/admin/tenants', query: { vertical: 'retail' } });
    expect((retail.body.items as { tenantId: string }[]).map((t) => t.tenantId).sort()).toEqual([
      'acme',
      'hooli',
      'umbrella',
    ]);
    const suspended = await call(api, {
      method: 'GET',
      path: '/admin/tenants',
      query: { status: 'suspended', tier: 'standard' },
    });
    expect((suspended.body.items as { tenantId: string }[]).map((t) => t.tenantId)).toEqual(['hooli']);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await call(api, {
        method: 'GET',
        path: '/admin/tenants',
        query: { limit: '3', ...(nextToken ? { nextToken } : {}) },
      });
      expect(page.status).toBe(200);
      const items = page.body.items as { tenantId: string }[];
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items.map((t) => t.tenantId));
      nextToken = page.body.nextToken as string | undefined;
      pages++;
    } while (nextToken && pages < 10);
    expect(seen.sort()).toEqual(['acme', 'globex', 'hooli', 'initech', 'marketedge', 'umbrella', 'wayne']);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('PATCH moves the key on a tier change, disables it on suspend, bumps the policy version', async () => {
    const get = await call(api, { method: 'GET', path: '/admin/tenants/wayne' });
    const keyId = String(get.body.apiKeyId);
    const res = await call(api, {
      method: 'PATCH',
      path: '/admin/tenants/wayne',
      headers: { 'If-Match': get.headers.etag! },
      body: { tier: 'standard', status: 'suspended', branding: { primaryColor: '#112233' } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      tier: 'standard',
      status: 'suspended',
      branding: { primaryColor: '#112233' },
    });
    expect(deps.apiKeys.keys.get(keyId)).toMatchObject({ tier: 'standard', enabled: false });
    expect(deps.limiter.tenantBumps).toContain('wayne');

    const stale = await call(api, {
      method: 'PATCH',
      path: '/admin/tenants/wayne',
      headers: { 'If-Match': get.headers.etag! },
      body: { tier: 'free' },
    });
    expect(stale.status).toBe(412);
    expect(deps.apiKeys.keys.get(keyId)?.tier).toBe('standard'); // key move undone
    const missing = await call(api, { method: 'PATCH', path: '/admin/tenants/wayne', body: { name: 'x' } });
    expect(missing.status).toBe(428);

    const clear = await call(api, {
      method: 'PATCH',
      path: '/admin/tenants/wayne',
      headers: { 'If-Match': '"2"' },
      body: { branding: null, status: 'active' },
    });
    expect(clear.status).toBe(200);
    expect(clear.body).not.toHaveProperty('branding');
    expect(deps.apiKeys.keys.get(keyId)?.enabled).toBe(true);
    expect((await auditOf('TENANT#wayne')).map((a) => a.action)).toEqual([
      'tenant.create',
      'tenant.update',
      'tenant.update',
    ]);
  });

  it('GET answers 304 for a matching If-None-Match and 404 for unknown tenants (platform-admin)', async () => {
    const first = await call(api, { method: 'GET', path: '/admin/tenants/acme' });
    const again = await call(api, {
      method: 'GET',
      path: '/admin/tenants/acme',
      headers: { 'If-None-Match': first.headers.etag! },
    });
    expect(again.status).toBe(304);
    expect((await call(api, { method: 'GET', path: '/admin/tenants/nobody' })).status).toBe(404);
  });
});

describe('limits', () => {
  it('GET shows overrides and the effective policy with an ETag', async () => {
    const res = await call(api, { method: 'GET', path: '/admin/tenants/acme/limits' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body.overrides).toEqual([]);
    expect(res.body.effective).toEqual(TIER_TABLE.standard.defaultPolicy);
  });

  it('PUT needs If-Match, writes conditionally with an audit record, bumps the tenant version', async () => {
    const rules = [
      { id: 'user-rate', scope: 'user', kind: 'rate', limit: 100, periodSec: 60 },
      { id: 'alice-slow', scope: 'user', subject: 'alice', kind: 'rate', limit: 10, periodSec: 60, burst: 2 },
    ];
    expect(
      (await call(api, { method: 'PUT', path: '/admin/tenants/acme/limits', body: { rules } })).status,
    ).toBe(428);
    const bumps = deps.limiter.tenantBumps.length;
    const ok = await call(api, {
      method: 'PUT',
      path: '/admin/tenants/acme/limits',
      headers: { 'If-Match': '"0"' },
      body: { rules },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"1"');
    expect(deps.limiter.tenantBumps.slice(bumps)).toEqual(['acme']);
    const effective = ok.body.effective as { id: string; limit: number }[];
    expect(effective.find((r) => r.id === 'user-rate')?.limit).toBe(100);
    expect(effective.find((r) => r.id === 'alice-slow')).toBeDefined();

    const stale = await call(api, {
      method: 'PUT',
      path: '/admin/tenants/acme/limits',
      headers: { 'If-Match': '"0"' },
      body: { rules: [] },
    });
    expect(stale.status).toBe(412);
    const audit = (await auditOf('TENANT#acme')).filter((a) => a.action === 'limits.update');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.after).toEqual(rules.map((r) => ({ mode: 'enforce', ...r })));

    flags.set({ tenant_specific_limits: false });
    const off = await call(api, { method: 'GET', path: '/admin/tenants/acme/limits' });
    expect(off.body.tenantSpecificLimits).toBe(false);
    expect(off.body.effective).toEqual(TIER_TABLE.standard.defaultPolicy);
    flags.reset();
  });

  it('a tenant-admin may lower a user but not exceed the tenant or touch tenant rules', async () => {
    const cur = await call(api, {
      method: 'GET',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.acmeAdmin,
    });
    expect(cur.status).toBe(200);
    const overrides = cur.body.overrides as Record<string, unknown>[];
    const tooHigh = await call(api, {
      method: 'PUT',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.acmeAdmin,
      headers: { 'If-Match': cur.headers.etag! },
      body: {
        rules: [
          ...overrides,
          {
            id: 'bob-fast',
            scope: 'user',
            subject: 'bob',
            kind: 'rate',
            limit: 101,
            periodSec: 60,
            burst: 5,
          },
        ],
      },
    });
    expect(tooHigh.status).toBe(403);
    expect(tooHigh.body.errors).toEqual([
      { path: 'rules.2.limit', message: expect.stringContaining('"user-rate"') },
    ]);
    const touchesTenantRule = await call(api, {
      method: 'PUT',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.acmeAdmin,
      headers: { 'If-Match': cur.headers.etag! },
      body: { rules: overrides.filter((r) => r.id !== 'user-rate') },
    });
    expect(touchesTenantRule.status).toBe(403);
    const ok = await call(api, {
      method: 'PUT',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.acmeAdmin,
      headers: { 'If-Match': cur.headers.etag! },
      body: {
        rules: [
          ...overrides,
          { id: 'bob-slow', scope: 'user', subject: 'bob', kind: 'rate', limit: 30, periodSec: 60, burst: 5 },
        ],
      },
    });
    expect(ok.status).toBe(200);
    const audit = (await auditOf('TENANT#acme')).filter((a) => a.action === 'limits.update');
    expect(audit.at(-1)?.actor).toEqual({ userId: 'admin', tenantId: 'acme', roles: ['tenant-admin'] });
  });
});

describe('tiers', () => {
  it('GET lists defaults (version 0); PUT updates rules, the usage plan and bumps the tier version', async () => {
    const list = await call(api, { method: 'GET', path: '/admin/tiers' });
    expect(list.status).toBe(200);
    expect((list.body.items as { tier: string; version: number }[]).map((t) => [t.tier, t.version])).toEqual([
      ['free', 0],
      ['standard', 0],
      ['premium', 0],
      ['enterprise', 0],
    ]);
    const one = await call(api, { method: 'GET', path: '/admin/tiers/free' });
    expect(one.headers.etag).toBe('"0"');
    const body = {
      rules: TIER_TABLE.free.defaultPolicy.map((r) => (r.id === 'user-rate' ? { ...r, limit: 30 } : r)),
      usagePlan: { rateLimit: 4, burstLimit: 8, quotaPerDay: 900 },
    };
    const put = await call(api, {
      method: 'PUT',
      path: '/admin/tiers/free',
      headers: { 'If-Match': '"0"' },
      body,
    });
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe('"1"');
    expect(deps.limiter.tierBumps).toEqual(['free']);
    expect(deps.apiKeys.planLimits.get('free')).toEqual(body.usagePlan);
    const stale = await call(api, {
      method: 'PUT',
      path: '/admin/tiers/free',
      headers: { 'If-Match': '"0"' },
      body: { ...body, usagePlan: { rateLimit: 1, burstLimit: 1, quotaPerDay: 1 } },
    });
    expect(stale.status).toBe(412);
    expect(deps.apiKeys.planLimits.get('free')).toEqual(body.usagePlan); // restored
    const audit = await auditOf('PLATFORM');
    expect(audit.map((a) => a.action)).toEqual(['tier.update']);
    const limits = await call(api, { method: 'GET', path: '/admin/tenants/initech/limits' });
    expect(
      (limits.body.effective as { id: string; limit: number }[]).find((r) => r.id === 'user-rate')?.limit,
    ).toBe(30);
  });
});

describe('bypass, usage, audit', () => {
  it('creates, lists and deletes a bypass (ttl ≤ 24 h), bumping the tenant version each time', async () => {
    const bumps = deps.limiter.tenantBumps.length;
    const created = await call(api, {
      method: 'POST',
      path: '/admin/tenants/globex/bypass',
      body: { userId: 'alice', reason: 'incident 42', ttlSec: 3600 },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.bypassId);
    expect(created.headers.location).toBe(`/admin/tenants/globex/bypass/${id}`);
    expect(Number(created.body.expiresAt)).toBeGreaterThan(Date.now() / 1000 + 3590);
    const stored = await adb.client.send(
      new GetCommand({ TableName: adb.tables.limits, Key: { pk: 'TENANT#globex', sk: `BYPASS#${id}` } }),
    );
    expect(stored.Item).toMatchObject({
      bypassId: id,
      userId: 'alice',
      reason: 'incident 42',
      createdBy: 'ops',
    });

    const list = await call(api, { method: 'GET', path: '/admin/tenants/globex/bypass' });
    expect((list.body.items as { bypassId: string }[]).map((b) => b.bypassId)).toEqual([id]);
    const del = await call(api, { method: 'DELETE', path: `/admin/tenants/globex/bypass/${id}` });
    expect(del.status).toBe(204);
    expect((await call(api, { method: 'DELETE', path: `/admin/tenants/globex/bypass/${id}` })).status).toBe(
      404,
    );
    expect(deps.limiter.tenantBumps.slice(bumps)).toEqual(['globex', 'globex']);
    expect((await auditOf('TENANT#globex')).map((a) => a.action)).toEqual(['bypass.create', 'bypass.delete']);
  });

  it('usage comes from the limiter; a limiter outage is 503', async () => {
    deps.limiter.usage = [
      {
        ruleId: 'tenant-rate',
        scope: 'tenant',
        kind: 'rate',
        mode: 'enforce',
        limit: 10,
        capacity: 10,
        remaining: 7,
        used: 3,
        resetSec: 2,
      },
    ];
    const res = await call(api, {
      method: 'GET',
      path: '/admin/tenants/acme/usage',
      query: { userId: 'alice' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenantId: 'acme',
      tier: 'standard',
      userId: 'alice',
      rules: deps.limiter.usage,
    });
    deps.limiter.fail = true;
    const down = await call(api, { method: 'GET', path: '/admin/tenants/acme/usage' });
    deps.limiter.fail = false;
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
  });

  it('a failed version bump still answers 2xx, marked delayed', async () => {
    deps.limiter.fail = true;
    const res = await call(api, {
      method: 'POST',
      path: '/admin/tenants/umbrella/bypass',
      body: { reason: 'load test', ttlSec: 600 },
    });
    deps.limiter.fail = false;
    expect(res.status).toBe(201);
    expect(res.headers['x-policy-propagation']).toBe('delayed');
  });

  it('audit reads oldest first with since and pagination; tenant-admins read their own', async () => {
    const all = await call(api, { method: 'GET', path: '/admin/audit', query: { tenantId: 'acme' } });
    const items = all.body.items as { at: string; action: string }[];
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect([...items].sort((a, b) => a.at.localeCompare(b.at))).toEqual(items);
    const since = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'acme', since: items[1]!.at },
    });
    expect((since.body.items as unknown[]).length).toBe(items.length - 1);
    const paged = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'acme', limit: '1' },
    });
    expect((paged.body.items as unknown[]).length).toBe(1);
    const next = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'acme', limit: '1', nextToken: String(paged.body.nextToken) },
    });
    expect((next.body.items as { at: string }[])[0]?.at).toBe(items[1]!.at);
    const own = await call(api, { method: 'GET', path: '/admin/audit', actor: ACTORS.acmeAdmin });
    expect(own.status).toBe(200);
    expect((own.body.items as unknown[]).length).toBe(items.length);
    const platform = await call(api, { method: 'GET', path: '/admin/audit' });
    expect((platform.body.items as { action: string }[]).every((a) => a.action === 'tier.update')).toBe(true);
  });
});

describe('atomicity', () => {
  it('a change whose audit record cannot be written is not applied', async () => {
    const broken = createAdminApi(
      testDeps(
        new (adb.repo.constructor as typeof import('../../../lambdas/admin/repository').AdminRepository)({
          client: () => adb.client,
          tables: { ...adb.tables, audit: 'no-such-table' },
        }),
      ),
    );
    const before = await call(api, { method: 'GET', path: '/admin/tenants/initech' });
    const res = await call(broken, {
      method: 'PATCH',
      path: '/admin/tenants/initech',
      headers: { 'If-Match': before.headers.etag! },
      body: { name: 'Changed' },
    });
    expect(res.status).toBe(500);
    const after = await call(api, { method: 'GET', path: '/admin/tenants/initech' });
    expect(after.body).toEqual(before.body);
  });
});
