import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushAnalytics } from '../../../lambdas/shared/analytics/runtime';
import { flags } from '../../../lambdas/shared/flags';
import { AnalyticsEngine } from '../../../local/analytics/engine';
import { startTestStack, type TestStack } from '../local/stack-harness';

let t: TestStack;
let root: string;
const today = new Date().toISOString().slice(0, 10);
const ev = (i: number, extra: Record<string, unknown> = {}) => ({
  event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: 'page_view',
  ts: new Date().toISOString(),
  props: { page: '/reports' },
  ...extra,
});

function files(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
  } catch {
    return [];
  }
}

beforeAll(async () => {
  t = await startTestStack('memory');
  root = process.env.ANALYTICS_DIR ?? '';
  expect(root).toContain(t.stack.stateDir);
  // globex opts out before any of its requests (the opt-out is cached 30 s per container).
  await DynamoDBDocumentClient.from(t.stack.dynamo.client).send(
    new UpdateCommand({
      TableName: process.env.TENANTS_TABLE,
      Key: { tenantId: 'globex' },
      UpdateExpression: 'SET analyticsOptOut = :t',
      ExpressionAttributeValues: { ':t': true },
    }),
  );
});
afterAll(async () => {
  flags.reset();
  await t?.stop();
});

describe('POST /v1/events and server-side emitters on the local stack', () => {
  it('202 for a valid batch, duplicates counted once, 400 with field paths, 413 above 64 KiB', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const ok = await t.call('POST', '/v1/events', {
      token,
      body: { events: [ev(1), ev(2, { name: 'feature_used', props: { feature: 'report.create' } })] },
    });
    expect(ok.status).toBe(202);
    expect(ok.json).toEqual({ accepted: 2, duplicates: 0, dropped: 0 });
    const dup = await t.call('POST', '/v1/events', { token, body: { events: [ev(1)] } });
    expect(dup.json).toMatchObject({ accepted: 0, duplicates: 1 });
    const bad = await t.call('POST', '/v1/events', {
      token,
      body: { events: [ev(3, { name: 'report_created' }), ev(4, { props: { page: 'x' } })] },
    });
    expect(bad.status).toBe(400);
    expect(((bad.json?.errors ?? []) as Array<{ path: string }>).map((e) => e.path)).toEqual([
      'events.0.name',
      'events.1.props.page',
    ]);
    const big = await t.call('POST', '/v1/events', {
      token,
      body: { events: [ev(5, { props: { page: `/${'a'.repeat(70_000)}` } })] },
    });
    expect(big.status).toBe(413);
    const noAuth = await t.call('POST', '/v1/events', { body: { events: [ev(6)] } });
    expect(noAuth.status).toBe(401);
  });

  it('a concrete URL or id as page (the #14 tryout payloads): 400 at events.0.props.page, nothing stored', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const stored = () => {
      flushAnalytics(); // the earlier tests' accepted events, buffered until now
      return files(join(root, 'events')).map((f) => [f, readFileSync(f, 'utf8')]);
    };
    const before = stored();
    for (const [i, page] of ['/admin/users/bob', '/reports/01M8Y5GWC5G09MSPE2VNAZQJW3'].entries()) {
      const res = await t.call('POST', '/v1/events', {
        token,
        body: { events: [ev(30 + i, { props: { page } })] },
      });
      expect(res.status, page).toBe(400);
      expect(((res.json?.errors ?? []) as Array<{ path: string }>).map((e) => e.path)).toEqual([
        'events.0.props.page',
      ]);
    }
    await new Promise((r) => setTimeout(r, 20));
    const after = stored();
    expect(after).toEqual(before);
    expect(after.map(([, text]) => text).join('')).not.toMatch(
      /admin\/users\/bob|01M8Y5GWC5G09MSPE2VNAZQJW3/,
    );
  });

  it('report create/view emit server events; everything lands in the hive layout without raw ids', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const created = await t.call('POST', '/v1/reports', {
      token,
      body: { title: 'Q4', body: 'x', tags: ['a', 'b'] },
    });
    expect(created.status).toBe(201);
    const id = String(created.json?.reportId);
    expect((await t.call('GET', `/v1/reports/${id}`, { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    flushAnalytics();
    const stored = files(join(root, 'events'));
    expect(stored.some((f) => f.includes(`tenant_id=acme/dt=${today}/`))).toBe(true);
    const text = stored.map((f) => readFileSync(f, 'utf8')).join('');
    expect(text).not.toMatch(/alice|127\.0\.0\.1/);
    const engine = await AnalyticsEngine.open(root);
    try {
      const rows = await engine.query('events_per_day', {
        tenantId: 'acme',
        vertical: null,
        from: today,
        to: today,
      });
      expect(Object.fromEntries(rows.map((r) => [r.name, Number(r.events)]))).toEqual({
        feature_used: 1,
        page_view: 1,
        report_created: 1,
        report_viewed: 1,
      });
    } finally {
      engine.close();
    }
  });

  it('tenant opt-out and do-not-track: 202 but nothing stored', async () => {
    const before = files(join(root, 'events')).length;
    const globex = await t.token({ tenantId: 'globex', userId: 'bob' });
    expect(
      (await t.call('POST', '/v1/events', { token: globex, body: { events: [ev(10)] } })).json,
    ).toMatchObject({ accepted: 0, dropped: 1, reason: 'tenant-opt-out' });
    const acme = await t.token({ tenantId: 'acme', userId: 'bob' });
    const dnt = await t.call('POST', '/v1/events', {
      token: acme,
      body: { events: [ev(11)] },
      headers: { DNT: '1' },
    });
    expect(dnt.json).toMatchObject({ accepted: 0, dropped: 1, reason: 'do-not-track' });
    expect(
      (await t.call('POST', '/v1/reports', { token: globex, body: { title: 't', body: 'b' } })).status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 20));
    flushAnalytics();
    expect(files(join(root, 'events')).length).toBe(before);
  });

  it('platform operators (the platform tenant, a platform-admin anywhere): 202 but nothing stored, no experiments, not in DAU or A/B', async () => {
    flushAnalytics();
    const before = files(join(root, 'events')).length;
    const operators = [
      { tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin' as const] },
      { tenantId: 'marketedge', userId: 'alice' },
      { tenantId: 'acme', userId: 'support', roles: ['platform-admin' as const] },
    ];
    for (const [i, op] of operators.entries()) {
      const token = await t.token(op);
      const exposure = ev(60 + i, { name: 'experiment_exposure', props: { experiment: 'report_cta' } });
      const res = await t.call('POST', '/v1/events', { token, body: { events: [ev(50 + i), exposure] } });
      expect(res.status, op.userId).toBe(202);
      expect(res.json).toEqual({ accepted: 0, duplicates: 0, dropped: 2, reason: 'platform-operator' });
      expect((await t.call('GET', '/v1/me', { token })).json?.experiments).toEqual({});
      const created = await t.call('POST', '/v1/reports', { token, body: { title: 'ops', body: 'b' } });
      expect(created.status).toBe(201);
      expect((await t.call('GET', `/v1/reports/${created.json?.reportId}`, { token })).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 20));
    flushAnalytics();
    expect(files(join(root, 'events')).length).toBe(before);
    const engine = await AnalyticsEngine.open(root);
    try {
      const all = { tenantId: null, vertical: null, from: today, to: today };
      const dau = await engine.query('active_users', all);
      expect(dau.length).toBeGreaterThan(0);
      expect(dau.filter((r) => r.tenant_id === 'marketedge' || r.vertical === 'platform')).toEqual([]);
      expect(await engine.query('ab_results', all)).toEqual([]);
    } finally {
      engine.close();
    }
  });

  it('business_analytics_enabled off: 204, nothing validated, nothing emitted', async () => {
    const before = files(join(root, 'events')).length;
    flags.set({ business_analytics_enabled: false });
    try {
      const token = await t.token({ tenantId: 'acme', userId: 'carol' });
      const off = await t.call('POST', '/v1/events', { token, body: { events: [ev(20)] } });
      expect(off.status).toBe(204);
      expect(off.text).toBe('');
      expect((await t.call('POST', '/v1/events', { token, body: 'not json' })).status).toBe(204);
      expect((await t.call('POST', '/v1/reports', { token, body: { title: 't', body: 'b' } })).status).toBe(
        201,
      );
      await new Promise((r) => setTimeout(r, 20));
      flushAnalytics();
      expect(files(join(root, 'events')).length).toBe(before);
    } finally {
      flags.reset();
    }
  });
});

describe('admin analytics read API through the local gateway', () => {
  it('GET /admin/analytics/{query} and the export link: own tenant for tenant admins, streamed download', async () => {
    flushAnalytics();
    const admin = await t.token({ tenantId: 'acme', userId: 'admin', roles: ['tenant-admin'] });
    const res = await t.call('GET', `/admin/analytics/events_per_day?from=${today}&to=${today}`, {
      token: admin,
    });
    expect(res.status).toBe(200);
    const rows = (res.json?.rows ?? []) as Array<{ tenant_id: string; events: number }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set(['acme']));
    expect(typeof rows[0]?.events).toBe('number');
    const other = await t.call('GET', '/admin/analytics/funnel?tenantId=globex', { token: admin });
    expect(other.status).toBe(403);
    const bad = await t.call('GET', '/admin/analytics/funnel?from=yesterday', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.json?.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'query.from' })]),
    );
    const exp = await t.call('GET', `/admin/analytics/export?from=${today}&to=${today}&format=csv`, {
      token: admin,
    });
    expect(exp.status).toBe(200);
    const url = String(((exp.json?.files ?? []) as Array<{ url: string }>)[0]?.url);
    expect(url.startsWith(t.stack.url)).toBe(true);
    const dl = await fetch(url);
    expect(dl.status).toBe(200);
    const csv = await dl.text();
    expect(csv.split('\n')[0]).toContain('event_id');
    expect(csv).not.toMatch(/alice|globex/);
  });
});
