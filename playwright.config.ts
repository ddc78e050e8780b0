import { BROWSERS } from './e2e/support/browsers';
import { suiteConfig } from './e2e/support/suite-config';

/**
 * End-to-end suite (`npm run test:e2e`): `api` tests talk HTTP only (no browser); `chromium` and `firefox` run the
 * console workflows; `quality-chromium` and `quality-firefox` run axe and Web Vitals budgets on every page per theme. The visual suite has its own config (`playwright.visual.config.ts`). docs/testing.md.
 */
/**
 * Specs that need the local stack's own endpoints (the RUM collector at `/_local/rum`): not run against a deployed
 * stage (`E2E_BASE_URL`), where that endpoint does not exist.
 */
const LOCAL_ONLY_SPECS = process.env.E2E_BASE_URL ? ['**/rum.spec.ts'] : [];

export default await suiteConfig('e2e', {
  projects: [
    { name: 'api', testDir: 'e2e/api' },
    {
      name: 'chromium',
      testDir: 'e2e/ui',
      testIgnore: LOCAL_ONLY_SPECS,
      use: BROWSERS.chromium,
      metadata: { browser: 'chromium' },
    },
    {
      name: 'firefox',
      testDir: 'e2e/ui',
      testIgnore: LOCAL_ONLY_SPECS,
      use: BROWSERS.firefox,
      metadata: { browser: 'firefox' },
    },
    // axe and Web Vitals of every page in every theme (e2e/quality/quality.spec.ts), per browser.
    {
      name: 'quality-chromium',
      testDir: 'e2e/quality',
      use: BROWSERS.chromium,
      metadata: { browser: 'chromium' },
    },
    {
      name: 'quality-firefox',
      testDir: 'e2e/quality',
      use: BROWSERS.firefox,
      metadata: { browser: 'firefox' },
    },
  ],
});
