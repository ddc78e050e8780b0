import type { MeBody } from '../../lambdas/reports/service';
import type { ClientEvent } from '../../lib/config/analytics';
import { EXPERIMENTS } from '../../lib/config/experiments';
import { analyticsCli } from '../support/analytics-cli';
import { capturePostBodies } from '../support/capture';
import { signIn, signOut, typeInto } from '../support/console';
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
 * Experiment `report_cta` end to end (issue #14): the server assigns each user a variant (`GET /v1/me`
 * `experiments`), the console's home page renders it — `prominent`: a "New report" call to action; `control`: the
 * page without it — and sends one `experiment_exposure`; after each user creates a report, `npm run analytics --
 * ab_results` (the CLI itself, on this stack's store) counts one exposed and one converted user per variant.
 */
test('report_cta: each variant renders as /v1/me assigns it, is exposed once, and ab_results counts it', async ({
  page,
  provisionTenant,
}) => {
  const t = await provisionTenant({ vertical: 'retail' });
  const bodies = await capturePostBodies(page, { url: `${baseUrl()}/v1/events` });
  const exposures = () =>
    bodies
      .flatMap((b) => (JSON.parse(b) as { events: ClientEvent[] }).events)
      .filter((e) => e.name === 'experiment_exposure');

  const userOf = await step('find one user per variant: the server’s assignment (GET /v1/me)', async () => {
    const found = new Map<string, string>();
    // Each user is in either variant with probability 1/2: 40 tries miss one with probability 2^-39.
    for (let i = 0; i < 40 && found.size < VARIANTS.length; i++) {
      const userId = `cta-${uid()}`;
      const res = await (await t.as('user', userId)).call('GET', '/v1/me');
      expect(res.status()).toBe(200);
      const variant = ((await res.json()) as MeBody).experiments.report_cta;
      expect(VARIANTS, 'analytics is on for the local stack: every user is assigned').toContain(variant);
      if (variant && !found.has(variant)) found.set(variant, userId);
    }
    expect([...found.keys()].sort()).toEqual([...VARIANTS].sort());
    return found;
  });

  for (const variant of VARIANTS) {
    await step(
      `${variant}: the home page shows the variant, one exposure is sent, a report is created`,
      async () => {
        const before = exposures().length;
        await signIn(page, t.principal('user', userOf.get(variant)));
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
        // The sender posts 5 s after the first queued event; wait for it before leaving the page.
        await expect
          .poll(
            () =>
              exposures()
                .slice(before)
                .map((e) => e.props),
            { timeout: 20_000 },
          )
          .toEqual([{ experiment: 'report_cta' }]);
        await signOut(page);
      },
    );
  }

  await step(
    'npm run analytics -- ab_results: one exposed, converted user per variant of this tenant',
    async () => {
      const rows = () =>
        analyticsCli(['ab_results', '--tenant', t.tenantId, '--json']).then((out) =>
          (JSON.parse(out) as { rows: AbRow[] }).rows
            .filter((r) => r.tenant_id === t.tenantId && r.experiment === 'report_cta')
            .map((r) => [r.variant, Number(r.exposed), Number(r.converted_report_created)]),
        );
      await expect
        .poll(rows, { timeout: 60_000, intervals: [1000, 2000, 5000] })
        .toEqual([...VARIANTS].sort().map((v) => [v, 1, 1]));
    },
  );
  await test.info().attach('ab_results.txt', {
    body: await analyticsCli(['ab_results', '--tenant', t.tenantId]),
    contentType: 'text/plain',
  });
});
