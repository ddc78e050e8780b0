import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo, test } from '@playwright/test';
import { WEB_VITALS_BUDGETS } from '../support/budgets';
import { type GalleryPage, openGallery, pagesFor, seedGalleryDb } from '../support/gallery';
import { THEME_CASES, type ThemeCase } from '../support/themes';
import { verticalTag } from '../support/verticals';
import { interactForInp, readWebVitals, recordWebVitals, type WebVitals } from '../support/web-vitals';

/**
 * Accessibility and Web Vitals of every console page in every theme, in the project's browser: the gallery renders the
 * real build's shell and pages as the theme's tenant and role over the mock API (deterministic data, the same pages
 * the visual suite screenshots; `e2e/support/gallery.ts`).
 * - axe (`@axe-core/playwright`, WCAG 2.0/2.1 A and AA rules, colour contrast included — a real browser computes it):
 *   no serious or critical violation; every violation found is attached to the report.
 * - Web Vitals of the page load and of one keyboard + one mouse interaction (LCP, CLS, INP, TBT;
 *   `e2e/support/web-vitals.ts`) against the budgets of `lib/config/budgets.ts` (`CONSOLE_LAB_VITALS_BUDGET`);
 *   the figures are attached and annotated per page.
 */

/** axe rule tags: WCAG 2.0 and 2.1, levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function checkPage(
  page: Page,
  testInfo: TestInfo,
  theme: ThemeCase,
  target: Omit<GalleryPage, 'view'> & { view: GalleryPage['view'] | 'components' },
): Promise<void> {
  await recordWebVitals(page);
  await openGallery(page, { theme, view: target.view, path: target.path, db: seedGalleryDb(THEME_CASES) });

  // The component gallery is a harness page (its specimens load together): axe only, no page-load budgets.
  let vitals: WebVitals = { lcpMs: null, cls: null, tbtMs: null, inpMs: null };
  if (target.view !== 'components') {
    // Load figures first (TBT is the load's), then one keyboard and one mouse interaction for INP.
    const load = await readWebVitals(page);
    await interactForInp(page);
    const after = await readWebVitals(page);
    vitals = { ...load, cls: after.cls, inpMs: after.inpMs };
  }
  testInfo.annotations.push({
    type: 'web-vitals',
    description: `${theme.id} ${target.id}: LCP ${vitals.lcpMs ?? 'n/a'} ms, CLS ${vitals.cls ?? 'n/a'}, INP ${vitals.inpMs ?? 'n/a'} ms, TBT ${vitals.tbtMs ?? 'n/a'} ms`,
  });
  await testInfo.attach('web-vitals.json', {
    body: JSON.stringify({ theme: theme.id, page: target.id, vitals, budgets: WEB_VITALS_BUDGETS }, null, 2),
    contentType: 'application/json',
  });

  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  await testInfo.attach('axe-violations.json', {
    body: JSON.stringify(results.violations, null, 2),
    contentType: 'application/json',
  });
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  for (const v of results.violations.filter((x) => x.impact !== 'serious' && x.impact !== 'critical')) {
    testInfo.annotations.push({
      type: 'axe',
      description: `${v.impact}: ${v.id} (${v.nodes.length} node(s))`,
    });
  }
  expect.soft(blocking, 'serious or critical axe violations').toEqual([]);

  if (vitals.lcpMs !== null)
    expect.soft(vitals.lcpMs, 'LCP, ms').toBeLessThanOrEqual(WEB_VITALS_BUDGETS.lcpMs);
  if (vitals.cls !== null) expect.soft(vitals.cls, 'CLS').toBeLessThanOrEqual(WEB_VITALS_BUDGETS.cls);
  if (vitals.inpMs !== null)
    expect.soft(vitals.inpMs, 'INP, ms').toBeLessThanOrEqual(WEB_VITALS_BUDGETS.inpMs);
  if (vitals.tbtMs !== null)
    expect.soft(vitals.tbtMs, 'TBT, ms').toBeLessThanOrEqual(WEB_VITALS_BUDGETS.tbtMs);
  // LCP and INP are measured in both browsers; a browser without them would make the budgets untestable.
  if (target.view !== 'components') {
    expect(vitals.lcpMs, 'the browser reported no LCP').not.toBeNull();
    expect(vitals.inpMs, 'the browser reported no interaction').not.toBeNull();
  }
}

for (const theme of THEME_CASES) {
  const tag = theme.tenant ? [verticalTag(theme.tenant.vertical), '@quality'] : ['@quality'];
  test.describe(`${theme.id} theme`, { tag }, () => {
    for (const target of pagesFor(theme)) {
      test(`${target.id}: no serious axe violation, Web Vitals within budget`, async ({ page }, testInfo) => {
        await checkPage(page, testInfo, theme, target);
      });
    }
    test('component gallery: no serious axe violation', async ({ page }, testInfo) => {
      await checkPage(page, testInfo, theme, { id: 'components', path: '/', view: 'components' });
    });
  });
}

test(
  'signed-out screen: no serious axe violation, Web Vitals within budget',
  { tag: '@quality' },
  async ({ page }, testInfo) => {
    await checkPage(
      page,
      testInfo,
      { id: 'signed-out', role: 'user' },
      { id: 'signed-out', path: '/', view: 'signed-out' },
    );
  },
);
