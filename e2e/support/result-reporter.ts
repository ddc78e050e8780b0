import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestResult,
} from '@playwright/test/reporter';
import { E2E_VERTICALS } from './verticals';

/** Options given in the config's `reporter` entry. */
interface Options {
  suite: 'e2e' | 'visual';
  /** Where the same JSON is written. */
  outputFile: string;
}

/**
 * Ends a run with one line `RESULT {json}` (the project's convention for benchmarks, drills and browser suites) and
 * writes the same object to `test-results/<suite>/result.json`:
 * - `tests` (test runs: a test × project × repeat), `passed`, `failed`, `flaky` (failed first, passed on retry),
 *   `skipped`, `flakyRate` = (flaky + failed) / tests — what `npm run test:e2e:flaky` reports;
 * - `browsers` (from each project's `metadata.browser`), `verticals` (from `@retail`-style tags), `durationSec`;
 * - for the visual suite also `screenshots`, `themes`, `viewports`, from the `screenshot` / `theme` / `viewport`
 *   annotations each visual test adds, and `msPerScreenshot`;
 * - `axe` (accessibility checks: scopes checked, violations, blocking, ms per check; the checker's own proof apart as
 *   `axe.proof`) and `vitals` (Web Vitals: pages measured, worst figures, pages over budget) when the run's tests
 *   report them ({@link qualitySummary}).
 */
export default class ResultReporter implements Reporter {
  private config?: FullConfig;
  private root?: Suite;
  private readonly lastResult = new Map<TestCase, TestResult>();
  /** Every attempt of each test (retries included), in order. */
  private readonly allResults = new Map<TestCase, TestResult[]>();

