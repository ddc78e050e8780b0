import { completeLogin, consolePath, signIn, signOut } from '../support/console';
import { expect, step, test } from '../support/fixtures';
import { E2E_VERTICALS, verticalTag } from '../support/verticals';

/** Cross-tenant contamination through the console: lists, typed URLs, and switching tenants in one browser. */
for (const [i, vertical] of E2E_VERTICALS.entries()) {
  const other = E2E_VERTICALS[(i + 1) % E2E_VERTICALS.length]!;
  test(`${vertical}: tenant B never sees tenant A's reports, by list, typed URL or a previous session`, {
    tag: [verticalTag(vertical), '@isolation'],
  }, async ({ page, provisionTenant }) => {
    const a = await provisionTenant({ vertical });
    const b = await provisionTenant({ vertical: other });
    const title = `A-only ${vertical} ${a.tenantId.slice(-6)}`;
    const created = await (await a.as('user')).post('/v1/reports', { title, body: 'secret of A' });
    expect(created.status()).toBe(201);
    const { reportId } = (await created.json()) as { reportId: string };

    await step('A sees its report, then signs out', async () => {
      await signIn(page, a.principal('user'), { path: 'reports' });
      await expect(page.getByRole('link', { name: title })).toBeVisible();
      await signOut(page);
    });

    await step('B, in the same browser, sees none of it', async () => {
      await page.goto(consolePath('reports'));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await completeLogin(page, b.principal('tenant-admin'));
      await expect(page.getByText('No reports yet. Create the first one.')).toBeVisible();
      await expect(page.getByText(title)).toHaveCount(0);
      await expect(page.getByRole('banner')).toContainText(b.name);
      await expect(page.getByRole('banner')).not.toContainText(a.name);
    });

    await step("B types A's report URL: not found, nothing of A shown", async () => {
      await page.goto(consolePath(`reports/${reportId}`));
      // A reload ends the in-memory session: sign in again, returning to the typed URL.
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await completeLogin(page, b.principal('tenant-admin'));
      await expect(page.getByRole('alert').getByRole('heading', { name: 'Not found' })).toBeVisible();
      await expect(page.getByText('secret of A')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Delete report' })).toHaveCount(0);
    });
  });
}
