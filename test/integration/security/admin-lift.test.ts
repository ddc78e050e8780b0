import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityOverview } from '../../../lambdas/admin/security-overview';
import { SECURITY_DETAIL_TYPES, SECURITY_EVENT_SOURCE } from '../../../lib/config/security';
import type { LocalSecurityState } from '../../../local/security/runtime';
import { networkConnectionFinding } from '../../fixtures/guardduty';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * The console's early lifts end to end on the local stack: `GET /admin/security` shows what the responder did,
 * `POST /admin/security/unblock` and `DELETE /admin/security/clamps/{tenantId}` go through the admin API (audited,
 * an `AdminChange` security event) onto the local bus to the responder, which lifts the block (the address is served
 * again) or the clamp (the tenant's earlier rules come back) and logs it under the admin request's id.
 */
describe('local stack: lifting a block or a clamp early through the admin API', () => {
  let t: TestStack;
  let ops: string;
  const state = async () =>
    (await t.call('GET', '/_local/security/state')).json as unknown as LocalSecurityState;
  const overview = async () =>
    (await t.call('GET', '/admin/security', { token: ops })).json as unknown as SecurityOverview;

  beforeAll(async () => {
    t = await startTestStack('memory');
    ops = await t.token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a blocked address is listed with its expiry, unblocked on request and served again', async () => {
    const put = await t.call('POST', '/_local/security/events', { body: [networkConnectionFinding] });
    expect(put.status).toBe(200);
    const ip = '198.51.100.10';
    const alice = await t.token({ tenantId: 'acme', userId: 'alice' });
    expect((await t.call('GET', '/v1/me', { token: alice, headers: { 'x-forwarded-for': ip } })).status).toBe(
      403,
    );
    await state(); // processes the responder's lines (its log subscription)
    const before = await overview();
    const listed = before.blocks.find((b) => b.cidr === `${ip}/32`);
    expect(listed).toMatchObject({ source: 'guardduty', version: 4 });
    expect(Date.parse(listed?.expiresAt ?? '')).toBeGreaterThan(Date.now());
    expect(before.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['GuardDutyFinding', 'IpBlocked']),
    );
    expect(before.summary.findingsByBand.high).toBeGreaterThanOrEqual(1);

    const res = await t.call('POST', '/admin/security/unblock', {
      token: ops,
      body: { cidr: ip, reason: 'false positive: our scanner' },
    });
    expect(res.status).toBe(202);
    const requestId = String(res.json?.requestId);
    const s = await state();
    expect(s.ipSets.ipv4).not.toContain(`${ip}/32`);
    expect(s.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'IpUnblocked', reason: 'manual', principal: 'ops', requestId }),
        expect.objectContaining({ type: 'AdminChange', reason: 'security.unblock', principal: 'ops' }),
      ]),
    );
    expect((await t.call('GET', '/v1/me', { token: alice, headers: { 'x-forwarded-for': ip } })).status).toBe(
      200,
    );
    expect((await overview()).blocks.some((b) => b.cidr === `${ip}/32`)).toBe(false);
    const audit = await t.call('GET', '/admin/audit', { token: ops });
    const items = (audit.json?.items ?? []) as { action: string; requestId: string }[];
    expect(items).toContainEqual(expect.objectContaining({ action: 'security.unblock', requestId }));
    // Gone already: a second request is a 404, not a second action.
    const again = await t.call('POST', '/admin/security/unblock', {
      token: ops,
      body: { cidr: ip, reason: 'again' },
    });
    expect(again.status).toBe(404);
  });

  it('a clamped tenant is listed, the clamp lifted on request and its earlier rules restored', async () => {
    const limits = async () => (await t.call('GET', '/admin/tenants/umbrella/limits', { token: ops })).json;
    const rulesBefore = (await limits())?.overrides;
    const detection = {
      version: '0',
      id: 'clamp-umbrella-1',
      'detail-type': SECURITY_DETAIL_TYPES.failedAuthThreshold,
      source: SECURITY_EVENT_SOURCE,
      account: '000000000000',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'eu-west-1',
      resources: [],
      detail: { subject: 'tenant', value: 'umbrella', count: 600, threshold: 500, windowSec: 60 },
    };
    const put = await t.call('POST', '/_local/security/events', { body: [detection] });
    expect(
      ((put.json?.deliveries ?? []) as { responder?: { clamped?: string } }[])[0]?.responder?.clamped,
    ).toBe('umbrella');
    expect((await limits())?.overrides).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'security-clamp' })]),
    );
    await state();
    expect((await overview()).clamps.map((c) => c.tenantId)).toContain('umbrella');

    const res = await t.call('DELETE', '/admin/security/clamps/umbrella', { token: ops });
    expect(res.status).toBe(202);
    expect((await limits())?.overrides).toEqual(rulesBefore);
    const s = await state();
    expect(s.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'TenantClamped',
          outcome: 'unclamped',
          reason: 'manual',
          tenantId: 'umbrella',
          principal: 'ops',
          requestId: String(res.json?.requestId),
        }),
      ]),
    );
    expect((await overview()).clamps.map((c) => c.tenantId)).not.toContain('umbrella');
    expect((await t.call('DELETE', '/admin/security/clamps/umbrella', { token: ops })).status).toBe(404);
    const tenantAudit = await t.call('GET', '/admin/audit?tenantId=umbrella', { token: ops });
    const actions = ((tenantAudit.json?.items ?? []) as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['security.clamp.lift', 'limits.update']));
  });

  it('only platform admins: a tenant admin is refused by the authorizer policy', async () => {
    const admin = await t.token({ tenantId: 'acme', userId: 'boss', roles: ['tenant-admin'] });
    expect((await t.call('GET', '/admin/security', { token: admin })).status).toBe(403);
    expect(
      (
        await t.call('POST', '/admin/security/unblock', {
          token: admin,
          body: { cidr: '1.2.3.4', reason: 'x y z' },
        })
      ).status,
    ).toBe(403);
  });
});
