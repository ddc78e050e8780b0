import type { ClientEvent } from '../../lib/config/analytics';
import { analyticsCli as analytics } from '../support/analytics-cli';
import { capturePostBodies } from '../support/capture';
import { signIn, typeInto } from '../support/console';
import { baseUrl } from '../support/env';
import { expect, step, test } from '../support/fixtures';

interface FunnelRow {
  tenant_id: string;
  step_1_page_view: number;
  step_2_report_created: number;
  step_3_report_viewed: number;
  step_4_report_created: number;
}

/**
 * Issue #14's done-when, end to end: click through the console (sign in, reports list, create a report, view it,
 * create another) and `npm run analytics -- funnel` shows those steps for the tenant — step 1 is the console's own
 * `page_view` (client-side, `POST /v1/events`), steps 2-4 the reports Lambda's server-side events.
 */
test('a click-through of the console shows in npm run analytics -- funnel (page_view, report created, viewed, created)', async ({
  page,
  provisionTenant,
}) => {
  const t = await provisionTenant({ vertical: 'retail' });
  const user = t.principal('user');

  // The batches the page posts (read in the page: Playwright has no request bodies over WebDriver BiDi).
  const bodies = await capturePostBodies(page, { url: `${baseUrl()}/v1/events` });
  const sent = () => bodies.flatMap((b) => (JSON.parse(b) as { events: ClientEvent[] }).events);
  const statuses: number[] = [];
  page.on('response', (r) => {
    if (r.url() === `${baseUrl()}/v1/events` && r.request().method() === 'POST') statuses.push(r.status());
  });

  await step(
    'sign in, open the reports list, create a report (its page views it), create a second',
    async () => {
      await signIn(page, user);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome to ${t.name}`);
      for (const title of ['First watch', 'Second watch']) {
        await page.getByRole('navigation').getByRole('link', { name: 'Reports' }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reports');
        await page.getByRole('link', { name: 'New report' }).click();
        await typeInto(page.getByLabel('Title'), title);
        await typeInto(page.getByLabel('Body'), 'Competitor prices fell 4 % in the north.');
        await page.getByRole('button', { name: 'Create report' }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
      }
    },
  );

  await step('the console sent its page views as route templates and the feature it used', async () => {
    // Sent 5 s after the first queued event (the send on pagehide is unit-tested: a binding called while Chromium
    // unloads the page is not delivered, so this spec waits for the timer).
    await expect
      .poll(
        () =>
          sent()
            .filter((e) => e.name === 'page_view')
            .map((e) => e.props.page),
        { timeout: 20_000 },
      )
      .toEqual([
        '/',
        '/reports',
        '/reports/new',
        '/reports/{reportId}',
        '/reports',
        '/reports/new',
        '/reports/{reportId}',
      ]);
    expect(
      sent()
        .filter((e) => e.name === 'feature_used')
        .map((e) => e.props.feature),
    ).toEqual(['report.create', 'report.create']);
    expect(sent().filter((e) => e.name === 'first_login')).toHaveLength(1);
    // Analytics is on for the local stack, so the home page had a report_cta variant to show: one exposure.
    expect(
      sent()
        .filter((e) => e.name === 'experiment_exposure')
        .map((e) => e.props),
    ).toEqual([{ experiment: 'report_cta' }]);
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    expect(
      statuses.every((s) => s === 202),
      String(statuses),
    ).toBe(true);
  });

  const rows = await step('npm run analytics -- funnel shows the four steps for this tenant', async () => {
    let found: FunnelRow | undefined;
    await expect
      .poll(
        async () => {
          const out = JSON.parse(await analytics(['funnel', '--tenant', t.tenantId, '--json'])) as {
            rows: FunnelRow[];
          };
          found = out.rows.find((r) => r.tenant_id === t.tenantId);
          return found && Number(found.step_1_page_view);
        },
        { timeout: 60_000, intervals: [1000, 2000, 5000] },
      )
      .toBe(1);
    return found!;
  });
  expect(Number(rows.step_2_report_created)).toBe(1);
  expect(Number(rows.step_3_report_viewed)).toBe(1);
  expect(Number(rows.step_4_report_created)).toBe(1);

  await step('and feature adoption counts the console feature', async () => {
    const out = JSON.parse(await analytics(['feature_adoption', '--tenant', t.tenantId, '--json'])) as {
      rows: { tenant_id: string; feature: string; users: number; uses: number }[];
    };
    expect(out.rows.map((r) => [r.feature, Number(r.users), Number(r.uses)])).toEqual([
      ['report.create', 1, 2],
    ]);
  });
  // The table as a person reads it (kept with the test's output).
  await test.info().attach('funnel.txt', {
    body: await analytics(['funnel', '--tenant', t.tenantId]),
    contentType: 'text/plain',
  });
});
