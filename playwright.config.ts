import { BROWSERS } from './e2e/support/browsers';
import { suiteConfig } from './e2e/support/suite-config';

/**
 * End-to-end suite (`npm run test:e2e`): `api` tests talk HTTP only (no browser); `chromium` and `firefox` run the
 * console workflows. The visual suite has its own config (`playwright.visual.config.ts`). docs/testing.md.
 */
export default await suiteConfig('e2e', {
  projects: [
    { name: 'api', testDir: 'e2e/api' },
    { name: 'chromium', testDir: 'e2e/ui', use: BROWSERS.chromium, metadata: { browser: 'chromium' } },
    { name: 'firefox', testDir: 'e2e/ui', use: BROWSERS.firefox, metadata: { browser: 'firefox' } },
  ],
});
