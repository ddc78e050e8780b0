import { expect, test } from '@playwright/test';
import { axeFindings, blocking, expectAccessible } from '../support/axe';

/**
 * The accessibility check of the visual suite (`e2e/support/axe.ts`) can fail: on a fixture page whose only fault is
 * text at 2.3:1 contrast it reports `color-contrast` as serious and fails the test; the same page at 4.6:1 passes.
 * In-page fixtures (`page.setContent`), so this runs in a second and proves the checker in each browser.
 */

/** A minimal page that is accessible apart from the colour of its paragraph. */
function fixture(textColour: string): string {
  return `<!doctype html><html lang="en"><head><title>axe fixture</title></head><body style="background:#ffffff">
<main><h1>Fixture</h1><p style="color:${textColour}">Quarterly footfall rose six per cent.</p></main></body></html>`;
}

/** #aaaaaa on white: 2.32:1, under WCAG AA's 4.5:1 for body text. */
const LOW_CONTRAST = '#aaaaaa';
/** #767676 on white: 4.54:1, the lightest grey that passes. */
const ENOUGH_CONTRAST = '#767676';

test('axe reports low-contrast text as a serious colour-contrast violation', { tag: '@quality' }, async ({
  page,
}) => {
  await page.setContent(fixture(LOW_CONTRAST));
  expect(blocking(await axeFindings(page)).map((f) => [f.rule, f.impact])).toEqual([
    ['color-contrast', 'serious'],
  ]);
  await page.setContent(fixture(ENOUGH_CONTRAST));
  expect(await axeFindings(page)).toEqual([]);
});

test(
  "the visual suite's check fails a page with low-contrast text",
  { tag: '@quality' },
  async ({ page }, testInfo) => {
    // Expected to fail: the soft assertion of expectAccessible must mark this test failed (a pass here is reported as
    // a failure by Playwright).
    test.fail();
    await page.setContent(fixture(LOW_CONTRAST));
    await expectAccessible(page, testInfo, 'fixture/low-contrast');
  },
);
