import { BROWSER_NAMES, BROWSERS } from './e2e/support/browsers';
import { suiteConfig } from './e2e/support/suite-config';
import { BASELINE_PATH_TEMPLATE, SCREENSHOT_OPTIONS } from './e2e/support/visual';

/**
 * Visual regression suite (`npm run test:visual`): every page and every major component of the console's gallery
 * (`/console/gallery.html`) per theme × viewport, in Debian Chromium and Firefox ESR, compared with Playwright's
 * `toHaveScreenshot` against the baselines committed under `e2e/visual/baselines/<browser>/`.
 * `npm run visual:approve [-- --grep <name>]` rewrites the baselines that differ. docs/visual-testing.md.
 */
export default await suiteConfig('visual', {
  projects: BROWSER_NAMES.map((b) => ({
    name: b,
    testDir: 'e2e/visual',
    use: BROWSERS[b],
    metadata: { browser: b },
  })),
  // A retry that passes would hide a non-deterministic screenshot: none by default (E2E_RETRIES overrides).
  retries: Number(process.env.E2E_RETRIES ?? 0),
  // The expected / actual / diff images are the evidence of a failure; traces and videos would be recorded for every
  // test (retain-on-failure records always) and cost more than the screenshots themselves on a 2-core machine.
  use: { trace: 'off', video: 'off', screenshot: 'off' },
  snapshotPathTemplate: BASELINE_PATH_TEMPLATE,
  expect: {
    toHaveScreenshot: {
      // Same browser build, same fonts, same machine image: rendering is pixel-identical run to run (measured over
      // three runs, docs/visual-testing.md), so any changed pixel is a change. threshold is pixelmatch's per-pixel
      // colour distance (0–1, default 0.2, which lets a slightly different brand colour through); 0 counts every
      // pixel that differs at all.
      threshold: 0,
      maxDiffPixels: 0,
      ...SCREENSHOT_OPTIONS,
    },
  },
});
