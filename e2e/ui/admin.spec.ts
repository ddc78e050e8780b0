import type { Page, Response } from '@playwright/test';
import { matchRoute } from '../../lib/config/routes';
import type { ApiClient } from '../support/api-client';
import { consolePath, navigateInApp, signIn, typeInto } from '../support/console';
import { etag, expect, step, test } from '../support/fixtures';
import { E2E_VERTICALS, verticalTag } from '../support/verticals';

/**
 * The console's admin pages, end to end: what a tenant admin and a platform admin change in the browser reaches the
 * limiter and the audit log, and a tenant admin's typed URLs open nothing of another tenant. Each test provisions
 * its own tenants (fixtures.ts); the limiter is timed, never the browser (docs/testing.md, "Firefox in the gate").
 */

/** Clicks `button` and returns the console's answer to the first `method` request whose path ends with `path`. */
async function clickForResponse(page: Page, button: string, method: string, path: string): Promise<Response> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname.endsWith(path)),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return res;
}

/** Waits until `ms` after `since` (epoch ms): "a request sent 1 s after the change", never a guess at a delay. */
async function notBefore(since: number, ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.max(0, since + ms - Date.now())));
}

/** Sends `GET /v1/me` until a 429 (at most `max` calls). */
async function untilLimited(client: ApiClient, max: number): Promise<void> {
  for (let i = 0; i < max; i++) {
    const res = await client.get('/v1/me');
    if (res.status() === 429) return;
    expect(res.status()).toBe(200);
  }
  throw new Error(`no 429 after ${max} calls`);
}

