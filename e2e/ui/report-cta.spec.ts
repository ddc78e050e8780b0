import type { MeBody } from '../../lambdas/reports/service';
import type { ClientEvent } from '../../lib/config/analytics';
import { EXPERIMENTS } from '../../lib/config/experiments';
import { analyticsCli } from '../support/analytics-cli';
import { capturePostBodies } from '../support/capture';
import { signIn, typeInto } from '../support/console';
import { baseUrl } from '../support/env';
import { expect, step, test, uid } from '../support/fixtures';

/** One row of `analytics/queries/ab_results.sql` (counts come back from DuckDB as strings or numbers). */
interface AbRow {
  experiment: string;
  variant: string;
  tenant_id: string;
  exposed: number | string;
  converted_report_created: number | string;
}

const VARIANTS = EXPERIMENTS.report_cta.variants.map((v) => v.name);

/**
 * Experiment `report_cta` end to end (issue #14), one test per variant (each in its own tenant): the server assigns
 * each user a variant (`GET /v1/me` `experiments`), the console's home page renders it — `prominent`: a "New report"
 * call to action; `control`: the page without it — and sends one `experiment_exposure`; after the user creates a
 * report, `npm run analytics -- ab_results` (the CLI itself, on this stack's store) counts one exposed and one
 * converted user for that variant in that tenant.
 */
for (const variant of VARIANTS) {
  test(`report_cta ${variant}: rendered as /v1/me assigns it, exposed once, counted by ab_results`, async ({
    page,
    provisionTenant,
  }) => {
    const t = await provisionTenant({ vertical: 'retail' });
    const bodies = await capturePostBodies(page, { url: `${baseUrl()}/v1/events` });
    const exposures = () =>
      bodies
        .flatMap((b) => (JSON.parse(b) as { events: ClientEvent[] }).events)
        .filter((e) => e.name === 'experiment_exposure');

    const userId = await step(
      `find a user assigned ${variant} (GET /v1/me, the server’s assignment)`,
      async () => {
        // Each user is in either variant with probability 1/2: 40 tries all miss with probability 2^-40.
        for (let i = 0; i < 40; i++) {
          const id = `cta-${uid()}`;
          const res = await (await t.as('user', id)).call('GET', '/v1/me');
          expect(res.status()).toBe(200);
          const assigned = ((await res.json()) as MeBody).experiments.report_cta;
          expect(VARIANTS, 'analytics is on for the local stack: every user is assigned').toContain(assigned);
          if (assigned === variant) return id;
        }
        throw new Error(`no user assigned ${variant} in 40 tries`);
      },
    );

    await step('the home page shows the variant; one exposure is sent; a report is created', async () => {
      await signIn(page, t.principal('user', userId));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome to ${t.name}`);
      const cta = page.getByRole('region', { name: 'Share what you see in the market' });
      if (variant === 'prominent') {
        await expect(cta).toBeVisible();
        await cta.getByRole('link', { name: 'New report' }).click();
      } else {
        // Rendered with the heading (one component): absent now means absent.
        await expect(cta).toHaveCount(0);
        await page.getByRole('navigation').getByRole('link', { name: 'Reports' }).click();
        await page.getByRole('link', { name: 'New report' }).click();
      }
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('New report');
      await typeInto(page.getByLabel('Title'), `${variant} watch`);
      await typeInto(page.getByLabel('Body'), 'Footfall rose 3 % on the high street.');
      await page.getByRole('button', { name: 'Create report' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${variant} watch`);
      // The sender posts 5 s after the first queued event.
      await expect
        .poll(() => exposures().map((e) => e.props), { timeout: 20_000 })
        .toEqual([{ experiment: 'report_cta' }]);
    });

    await step(
      `npm run analytics -- ab_results: one exposed, converted ${variant} user in this tenant`,
      async () => {
        const rows = () =>
          analyticsCli(['ab_results', '--tenant', t.tenantId, '--json']).then((out) =>
            (JSON.parse(out) as { rows: AbRow[] }).rows
              .filter((r) => r.tenant_id === t.tenantId && r.experiment === 'report_cta')
              .map((r) => [r.variant, Number(r.exposed), Number(r.converted_report_created)]),
          );
        await expect
          .poll(rows, { timeout: 60_000, intervals: [1000, 2000, 5000] })
          .toEqual([[variant, 1, 1]]);
      },
    );
    await test.info().attach('ab_results.txt', {
      body: await analyticsCli(['ab_results', '--tenant', t.tenantId]),
      contentType: 'text/plain',
    });
  });
}
