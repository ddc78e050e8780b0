import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

/**
 * axe in the browser (`@axe-core/playwright`): the WCAG 2.0/2.1 A and AA rules, colour contrast included (a real
 * browser computes it; jsdom cannot). The visual suite runs it on every page it screenshots, once per page × theme
 * per browser (`e2e/visual/console.spec.ts`); `e2e/quality/axe-checker.spec.ts` proves it catches a known-bad page.
 */

/** axe rule tags: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** Impacts that fail a check. */
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

/** One rule's violation as the suites report it. */
export interface AxeFinding {
  /** axe rule id (`color-contrast`, `label` …). */
  rule: string;
  /** axe's impact: `minor`, `moderate`, `serious` or `critical`. */
  impact: string;
  /** CSS selectors of the first five offending nodes. */
  nodes: string[];
  /** How many nodes violate the rule. */
  count: number;
}

/** Stands in for axe's source when the document already has it: a no-op script (an empty string means "default"). */
const ALREADY_INJECTED = ';';

/**
 * Runs axe on the page as it is now (it reads the DOM and computed styles; it neither scrolls nor moves focus nor
 * changes the DOM, so a screenshot after it is unaffected) and returns every violation, blocking or not.
 *
 * Kept cheap for the visual suite, which checks page after page in one document (client-side navigation): axe's
 * 0.5 MB source is injected once per document, not per check, and axe runs in legacy mode (`axe.run` in the page;
 * the default mode opens a blank page in the context for `axe.finishRun` and injects the source there too). Measured
 * on the audit page in Chromium at load 16: a default `analyze()` 4.8–6.5 s, injecting the source 0.75–2.3 s,
 * `axe.run` itself 0.4–0.8 s. Legacy mode does not test cross-origin iframes; the console has none.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  const injected = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  const results = await new AxeBuilder({ page, ...(injected ? { axeSource: ALREADY_INJECTED } : {}) })
    .withTags([...WCAG_TAGS])
    .setLegacyMode(true)
    // Nodes are listed for violations only (passes and incompletes keep one example each): less to serialise back.
    .options({ resultTypes: ['violations'] })
    .analyze();
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    count: v.nodes.length,
  }));
}

/** The findings that fail a check: serious or critical impact. */
export function blocking(findings: readonly AxeFinding[]): AxeFinding[] {
  return findings.filter((f) => BLOCKING_IMPACTS.has(f.impact));
}

/**
 * Checks the page with axe as `scope` (e.g. `retail/home`): attaches every violation (`axe-<scope>.json`), annotates
 * the check (`axe`, read by the RESULT line: scope, violations, blocking, axe's own time in ms) and fails the test softly on any
 * serious or critical violation, so one test reports all of its pages' findings.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo, scope: string): Promise<void> {
  const started = performance.now();
  const findings = await axeFindings(page);
  const ms = Math.round(performance.now() - started);
  const bad = blocking(findings);
  testInfo.annotations.push({
    type: 'axe',
    description: JSON.stringify({ scope, violations: findings.length, blocking: bad.length, ms }),
  });
  if (findings.length > 0) {
    for (const f of findings) {
      testInfo.annotations.push({
        type: 'axe-violation',
        description: `${scope}: ${f.impact} ${f.rule} (${f.count} node(s))`,
      });
    }
    await testInfo.attach(`axe-${scope.replace(/\W+/g, '-')}.json`, {
      body: JSON.stringify(findings, null, 2),
      contentType: 'application/json',
    });
  }
  expect.soft(bad, `serious or critical axe violations on ${scope}`).toEqual([]);
}
