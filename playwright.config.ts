import { BROWSERS } from './e2e/support/browsers';
import { suiteConfig } from './e2e/support/suite-config';

/**
 * End-to-end suite (`npm run test:e2e`): `api` tests talk HTTP only (no browser); `chromium` and `firefox` run the
 * console workflows; `quality-chromium` and `quality-firefox` measure every page's Web Vitals against their budgets
 * (one cold load per page) and prove the accessibility check fails a low-contrast page. axe on every page × theme runs
 * in the visual suite, which has its own config (`playwright.visual.config.ts`). docs/testing.md.
 */
/**
 * Specs that need the local stack's own endpoints or files (the RUM collector at `/_local/rum`; the analytics store
 * that `npm run analytics` reads; the component gallery `gallery.html`, which a deploy leaves out): not run against a
 * deployed stage (`E2E_BASE_URL`), where those do not exist.
 */
const LOCAL_ONLY_SPECS = process.env.E2E_BASE_URL
  ? ['**/rum.spec.ts', '**/analytics-funnel.spec.ts', '**/report-cta.spec.ts', '**/layout.spec.ts']
  : [];

/**
 * Per-test time limit of the console workflows, ms (the suite default, 120 s, stays for `api`). A workflow drives the
 * browser through 25–45 actions (sign-ins through the real code + PKCE flow, forms, navigation); on a quiet machine
 * one action takes 0.1–0.5 s, but with the 2 cores shared by other suites (load average 25–30) the trace of a
 * failed run showed 2–7 s per Firefox action (WebDriver BiDi round trips starved of CPU): the report workflow took
 * 35–48 s in its passing runs and 2.1–2.4 min in the one that hit 120 s. Twice the default holds that worst case;
 * this is a guard against hangs, not an assertion — every `expect` keeps its own timeout. A test that needs more
 * should be split (docs/testing.md, "Keeping the suite reliable").
 */
const BROWSER_TEST_TIMEOUT_MS = 240_000;

export default await suiteConfig('e2e', {
  projects: [
    { name: 'api', testDir: 'e2e/api' },
    {
      name: 'chromium',
      testDir: 'e2e/ui',
      timeout: BROWSER_TEST_TIMEOUT_MS,
      testIgnore: LOCAL_ONLY_SPECS,
      use: BROWSERS.chromium,
      metadata: { browser: 'chromium' },
    },
    {
      name: 'firefox',
      testDir: 'e2e/ui',
      timeout: BROWSER_TEST_TIMEOUT_MS,
      testIgnore: LOCAL_ONLY_SPECS,
      use: BROWSERS.firefox,
      metadata: { browser: 'firefox' },
    },
    // Web Vitals of every page (e2e/quality/vitals.spec.ts) and the axe checker's proof (axe-checker.spec.ts).
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