for (const [i, vertical] of E2E_VERTICALS.entries()) {
  const other = E2E_VERTICALS[(i + 1) % E2E_VERTICALS.length]!;
  test.describe(vertical, { tag: verticalTag(vertical) }, () => {
    test("a tenant admin lowers a user's limit on the User limits page and the user is limited within 1 s", async ({
      page,
      provisionTenant,
      signedInPage,
    }) => {
      const t = await provisionTenant({ vertical });
      const user = t.principal('user');
      const ruleId = 'e2e-console-lowered';

      await step('the user works under the tier defaults', async () => {
        await signIn(page, user, { path: 'limits' });
        await expect(page.getByRole('rowheader', { name: 'user-rate' })).toBeVisible();
        await expect(page.getByRole('rowheader', { name: ruleId })).toHaveCount(0);
      });

      // The tenant admin is another person in another browser (context): own session, own storage.
      const admin = await signedInPage(t.principal('tenant-admin'), { path: 'admin/users' });
      const changedAt = await step('the tenant admin adds a 1-per-minute limit for that user', async () => {
        await expect(admin.getByRole('heading', { level: 1 })).toHaveText('User limits');
        await expect(admin.getByText(`Per-user limits for ${t.tenantId}`)).toBeVisible();
        await admin.getByRole('button', { name: 'Add user limit' }).click();
        const form = admin.getByRole('form', { name: 'New rule' });
        await typeInto(form.getByLabel('Rule id'), ruleId);
        await typeInto(form.getByLabel('User id'), user.userId);
        await typeInto(form.getByLabel('Limit (requests)'), '1');
        await typeInto(form.getByLabel('Period (seconds)'), '60');
        const saved = await clickForResponse(
          admin,
          'Save rule',
          'PUT',
          `/admin/tenants/${t.tenantId}/limits`,
        );
        expect(saved.status(), await saved.text()).toBe(200);
        const at = Date.now();
        // The saved rule is listed, and the form closed.
        const own = admin.getByRole('table', { name: 'Per-user limits of your tenant' });
        await expect(own.getByRole('rowheader', { name: ruleId })).toBeVisible();
        await expect(own.getByRole('row', { name: new RegExp(ruleId) })).toContainText(
          `1 per 60 s, user ${user.userId}`,
        );
        await expect(form).toHaveCount(0);
        return at;
      });

      await step(
        "the user's next console request 1 s after the save is judged by it, the one after is refused",
        async () => {
          // As in workflows.spec.ts: the limiter is timed, not the browser — a request sent 1 s or more after the
          // save must carry the new rule in `RateLimit-Policy`; the 429 is the request after it (one per minute).
          await notBefore(changedAt, 1000);
          const refresh = () => clickForResponse(page, 'Refresh', 'GET', '/v1/me');
          const first = await refresh();
          expect(
            (await first.headerValue('ratelimit-policy')) ?? '',
            'the first request sent 1 s after the save is judged by the new rule',
          ).toContain(`"${ruleId}"`);
          if (first.status() !== 429) expect((await refresh()).status()).toBe(429);
          const alert = page.getByRole('alert').filter({ hasText: 'Rate limit reached' });
          await expect(alert).toContainText(`“${ruleId}”`);
          await expect(alert.getByText(/Try again in/)).toBeVisible();
        },
      );
    });

    test("a tenant admin's typed URLs open none of another tenant's admin pages", {
      tag: '@isolation',
    }, async ({ page, provisionTenant }) => {
      const a = await provisionTenant({ vertical });
      const b = await provisionTenant({ vertical: other });
      // What the admin pages show, in each tenant: a per-user rule (and its `limits.update` audit entry naming the
      // tenant's limits resource), set by each tenant's own admin.
      const ruleOf = async (x: typeof a) => {
        const id = `only-${x.tenantId.slice(-8)}`;
        const admin = await x.as('tenant-admin');
        const current = await admin.get(`/admin/tenants/${x.tenantId}/limits`);
        const put = await admin.put(
          `/admin/tenants/${x.tenantId}/limits`,
          { rules: [{ id, scope: 'user', subject: 'someone', kind: 'rate', limit: 5, periodSec: 60 }] },
          { headers: { 'if-match': etag(current) } },
        );
        expect(put.status(), await put.text()).toBe(200);
        return id;
      };
      const aRule = await ruleOf(a);
      const bRule = await ruleOf(b);

      // Every answer the browser gets that names A must be a refusal: the console may ask, the API must say no.
      const leaks: string[] = [];
      page.on('response', (r) => {
        const url = new URL(r.url());
        const api = matchRoute(r.request().method(), url.pathname).route;
        if (api && r.url().includes(a.tenantId) && r.status() < 400) leaks.push(`${r.status()} ${r.url()}`);
      });

      await step("B's tenant admin types A's tenant page: not allowed", async () => {
        await signIn(page, b.principal('tenant-admin'), { path: `platform/tenants/${a.tenantId}` });
        await expect(page).toHaveURL(new RegExp(`${consolePath(`platform/tenants/${a.tenantId}`)}$`));
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
        await expect(page.getByText(aRule)).toHaveCount(0);
      });

      await step("A's live usage by URL: not allowed", async () => {
        await navigateInApp(page, `platform/usage?tenant=${encodeURIComponent(a.tenantId)}`);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
      });

      await step("B's own admin pages, even with A's id in the URL, show only B", async () => {
        await navigateInApp(page, `admin/users?tenantId=${encodeURIComponent(a.tenantId)}`);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('User limits');
        await expect(page.getByText(`Per-user limits for ${b.tenantId}`)).toBeVisible();
        const own = page.getByRole('table', { name: 'Per-user limits of your tenant' });
        await expect(own.getByRole('rowheader', { name: bRule })).toBeVisible();
        await expect(page.getByText(aRule)).toHaveCount(0);
        await navigateInApp(page, `admin/audit?tenantId=${encodeURIComponent(a.tenantId)}`);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
        const entries = page.getByRole('table', { name: 'Audit entries' });
        // B's own history is there (its creation and its rule change), none of A's.
        await expect(entries.getByRole('row').filter({ hasText: 'tenant.create' })).toHaveCount(1);
        await expect(entries.getByRole('row').filter({ hasText: 'limits.update' })).toContainText(
          `/admin/tenants/${b.tenantId}/limits`,
        );
        await expect(entries).not.toContainText(a.tenantId);
      });
      expect(leaks, 'answers about tenant A that were not refusals').toEqual([]);
    });
  });
}

