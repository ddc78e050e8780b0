import { expect, test } from '@playwright/test';
import { WEB_VITALS_BUDGETS, type WebVitalsBudgets } from '../support/budgets';
import { type GalleryPage, openGallery, pagesFor, seedGalleryDb } from '../support/gallery';
import { THEME_CASES, type ThemeCase } from '../support/themes';
import { interactForInp, readWebVitals, recordWebVitals, type WebVitals } from '../support/web-vitals';

/**
 * Web Vitals of every console page, once per browser project (`quality-chromium`, `quality-firefox`): a cold load
 * (new browser context, empty cache, PerformanceObservers installed before any page script;
 * `e2e/support/web-vitals.ts`) of the page in the component gallery — the real build's shell and page over the mock
 * API, deterministic data (`e2e/support/gallery.ts`) — settled (checked inside the page), then one keyboard and one
 * mouse interaction, which also ends LCP. LCP, CLS, INP and TBT (long tasks before the first input) against
 * `CONSOLE_LAB_VITALS_BUDGET` (`lib/config/budgets.ts`), fail above. The browser is the worker's (one per worker,
 * Playwright's default); only the context, its cache and its renderer are new per page.
 *
 * Per page, not per theme: a theme changes colours (tokens of one stylesheet), not what loads or runs, so each page is
 * measured once, as the first theme case whose role may open it. Accessibility, which does depend on the theme
 * (contrast), runs in the visual suite on every page × theme (`e2e/visual/console.spec.ts`, `e2e/support/axe.ts`).
 */

interface VitalsTarget {
  theme: ThemeCase;
  page: GalleryPage;
}

/** Every page id of every theme case, once, with the first theme case that opens it; the signed-out screen last. */
function vitalsTargets(): VitalsTarget[] {
  const seen = new Map<string, VitalsTarget>();
  for (const theme of THEME_CASES) {
    for (const page of pagesFor(theme)) if (!seen.has(page.id)) seen.set(page.id, { theme, page });
  }
  const signedOut: VitalsTarget = {
    theme: { id: 'signed-out', role: 'user' },
    page: { id: 'signed-out', path: '/', view: 'signed-out' },
  };
  return [...seen.values(), signedOut];
}

/** The metrics of `vitals` above their budget, e.g. `['lcpMs 4210 > 4000']`. */
function overBudget(vitals: WebVitals, budget: WebVitalsBudgets): string[] {
  return (Object.keys(budget) as (keyof WebVitalsBudgets)[])
    .filter((k) => vitals[k] !== null && vitals[k] > budget[k])
    .map((k) => `${k} ${vitals[k]} > ${budget[k]}`);
}

const db = seedGalleryDb(THEME_CASES);

for (const { theme, page: target } of vitalsTargets()) {
  test(
    `${target.id}: Web Vitals within budget`,
    { tag: ['@quality', '@vitals'] },
    async ({ page }, testInfo) => {
      await recordWebVitals(page);
      await openGallery(page, { theme, view: target.view, path: target.path, db });
      // One keyboard and one mouse interaction (INP; LCP is final at the first input), then one read: TBT counts the
      // long tasks before the first input.
      await interactForInp(page);
      const vitals: WebVitals = await readWebVitals(page);
      const over = overBudget(vitals, WEB_VITALS_BUDGETS);
      testInfo.annotations.push({
        type: 'web-vitals',
        description: JSON.stringify({ page: target.id, theme: theme.id, ...vitals, over }),
      });
      // LCP and INP are measured in both browsers; a browser without them would make the budgets untestable.
      expect(vitals.lcpMs, 'the browser reported no LCP').not.toBeNull();
      expect(vitals.inpMs, 'the browser reported no interaction').not.toBeNull();
      expect(over, `Web Vitals over budget (${JSON.stringify(WEB_VITALS_BUDGETS)})`).toEqual([]);
    },
  );
}
