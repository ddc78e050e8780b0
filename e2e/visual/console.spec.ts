import { expect, type Page, type TestInfo, test } from '@playwright/test';
import { openGallery, pagesFor, seedGalleryDb } from '../support/gallery';
import { THEME_CASES, type ThemeCase } from '../support/themes';
import { VIEWPORTS } from '../support/viewports';

/**
 * Visual regression of the console: every page a theme's role can open and every major component (the gallery's
 * specimens), per theme, at each viewport, in the project's browser. Screenshot names:
 * `<theme>/<page>-<viewport>.png` and `<theme>/component-<specimen>-<viewport>.png`. Each screenshot is a soft
 * assertion, so one run reports every difference, not only the first. Nothing is masked.
 */

/** Records one screenshot for the RESULT line (`result-reporter.ts` counts these annotations). */
function annotate(testInfo: TestInfo, name: string, theme: string, viewport: string): void {
  testInfo.annotations.push(
    { type: 'screenshot', description: name },
    { type: 'theme', description: theme },
    { type: 'viewport', description: viewport },
  );
}

/** Full-page screenshots of the current page at each viewport. */
async function shootPage(
  page: Page,
  testInfo: TestInfo,
  folder: string,
  id: string,
  theme = folder,
): Promise<void> {
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    const name = `${id}-${vp.id}.png`;
    await expect.soft(page).toHaveScreenshot([folder, name], { fullPage: true });
    annotate(testInfo, `${folder}/${name}`, theme, vp.id);
  }
}

for (const theme of THEME_CASES) {
  test.describe(theme.id, () => {
    for (const p of pagesFor(theme)) {
      test(`page ${p.id}`, async ({ page }, testInfo) => {
        await openGallery(page, { theme, view: p.view, path: p.path, db: seedGalleryDb(THEME_CASES) });
        await shootPage(page, testInfo, theme.id, p.id);
      });
    }

    test('components', async ({ page }, testInfo) => {
      await openGallery(page, { theme, view: 'components', db: seedGalleryDb(THEME_CASES) });
      const specimens = page.locator('[data-gallery]');
      const ids: string[] = [];
      for (let i = 0; i < (await specimens.count()); i++) {
        ids.push((await specimens.nth(i).getAttribute('data-gallery')) ?? '');
      }
      expect(ids.length).toBeGreaterThan(5);
      for (const vp of VIEWPORTS) {
        await page.setViewportSize({ width: vp.width, height: vp.height });
        for (const id of ids) {
          const name = `component-${id}-${vp.id}.png`;
          await expect.soft(page.locator(`[data-gallery="${id}"]`)).toHaveScreenshot([theme.id, name]);
          annotate(testInfo, `${theme.id}/${name}`, theme.id, vp.id);
        }
      }
    });
  });
}

/** The signed-out screen has no tenant yet: the console's default (platform) theme, once. */
const SIGNED_OUT: ThemeCase = { id: 'signed-out', role: 'user' };
test('signed-out screen', async ({ page }, testInfo) => {
  await openGallery(page, { theme: SIGNED_OUT, view: 'signed-out', db: seedGalleryDb(THEME_CASES) });
  await shootPage(page, testInfo, 'signed-out', 'signed-out', 'platform');
});
