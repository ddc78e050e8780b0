import type { Project } from '@playwright/test';

/**
 * The two browsers the suites run in, both Debian packages (`apt-get install chromium firefox-esr`); Playwright's
 * own browser downloads are not reachable here. Playwright 1.64.1 drives Chromium over CDP with
 * `launchOptions.executablePath` (the top-level `use.executablePath` is ignored), and Firefox ESR over WebDriver BiDi
 * with `channel: 'moz-firefox'` (1.65 breaks on ESR 153: `emulation.setMediaFeaturesOverride`). WebKit has no usable
 * build on these machines: a known gap (docs/testing.md), not a silent skip.
 * `E2E_CHROMIUM` / `E2E_FIREFOX` override the executables.
 */
export const BROWSERS = {
  chromium: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium' },
  },
  firefox: {
    browserName: 'firefox',
    channel: 'moz-firefox',
    launchOptions: { executablePath: process.env.E2E_FIREFOX ?? '/usr/bin/firefox-esr' },
  },
} as const satisfies Record<string, NonNullable<Project['use']>>;

/** Browser project names, in run order. */
export const BROWSER_NAMES = Object.keys(BROWSERS) as (keyof typeof BROWSERS)[];
