import { completeLogin, consolePath, signIn, signOut, typeInto } from '../support/console';
import { etag, expect, step, test } from '../support/fixtures';
import { E2E_VERTICALS, verticalTag } from '../support/verticals';

/**
 * The rate-limited workflow's rule: 1 request per this many seconds, s. The test waits out one window (the Retry-After
 * of the refused request); it must outlast the hop from the API call that spends the window to the browser's held
 * request (well under 1 s, also at load 20).
 */
const RATE_LIMITED_WINDOW_SEC = 4;

/** Critical console workflows, once per vertical, each in a tenant of its own. */
for (const vertical of E2E_VERTICALS) {
  test.describe(vertical, { tag: verticalTag(vertical) }, () => {
    test('sign in, vertical home, reports create / list / view / delete, my limits', async ({
      page,
      provisionTenant,
    }) => {
      const t = await provisionTenant({ vertical });
      const user = t.principal('user');
      const title = `${vertical} price watch ${t.tenantId.slice(-4)}`;

      await step('sign in lands on the vertical home in the tenant theme', async () => {
        await signIn(page, user);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome to ${t.name}`);
        await expect(page.getByText(`Vertical ${vertical}`)).toBeVisible();
        await expect(page.locator('html')).toHaveAttribute('data-theme', new RegExp(vertical));
      });

      await step('create a report', async () => {
        await page.getByRole('navigation').getByRole('link', { name: 'Reports' }).click();
        await expect(page.getByText('No reports yet. Create the first one.')).toBeVisible();
        await page.getByRole('link', { name: 'New report' }).click();
        await typeInto(page.getByLabel('Title'), title);
        await typeInto(page.getByLabel('Body'), 'Competitor prices fell 4 % in the north.');
        await typeInto(page.getByLabel('Tags'), 'prices, north');
        await page.getByRole('button', { name: 'Create report' }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
        await expect(page.getByText('Competitor prices fell 4 % in the north.')).toBeVisible();
        await expect(page.getByText('tags: prices, north')).toBeVisible();
        // A user may not delete.
        await expect(page.getByRole('button', { name: 'Delete report' })).toHaveCount(0);
      });

      await step('list and view it', async () => {
        await page.getByRole('link', { name: 'Back to reports' }).click();
        await page.getByRole('link', { name: title }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
      });

      await step('my limits shows the rules that apply', async () => {
        await page.getByRole('navigation').getByRole('link', { name: 'My limits' }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('My limits and usage');
        await expect(page.getByRole('rowheader', { name: 'user-rate' })).toBeVisible();
        await expect(page.getByRole('rowheader', { name: 'tenant-rate' })).toBeVisible();
      });

      await step('a tenant admin deletes it', async () => {
        const reportUrl = page.url();
        await signOut(page);
        await page.goto(reportUrl.replace(/\/limits$/, '/reports'));
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await completeLogin(page, t.principal('tenant-admin'));
        await page.getByRole('link', { name: title }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
        // From here on, every API answer about this report: the delete only, never a refetch of it (a 404).
        const reportId = new URL(page.url()).pathname.split('/').pop() ?? '';
        const answers: string[] = [];
        page.on('response', (r) => {
          if (new URL(r.url()).pathname.endsWith(`/v1/reports/${reportId}`))
            answers.push(`${r.request().method()} ${r.status()}`);
        });
        await page.getByRole('button', { name: 'Delete report' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete this report?' });
        await expect(dialog).toBeVisible();
        await dialog.getByRole('button', { name: 'Delete' }).click();
        await expect(page).toHaveURL(new RegExp(`${consolePath('reports')}$`));
        await expect(page.getByRole('link', { name: title })).toHaveCount(0);
        await expect(page.getByText('No reports yet. Create the first one.')).toBeVisible();
        expect(answers).toEqual([expect.stringMatching(/^DELETE 20\d$/)]);
      });
    });

    test('a rate-limited user sees the limit and a countdown, then works again', async ({
      page,
      provisionTenant,
    }) => {
      const t = await provisionTenant({ vertical });
      const user = t.principal('user');
      const admin = await t.as('tenant-admin');
      const limits = await admin.get(`/admin/tenants/${t.tenantId}/limits`);
      const rule = {
        id: 'e2e-ui-slow',
        scope: 'user',
        subject: user.userId,
        kind: 'rate',
        limit: 1,
        periodSec: RATE_LIMITED_WINDOW_SEC,
        // GET /v1/me only (Refresh and Retry): the console's other calls (its analytics batch, posted 5 s after the
        // first page view) would otherwise spend the window the Retry is waiting for.
        match: { route: 'GET /v1/me' },
      };
      const put = await admin.put(
        `/admin/tenants/${t.tenantId}/limits`,
        { rules: [rule] },
        { headers: { 'if-match': etag(limits) } },
      );
      expect(put.status(), await put.text()).toBe(200);

      await signIn(page, user, { path: 'limits' });
      await expect(page.getByRole('rowheader', { name: 'e2e-ui-slow' })).toBeVisible();
      // From here the page's clock stands still (its timers keep running): the countdown shows what the 429's
      // Retry-After said until the test moves the clock, however long the checks take on a loaded machine. (With a
      // running clock and a "3 per 30 s" rule the countdown had ended before the check ran, in Firefox at load 20.)
      const frozenAt = Date.now();
      await page.clock.setFixedTime(frozenAt);
      // The Refresh's GET /v1/me is held until the same user has spent the window's one request through the API,
      // then sent: it is refused however long the click took (the console's own sign-in GET spent it too, but a
      // click can take longer than the window in Firefox at load 20).
      const self = await t.as('user', user.userId);
      const me = (url: URL) => url.pathname.endsWith('/v1/me');
      await page.route(me, async (route) => {
        if (route.request().method() === 'GET') await self.get('/v1/me');
        await route.continue();
      });
      const alert = page.getByRole('alert').filter({ hasText: 'Rate limit reached' });
      // Each Refresh is one GET /v1/me; wait for its answer (not for network idle, which is already reached and
      // would let the next click race the previous request) and stop at the first 429.
      const refresh = page.getByRole('button', { name: 'Refresh' });
      let refused: { retryAfterSec: number; at: number } | undefined;
      for (let i = 0; i < 5 && !refused; i++) {
        const [res] = await Promise.all([
          page.waitForResponse((r) => me(new URL(r.url())) && r.request().method() === 'GET'),
          refresh.click(),
        ]);
        if (res.status() === 429)
          refused = { retryAfterSec: Number(await res.headerValue('retry-after')), at: Date.now() };
      }
      await page.unroute(me);
      expect(refused, 'a Refresh right after the window was spent is refused').toBeDefined();
      const { retryAfterSec, at } = refused!;
      expect(retryAfterSec).toBeGreaterThanOrEqual(1);
      expect(retryAfterSec).toBeLessThanOrEqual(RATE_LIMITED_WINDOW_SEC);
      await expect(alert).toBeVisible();
      // The page survived the rate-limited refresh: the header and its Refresh button are still there.
      await expect(refresh).toBeVisible();
      await expect(alert).toContainText('“e2e-ui-slow”');
      // The countdown starts from the response's Retry-After and follows the clock; Retry waits for it.
      const countdown = alert.getByTestId('countdown');
      await expect(countdown).toHaveText(`Try again in ${retryAfterSec} s.`);
      const retry = alert.getByRole('button', { name: 'Retry' });
      await expect(retry).toBeDisabled();
      if (retryAfterSec > 1) {
        await page.clock.setFixedTime(frozenAt + 1000);
        await expect(countdown).toHaveText(`Try again in ${retryAfterSec - 1} s.`);
        await expect(retry).toBeDisabled();
      }
      // The server's window ends Retry-After seconds after its answer (rounded up): wait it out for real, then move
      // the page's clock to the countdown's end.
      await page.waitForTimeout(Math.max(0, at + retryAfterSec * 1000 - Date.now()));
      await page.clock.setFixedTime(frozenAt + retryAfterSec * 1000);
      await expect(alert.getByText('You can try again now.')).toBeVisible();
      await expect(retry).toBeEnabled();
      await retry.click();
      await expect(alert).toHaveCount(0);
      await expect(page.getByRole('rowheader', { name: 'e2e-ui-slow' })).toBeVisible();
    });

    test("a tenant admin lowers a user's limit and the user's next console request is limited within 1 s", async ({
      page,
      provisionTenant,
    }) => {
      const t = await provisionTenant({ vertical });
      const user = t.principal('user');
      await signIn(page, user, { path: 'limits' });
      await expect(page.getByRole('rowheader', { name: 'user-rate' })).toBeVisible();

      const admin = await t.as('tenant-admin');
      const limits = await admin.get(`/admin/tenants/${t.tenantId}/limits`);
      const rule = {
        id: 'e2e-lowered',
        scope: 'user',
        subject: user.userId,
        kind: 'rate',
        limit: 1,
        periodSec: 60,
      };
      const put = await admin.put(
        `/admin/tenants/${t.tenantId}/limits`,
        { rules: [rule] },
        { headers: { 'if-match': etag(limits) } },
      );
      expect(put.status()).toBe(200);
      const changedAt = Date.now();

      // The claim is about the limiter, not the browser: a console request sent 1 s or more after the change must be
      // judged by the new rule (its `RateLimit-Policy` names it). Measuring the send time of the first 429 instead
      // would time the browser: the first request under a 1-per-minute rule is allowed, so the 429 is the second
      // request, sent one console round trip later (3-9 s in Firefox on a loaded 2-core machine).
      await page.waitForTimeout(Math.max(0, changedAt + 1000 - Date.now()));
      const refresh = async () => {
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/v1/me') && r.request().method() === 'GET'),
          page.getByRole('button', { name: 'Refresh' }).click(),
        ]);
        return res;
      };
      const first = await refresh();
      expect(
        (await first.headerValue('ratelimit-policy')) ?? '',
        'the first request sent 1 s after the change is judged by the new rule',
      ).toContain('"e2e-lowered"');
      // Its one request per minute is now spent (or this request was already refused): the next one is limited.
      if (first.status() !== 429) expect((await refresh()).status()).toBe(429);
      await expect(page.getByRole('alert').filter({ hasText: 'Rate limit reached' })).toContainText(
        '“e2e-lowered”',
      );
    });

    test('an expired session signs in again and comes back to the same page', async ({
      page,
      provisionTenant,
    }) => {
      const t = await provisionTenant({ vertical });
      const user = t.principal('user');
      await signIn(page, user, { path: 'limits', sessionSec: 5 });
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('My limits and usage');
      await page.waitForTimeout(6_000);
      await page.getByRole('button', { name: 'Refresh' }).click();
      // Either the API answers 401 ("Your session has ended") or the OIDC client already dropped the expired user
      // (sign-in screen); both offer to sign in again and return here.
      const again = page
        .getByRole('button', { name: 'Sign in again' })
        .or(page.getByRole('button', { name: 'Sign in', exact: true }));
      await expect(again).toBeVisible({ timeout: 15_000 });
      await expect(page).toHaveURL(new RegExp(`${consolePath('limits')}$`));
      await again.click();
      await completeLogin(page, user);
      await expect(page).toHaveURL(new RegExp(`${consolePath('limits')}$`));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('My limits and usage');
      await expect(page.getByRole('rowheader', { name: 'user-rate' })).toBeVisible();
    });
  });
}