test('a platform admin grants and revokes an emergency bypass on the tenant page, and the audit log page shows both', {
  tag: verticalTag('retail'),
}, async ({ page, provisionTenant, platformAdmin }) => {
  // The platform admin's console is the same for every vertical (the operator's theme, tenant-independent
  // pages): one vertical covers it; the API twin (e2e/api/rate-limits.spec.ts) runs per vertical.
  const t = await provisionTenant({ vertical: 'retail' });
  const user = t.principal('user');
  const client = await t.as('user');
  const base = `/admin/tenants/${t.tenantId}`;
  await step('the user is limited (1 per 10 min, spent)', async () => {
    const current = await platformAdmin.get(`${base}/limits`);
    const put = await platformAdmin.put(
      `${base}/limits`,
      {
        rules: [
          { id: 'e2e-block', scope: 'user', subject: user.userId, kind: 'rate', limit: 1, periodSec: 600 },
        ],
      },
      { headers: { 'if-match': etag(current) } },
    );
    expect(put.status(), await put.text()).toBe(200);
    await untilLimited(client, 10);
  });

  await signIn(page, platformAdmin.principal, { path: `platform/tenants/${t.tenantId}` });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Tenant ${t.tenantId}`);
  const active = page.getByRole('table', { name: 'Active bypasses' });

  const { bypassId, grantedAt } = await step('grant a bypass for the user', async () => {
    await expect(active).toContainText('No active bypass.');
    const form = page.getByRole('form', { name: 'New bypass' });
    await typeInto(form.getByLabel('User id (optional)'), user.userId);
    await typeInto(form.getByLabel('Reason'), 'e2e console incident drill');
    const res = await clickForResponse(page, 'Grant bypass', 'POST', `${base}/bypass`);
    expect(res.status(), await res.text()).toBe(201);
    const at = Date.now();
    const created = (await res.json()) as { bypassId: string };
    const row = active.getByRole('row').filter({ hasText: `user ${user.userId}` });
    await expect(row).toContainText('e2e console incident drill');
    await expect(row).toContainText(platformAdmin.principal.userId);
    return { bypassId: created.bypassId, grantedAt: at };
  });

  await step('the user is served 1 s after the grant', async () => {
    await notBefore(grantedAt, 1000);
    expect((await client.get('/v1/me')).status()).toBe(200);
  });

  const revokedAt = await step('revoke it', async () => {
    const res = await clickForResponse(
      page,
      `Revoke bypass ${bypassId}`,
      'DELETE',
      `${base}/bypass/${bypassId}`,
    );
    expect(res.status()).toBe(204);
    const at = Date.now();
    await expect(active).toContainText('No active bypass.');
    return at;
  });

  await step('the user is limited again 1 s after the revoke', async () => {
    await notBefore(revokedAt, 1000);
    expect((await client.get('/v1/me')).status()).toBe(429);
  });

  await step('the audit log page shows the grant, then the revoke, by this admin', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
    await typeInto(page.getByLabel('Tenant id'), t.tenantId);
    const res = await clickForResponse(page, 'Apply', 'GET', '/admin/audit');
    expect(res.status()).toBe(200);
    await typeInto(page.getByLabel('Action', { exact: true }), 'bypass');
    const rows = page
      .getByRole('table', { name: 'Audit entries' })
      .getByRole('row')
      .filter({ hasText: 'bypass.' });
    await expect(rows).toHaveCount(2);
    // Oldest first: the grant (on the tenant's bypass collection), then the revoke (on this bypass), both by this
    // platform admin.
    await expect(rows.nth(0)).toContainText('bypass.create');
    await expect(rows.nth(0)).toContainText(`${base}/bypass`);
    await expect(rows.nth(1)).toContainText('bypass.delete');
    await expect(rows.nth(1)).toContainText(`${base}/bypass/${bypassId}`);
    for (const r of [rows.nth(0), rows.nth(1)]) await expect(r).toContainText(platformAdmin.principal.userId);
  });
});
