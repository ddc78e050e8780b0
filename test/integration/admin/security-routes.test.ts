import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SecurityOverview } from '../../../lambdas/admin/security-overview';
import { buildSecurityEvent } from '../../../lambdas/shared/security/event';
import { auditKeys } from '../../../lib/config/data-model';
import { SECURITY_DETAIL_TYPES } from '../../../lib/config/security';
import { ACTORS, call, createAdminApi, type FakeSecurity, testDeps } from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from './setup';

/**
 * The admin API's security routes over dynalite (audit) and a fake security port (the responder's records, the
 * recent-events window, the bus): what the console's security page reads and the two early lifts it asks for.
 */
let adb: AdminDb;
let api: ReturnType<typeof createAdminApi>;
let security: FakeSecurity;
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const nowSec = NOW / 1000;

beforeAll(async () => {
  adb = await startAdminDb('secroutes');
});
afterAll(async () => {
  await adb.stop();
});
beforeEach(() => {
  const deps = testDeps(adb.repo, { now: () => new Date(NOW) });
  security = deps.security;
  api = createAdminApi(deps);
});

const ops = ACTORS.platformAdmin;
const block = (cidr: string, expiresAt: number, severity = 8) =>
  security.store.put({
    cidr,
    version: cidr.includes(':') ? 6 : 4,
    severity,
    source: 'guardduty',
    reason: 'Recon:EC2/Portscan',
    ref: `f-${cidr}`,
    createdAt: NOW - 60_000,
    expiresAt,
  });
const clamp = (tenantId: string, expiresAt: number) =>
  security.store.putClamp({
    tenantId,
    previousRules: [],
    version: 3,
    reason: 'failed_auth_per_tenant',
    ref: 'evt-1',
    createdAt: NOW - 60_000,
    expiresAt,
  });
const platformAudit = async () =>
  (await adb.repo.queryAudit({ partition: auditKeys.platformPartition, limit: 100 })).items;

describe('GET /admin/security', () => {
  it('active blocks and clamps (soonest expiry first), the newest events and their figures', async () => {
    await block('203.0.113.9/32', nowSec + 600);
    await block('2001:db8::bad/128', nowSec + 60, 7);
    await block('198.51.100.1/32', nowSec - 1); // expired, not yet swept
    await clamp('acme', nowSec + 900);
    await clamp('globex', nowSec - 5);
    const at = (s: number) => new Date(NOW - s * 1000);
    await security.recent.add([
      buildSecurityEvent(
        { type: 'AuthFailed', outcome: 'unauthorized', reason: 'token_expired', sourceIp: '192.0.2.1' },
        at(50),
      ),
      buildSecurityEvent(
        { type: 'AuthFailed', outcome: 'unauthorized', reason: 'token_expired', sourceIp: '192.0.2.1' },
        at(40),
      ),
      buildSecurityEvent(
        {
          type: 'AuthDenied',
          outcome: 'forbidden',
          reason: 'tenant_suspended',
          sourceIp: '192.0.2.2',
          tenantId: 'hooli',
        },
        at(30),
      ),
      buildSecurityEvent(
        {
          type: 'GuardDutyFinding',
          outcome: 'detected',
          reason: 'guardduty_high',
          details: { band: 'high' },
        },
        at(20),
      ),
      buildSecurityEvent(
        { type: 'TenantActivityAnomaly', outcome: 'detected', reason: 'requests_jump', tenantId: 'acme' },
        at(10),
      ),
    ]);
    const res = await call(api, { method: 'GET', path: '/admin/security', actor: ops });
    expect(res.status).toBe(200);
    const body = res.body as unknown as SecurityOverview;
    expect(body.blocks.map((b) => [b.cidr, b.expiresAt])).toEqual([
      ['2001:db8::bad/128', new Date(NOW + 60_000).toISOString()],
      ['203.0.113.9/32', new Date(NOW + 600_000).toISOString()],
    ]);
    expect(body.clamps).toEqual([
      {
        tenantId: 'acme',
        reason: 'failed_auth_per_tenant',
        ref: 'evt-1',
        clampedAt: new Date(NOW - 60_000).toISOString(),
        expiresAt: new Date(NOW + 900_000).toISOString(),
      },
    ]);
    expect(body.events.map((e) => e.type)).toEqual([
      'TenantActivityAnomaly',
      'GuardDutyFinding',
      'AuthDenied',
      'AuthFailed',
      'AuthFailed',
    ]);
    expect(body.summary).toMatchObject({
      window: { events: 5, since: new Date(NOW - 50_000).toISOString() },
      authFailuresByReason: { token_expired: 2, tenant_suspended: 1 },
      topSourceIps: [
        { ip: '192.0.2.1', count: 2 },
        { ip: '192.0.2.2', count: 1 },
      ],
      findingsByBand: { high: 1 },
      anomalies: 1,
    });
    expect(body.generatedAt).toBe(new Date(NOW).toISOString());
    const few = await call(api, {
      method: 'GET',
      path: '/admin/security',
      query: { events: '2' },
      actor: ops,
    });
    expect((few.body as unknown as SecurityOverview).events).toHaveLength(2);
  });

  it('400 with the field path for a bad query', async () => {
    for (const events of ['201', '-1', 'many']) {
      const res = await call(api, { method: 'GET', path: '/admin/security', query: { events }, actor: ops });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain('query.events');
    }
    const extra = await call(api, { method: 'GET', path: '/admin/security', query: { x: '1' }, actor: ops });
    expect(extra.status).toBe(400);
  });
});

