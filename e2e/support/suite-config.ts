import { resolve } from 'node:path';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { SETTINGS } from '../../lib/config/settings';
import { freePort } from '../../local/redis-server';
import { baseUrl } from './env';

/** The two suites; each writes under `test-results/<suite>/` (gitignored). */
export type Suite = 'e2e' | 'visual';

/**
 * Where a suite's outputs go: HTML report, JUnit XML, per-test artifacts (trace, screenshot, video). The end-to-end
 * suite's root can be moved with `E2E_RESULTS_DIR` (e.g. one folder per project when projects run as separate
 * runs at once, as the flaky measurement does), so runs do not overwrite each other's `result.json`.
 */
export function outputPaths(suite: Suite) {
  const root = (suite === 'e2e' && process.env.E2E_RESULTS_DIR) || `test-results/${suite}`;
  return {
    root,
    report: `${root}/report`,
    junit: `${root}/junit.xml`,
    artifacts: `${root}/artifacts`,
    result: `${root}/result.json`,
  };
}

/**
 * Settings shared by `playwright.config.ts` (end-to-end) and `playwright.visual.config.ts`:
 * - the local stack (`npm start`) as `webServer` on a free port, chosen once here in the runner and published as
 *   `E2E_PORT` so workers (which inherit the runner's environment) and the server agree; skipped when
 *   `E2E_BASE_URL` points at a deployed stage. Its analytics events go to `<results root>/analytics`
 *   (`E2E_ANALYTICS_DIR`, the stack's `ANALYTICS_DIR`), not the developer's `.local/analytics/`;
 * - fully parallel tests, `E2E_WORKERS` workers (default 2, the cores of these machines);
 * - HTML report (the stakeholders' dashboard, `npm run test:report`), JUnit XML (CodeBuild reports in the pipeline),
 *   a list on the terminal and the `RESULT {json}` line;
 * - trace, screenshot and video kept for failed tests only. With retries (the default) trace and video are recorded
 *   on the first retry only: every failure is retried, so a failed test still has both, while passing tests do not
 *   pay for them (recording a video encodes the page continuously with ffmpeg — measured on the 2-core machine, the
 *   Firefox project took 27.8 min recording every test). Without retries, they are recorded always and kept on failure.
 */
export async function suiteConfig(
  suite: Suite,
  config: Pick<
    PlaywrightTestConfig,
    'projects' | 'expect' | 'snapshotPathTemplate' | 'timeout' | 'retries' | 'use'
  >,
): Promise<PlaywrightTestConfig> {
  if (!process.env.E2E_BASE_URL) process.env.E2E_PORT ??= String(await freePort());
  const out = outputPaths(suite);
  // The stack's product-analytics store (the file sink's hive layout), published like the port so a spec can run
  // `npm run analytics` over this stack's events rather than the developer's `.local/analytics/`.
  process.env.E2E_ANALYTICS_DIR ??= resolve(out.root, 'analytics');
  const workers = Number(process.env.E2E_WORKERS ?? 2);
  const retries = config.retries ?? Number(process.env.E2E_RETRIES ?? 1);
  const record = retries > 0 ? 'on-first-retry' : 'retain-on-failure';
  return defineConfig({
    testDir: 'e2e',
    outputDir: out.artifacts,
    fullyParallel: true,
    forbidOnly: Boolean(process.env.CI),
    workers,
    retries,
    // Generous: the suites must hold on a busy 2-core machine (several browsers and the stack share it).
    timeout: config.timeout ?? 120_000,
    reporter: [
      ['list'],
      ['html', { outputFolder: out.report, open: 'never' }],
      ['junit', { outputFile: out.junit }],
      ['./e2e/support/result-reporter.ts', { suite, outputFile: out.result }],
    ],
    use: {
      baseURL: baseUrl(),
      trace: record,
      screenshot: 'only-on-failure',
      video: record,
      timezoneId: 'UTC',
      locale: 'en-GB',
      ...config.use,
    },
    expect: { timeout: 15_000, ...config.expect },
    snapshotPathTemplate: config.snapshotPathTemplate,
    projects: config.projects,
    webServer: process.env.E2E_BASE_URL
      ? undefined
      : {
          command: 'npm start',
          url: `${baseUrl()}/health`,
          env: {
            PORT: process.env.E2E_PORT!,
            STAGE: 'dev',
            // The stage's 25 ms Redis command timeout is a production budget; on a shared 2-core machine it turns
            // CPU contention into degraded (fail-open / fail-closed 503) decisions, which the integration suite
            // tests on purpose (test/integration/local/redis-outage.test.ts). Here workflows are under test.
            RATE_LIMIT_TIMEOUT_MS: '1000',
            // An expired session must be refused at once (dev allows 30 s of clock skew and caches authorizer
            // results for 60 s, so a 5 s test session would live on for a minute).
            LOCAL_CLOCK_TOLERANCE_SEC: '0',
            LOCAL_AUTHORIZER_CACHE_TTL_SEC: '0',
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            [SETTINGS.analyticsDir.name]: process.env.E2E_ANALYTICS_DIR,
          },
          reuseExistingServer: false,
          timeout: 120_000,
          stdout: 'ignore',
          stderr: 'pipe',
        },
  });
}