  constructor(private readonly options: Options) {}

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    this.root = suite;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.lastResult.set(test, result);
    this.allResults.set(test, [...(this.allResults.get(test) ?? []), result]);
  }

  onEnd(result: FullResult): void {
    const tests = this.root?.allTests() ?? [];
    const count = (o: ReturnType<TestCase['outcome']>) => tests.filter((t) => t.outcome() === o).length;
    const ran = tests.filter((t) => t.outcome() !== 'skipped');
    const browsers = new Set<string>();
    const verticals = new Set<string>();
    for (const t of ran) {
      const browser = t.parent.project()?.metadata?.browser;
      if (typeof browser === 'string') browsers.add(browser);
      for (const tag of t.tags) {
        const v = tag.replace(/^@/, '');
        if ((E2E_VERTICALS as readonly string[]).includes(v)) verticals.add(v);
      }
    }
    const flaky = count('flaky');
    const failed = count('unexpected');
    const summary: Record<string, unknown> = {
      suite: this.options.suite,
      status: result.status,
      tests: tests.length,
      passed: count('expected'),
      failed,
      flaky,
      skipped: count('skipped'),
      flakyRate: ran.length === 0 ? 0 : Number(((flaky + failed) / ran.length).toFixed(4)),
      browsers: [...browsers].sort(),
      verticals: [...verticals].sort(),
      workers: this.config?.workers,
      durationSec: Number((result.duration / 1000).toFixed(1)),
    };
    if (this.options.suite === 'visual') {
      const shots: string[] = [];
      const themes = new Set<string>();
      const viewports = new Set<string>();
      for (const r of this.lastResult.values()) {
        for (const a of r.annotations) {
          if (a.type === 'screenshot' && a.description) shots.push(a.description);
          if (a.type === 'theme' && a.description) themes.add(a.description);
          if (a.type === 'viewport' && a.description) viewports.add(a.description);
        }
      }
      Object.assign(summary, {
        screenshots: shots.length,
        themes: [...themes].sort(),
        viewports: [...viewports].sort(),
        msPerScreenshot: shots.length ? Math.round(result.duration / shots.length) : 0,
      });
    }
    Object.assign(summary, this.qualitySummary());
    mkdirSync(dirname(this.options.outputFile), { recursive: true });
    writeFileSync(this.options.outputFile, `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
  }

  /**
   * The accessibility and Web Vitals figures of the run, when its tests report them: `axe` from the `axe` annotations
   * of `e2e/support/axe.ts` (scopes checked = page × theme per browser, violations of any impact, blocking = serious
   * or critical, axe's own time). Checks made by a test expected to fail (`test.fail()`: the proof that the check
   * fails a bad page, `e2e/quality/axe-checker.spec.ts`) find their violations on purpose: they are counted apart
   * as `axe.proof` (`{ checked, violations, blocking }`, present when such a check ran), never in the suite's
   * figures, so `axe.violations` and `axe.blocking` are the console's own. `vitals` from the `web-vitals` annotations of `e2e/quality/vitals.spec.ts`: every
   * attempt's measurement, retries included (`measured`), the worst figure of each metric, every measurement over
   * budget (`overBudget`, `browser/page: metric value > budget`, with `(retry n)` on a retry's) and the tests that
   * failed the gate in the end (`failed`, `browser/page`: their last attempt failed — over budget, no LCP or no
   * interaction, or no measurement at all). A page over budget on its first attempt and within on its retry is in
   * `overBudget`, not in `failed`, and the run counts the test as flaky.
   */
  private qualitySummary(): Record<string, unknown> {
    const axe = { checked: 0, violations: 0, blocking: 0, ms: 0 };
    const proof = { checked: 0, violations: 0, blocking: 0 };
    const vitals: {
      browser: string;
      page: string;
      retry: number;
      lcpMs: number | null;
      cls: number | null;
      inpMs: number | null;
      tbtMs: number | null;
      over: string[];
    }[] = [];
    const failed: string[] = [];
    for (const [test, r] of this.lastResult) {
      const browser = String(test.parent.project()?.metadata?.browser ?? '');
      for (const attempt of this.allResults.get(test) ?? []) {
        for (const a of attempt.annotations) {
          if (a.type === 'web-vitals' && a.description) {
            vitals.push({ browser, retry: attempt.retry, ...JSON.parse(a.description) });
          }
        }
      }
      if (test.tags.includes('@vitals') && test.outcome() === 'unexpected') {
        failed.push(`${browser}/${test.title.replace(/:.*$/, '')}`);
      }
      for (const a of r.annotations) {
        if (a.type === 'axe' && a.description) {
          const x = JSON.parse(a.description) as { violations: number; blocking: number; ms: number };
          if (test.expectedStatus === 'failed') {
            proof.checked += 1;
            proof.violations += x.violations;
            proof.blocking += x.blocking;
            continue;
          }
          axe.checked += 1;
          axe.violations += x.violations;
          axe.blocking += x.blocking;
          axe.ms += x.ms;
        }
      }
    }
    const out: Record<string, unknown> = {};
    if (axe.checked > 0) {
      out.axe = {
        checked: axe.checked,
        violations: axe.violations,
        blocking: axe.blocking,
        msPerCheck: Math.round(axe.ms / axe.checked),
        ...(proof.checked > 0 ? { proof } : {}),
      };
    } else if (proof.checked > 0) {
      out.axe = { checked: 0, violations: 0, blocking: 0, msPerCheck: 0, proof };
    }
    if (vitals.length > 0 || failed.length > 0) {
      const worst = (k: 'lcpMs' | 'cls' | 'inpMs' | 'tbtMs') => {
        const xs = vitals.map((v) => v[k]).filter((x): x is number => x !== null);
        return xs.length ? Math.max(...xs) : null;
      };
      out.vitals = {
        measured: vitals.length,
        pages: new Set(vitals.map((v) => v.page)).size,
        worst: { lcpMs: worst('lcpMs'), cls: worst('cls'), inpMs: worst('inpMs'), tbtMs: worst('tbtMs') },
        overBudget: vitals
          .filter((v) => v.over.length > 0)
          .map(
            (v) => `${v.browser}/${v.page}: ${v.over.join(', ')}${v.retry > 0 ? ` (retry ${v.retry})` : ''}`,
          ),
        failed,
      };
    }
    return out;
  }

  printsToStdio(): boolean {
    return false;
  }
}