describe('POST /admin/security/unblock', () => {
  it('audits who asked and why, then asks the responder (canonical CIDR, the request id) — 202', async () => {
    await block('203.0.113.9/32', nowSec + 600);
    const res = await call(api, {
      method: 'POST',
      path: '/admin/security/unblock',
      body: { cidr: '203.0.113.9', reason: 'our own load test' },
      actor: ops,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'requested', cidr: '203.0.113.9/32' });
    expect(security.requests).toEqual([
      {
        detailType: SECURITY_DETAIL_TYPES.unblockRequested,
        detail: { cidr: '203.0.113.9/32', actor: ops.userId, requestId: res.body.requestId },
      },
    ]);
    const entry = (await platformAudit()).find((a) => a.requestId === res.body.requestId);
    expect(entry).toMatchObject({
      action: 'security.unblock',
      actor: { userId: ops.userId, tenantId: ops.tenantId },
      route: 'POST /admin/security/unblock',
      before: expect.objectContaining({ cidr: '203.0.113.9/32', source: 'guardduty' }),
      after: { lifted: true, reason: 'our own load test' },
    });
  });

  it('404 without an active block (nothing asked, nothing audited); 400 with field paths for bad bodies', async () => {
    await block('198.51.100.1/32', nowSec - 1);
    const before = (await platformAudit()).length;
    for (const cidr of ['198.51.100.1', '192.0.2.200/32']) {
      const res = await call(api, {
        method: 'POST',
        path: '/admin/security/unblock',
        body: { cidr, reason: 'not blocked' },
        actor: ops,
      });
      expect(res.status).toBe(404);
    }
    for (const [body, path] of [
      [{ cidr: 'example.com', reason: 'bad address' }, 'cidr'],
      [{ cidr: '10.0.0.0/33', reason: 'bad prefix' }, 'cidr'],
      [{ cidr: '203.0.113.9' }, 'reason'],
      [{ cidr: '203.0.113.9', reason: 'ok', extra: 1 }, ''],
    ] as const) {
      const res = await call(api, { method: 'POST', path: '/admin/security/unblock', body, actor: ops });
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (path) expect(JSON.stringify(res.body.errors)).toContain(`"${path}"`);
    }
    expect(security.requests).toEqual([]);
    expect((await platformAudit()).length).toBe(before);
  });

  it('503 with Retry-After when the bus refuses; the audit record says it was asked', async () => {
    await block('203.0.113.10/32', nowSec + 600);
    security.failWith = new Error('EventBridge down');
    const res = await call(api, {
      method: 'POST',
      path: '/admin/security/unblock',
      body: { cidr: '203.0.113.10/32', reason: 'retry me' },
      actor: ops,
    });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.stringify(res.body)).not.toContain('EventBridge down');
    expect(
      (await platformAudit()).some(
        (a) => a.action === 'security.unblock' && a.requestId === res.body.requestId,
      ),
    ).toBe(true);
  });
});

describe('DELETE /admin/security/clamps/{tenantId}', () => {
  it('audits in the tenant partition and asks the responder — 202; 404 without an active clamp; 400 bad id', async () => {
    await clamp('acme', nowSec + 900);
    await clamp('globex', nowSec - 1);
    const res = await call(api, { method: 'DELETE', path: '/admin/security/clamps/acme', actor: ops });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'requested', tenantId: 'acme' });
    expect(security.requests).toEqual([
      {
        detailType: SECURITY_DETAIL_TYPES.clampLiftRequested,
        detail: { tenantId: 'acme', actor: ops.userId, requestId: res.body.requestId },
      },
    ]);
    const audit = await adb.repo.queryAudit({ partition: auditKeys.tenantPartition('acme'), limit: 100 });
    expect(audit.items.find((a) => a.requestId === res.body.requestId)).toMatchObject({
      action: 'security.clamp.lift',
      before: expect.objectContaining({ tenantId: 'acme', reason: 'failed_auth_per_tenant' }),
      after: null,
    });
    expect(
      (await call(api, { method: 'DELETE', path: '/admin/security/clamps/globex', actor: ops })).status,
    ).toBe(404);
    expect(
      (await call(api, { method: 'DELETE', path: '/admin/security/clamps/nobody', actor: ops })).status,
    ).toBe(404);
    const bad = await call(api, { method: 'DELETE', path: '/admin/security/clamps/Bad_Id', actor: ops });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('path.tenantId');
    expect(security.requests).toHaveLength(1);
  });
});
