import { expect, test } from '../support/fixtures';
import { E2E_VERTICALS, verticalTag } from '../support/verticals';

/**
 * Cross-tenant isolation at the API: every call tenant A's users make is replayed with tenant B's tokens (same
 * role), and B must learn nothing about A — not its reports (404, never 403, so ids cannot be probed), not its
 * admin resources (403) — and must change nothing of A's.
 */
for (const [i, vertical] of E2E_VERTICALS.entries()) {
  const other = E2E_VERTICALS[(i + 1) % E2E_VERTICALS.length]!;
  test(`${vertical}: tenant B replaying tenant A's API calls sees and changes nothing of A`, {
    tag: [verticalTag(vertical), '@isolation'],
  }, async ({ provisionTenant, apiLog }) => {
    const a = await provisionTenant({ vertical });
    const b = await provisionTenant({ vertical: other });
    const aUser = await a.as('user');
    const aAdmin = await a.as('tenant-admin');
    const bUser = await b.as('user');
    const bAdmin = await b.as('tenant-admin');

    const created = await apiLog.step('A creates a report', () =>
      aUser.post('/v1/reports', { title: `A's ${vertical} plan`, body: 'confidential', tags: ['a-only'] }),
    );
    expect(created.status()).toBe(201);
    const report = (await created.json()) as { reportId: string };
    const reportPath = `/v1/reports/${report.reportId}`;
    expect(created.headers().location).toBe(reportPath);

    // A's own calls, each of which B replays below.
    const aCalls = [
      { who: 'user', method: 'GET', path: '/v1/reports' },
      { who: 'user', method: 'GET', path: reportPath },
      { who: 'admin', method: 'GET', path: `/admin/tenants/${a.tenantId}` },
      { who: 'admin', method: 'GET', path: `/admin/tenants/${a.tenantId}/limits` },
      { who: 'admin', method: 'GET', path: `/admin/tenants/${a.tenantId}/usage` },
      { who: 'admin', method: 'GET', path: `/admin/tenants/${a.tenantId}/bypass` },
      { who: 'admin', method: 'GET', path: `/admin/audit?tenantId=${a.tenantId}` },
    ] as const;
    await apiLog.step('A reads its own data', async () => {
      for (const c of aCalls) {
        const res = await (c.who === 'user' ? aUser : aAdmin).call(c.method, c.path);
        expect(res.status(), `${c.method} ${c.path} as A`).toBe(200);
      }
    });

    await apiLog.step("B replays A's calls", async () => {
      const list = await bUser.get('/v1/reports');
      expect(list.status()).toBe(200);
      expect(await list.text()).not.toContain(report.reportId);
      expect((await bUser.get(reportPath)).status()).toBe(404);
      expect((await bAdmin.get(reportPath)).status()).toBe(404);
      for (const c of aCalls.filter((x) => x.who === 'admin')) {
        const res = await bAdmin.call(c.method, c.path);
        expect(res.status(), `${c.method} ${c.path} as B's tenant admin`).toBe(403);
        expect(await res.text()).not.toContain('a-only');
      }
      // A client-sent tenant never wins over the token's tenant.
      const spoofed = await bUser.get('/v1/reports', { headers: { 'x-tenant-id': a.tenantId } });
      expect(await spoofed.text()).not.toContain(report.reportId);
      const bodyTenant = await bUser.post('/v1/reports', { title: 'x', body: 'y', tenantId: a.tenantId });
      expect(bodyTenant.status()).toBe(400);
    });

    await apiLog.step("B tries to change A's data", async () => {
      expect((await bAdmin.delete(reportPath)).status()).toBe(404);
      const limits = await bAdmin.put(
        `/admin/tenants/${a.tenantId}/limits`,
        { rules: [{ id: 'b-was-here', scope: 'user', subject: 'x', kind: 'rate', limit: 1, periodSec: 60 }] },
        { headers: { 'if-match': '"0"' } },
      );
      expect(limits.status()).toBe(403);
    });

    await apiLog.step("A's data is intact", async () => {
      const still = await aUser.get(reportPath);
      expect(still.status()).toBe(200);
      expect(((await still.json()) as { body: string }).body).toBe('confidential');
      const limits = await aAdmin.get(`/admin/tenants/${a.tenantId}/limits`);
      expect(await limits.text()).not.toContain('b-was-here');
    });
  });
}

test('a token for a tenant that does not exist is refused everywhere', {
  tag: ['@isolation'],
}, async ({ tokenFor, platformAdmin }) => {
  const ghost = await tokenFor({ tenantId: 'e2e-ghost-tenant', userId: 'nobody', roles: ['tenant-admin'] });
  const client = platformAdmin.withToken(ghost);
  for (const path of ['/v1/me', '/v1/reports', '/admin/tenants/e2e-ghost-tenant']) {
    expect((await client.get(path)).status(), path).toBe(403);
  }
});
