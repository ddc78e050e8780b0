import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ResultReporter from '../../../e2e/support/result-reporter';

/** One axe check as `expectAccessible` (e2e/support/axe.ts) annotates it. */
const axe = (scope: string, violations: number, blocking: number, ms = 100) => ({
  type: 'axe',
  description: JSON.stringify({ scope, violations, blocking, ms }),
});

/** A finished test as Playwright hands it to a reporter (the fields the reporter reads). */
function testCase(opts: {
  title: string;
  annotations: TestResult['annotations'];
  /** `failed` for a test marked `test.fail()` (expected to fail). */
  expectedStatus?: TestCase['expectedStatus'];
  outcome?: ReturnType<TestCase['outcome']>;
}): { test: TestCase; result: TestResult } {
  const test = {
    title: opts.title,
    tags: ['@quality'],
    expectedStatus: opts.expectedStatus ?? 'passed',
    outcome: () => opts.outcome ?? 'expected',
    parent: { project: () => ({ metadata: { browser: 'chromium' } }) },
  } as unknown as TestCase;
  const result = { retry: 0, annotations: opts.annotations } as unknown as TestResult;
  return { test, result };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'result-reporter-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the reporter over `cases` and returns the RESULT object it wrote. */
function run(cases: Array<{ test: TestCase; result: TestResult }>): Record<string, unknown> {
  const outputFile = join(dir, 'result.json');
  const reporter = new ResultReporter({ suite: 'visual', outputFile });
  const root = { allTests: () => cases.map((c) => c.test) } as unknown as Suite;
  reporter.onBegin({ workers: 2 } as FullConfig, root);
  for (const c of cases) reporter.onTestEnd(c.test, c.result);
  reporter.onEnd({ status: 'passed', duration: 1_000 } as FullResult);
  return JSON.parse(readFileSync(outputFile, 'utf8')) as Record<string, unknown>;
}

describe('RESULT line: axe', () => {
  const pages = testCase({
    title: 'retail: every page',
    annotations: [axe('retail/home', 0, 0, 120), axe('retail/reports', 1, 0, 80)],
  });
  // e2e/quality/axe-checker.spec.ts: the check must fail a low-contrast fixture (test.fail(), so it passes).
  const proof = testCase({
    title: "the visual suite's check fails a page with low-contrast text",
    annotations: [axe('fixture/low-contrast', 1, 1, 40)],
    expectedStatus: 'failed',
  });

  it("the checker's proof (a test expected to fail) is reported apart, never in the suite's counts", () => {
    expect(run([pages, proof]).axe).toEqual({
      checked: 2,
      violations: 1,
      blocking: 0,
      msPerCheck: 100,
      proof: { checked: 1, violations: 1, blocking: 1 },
    });
  });

  it('a real violation still counts: the proof does not hide one', () => {
    const bad = testCase({
      title: 'leisure: every page',
      annotations: [axe('leisure/home', 2, 1)],
      outcome: 'unexpected',
    });
    expect(run([pages, bad, proof]).axe).toMatchObject({ checked: 3, violations: 3, blocking: 1 });
  });

  it('without a proof: no proof member; without any check: no axe member; the proof alone: zero checks', () => {
    expect(run([pages]).axe).toEqual({ checked: 2, violations: 1, blocking: 0, msPerCheck: 100 });
    expect(run([testCase({ title: 'no checks', annotations: [] })])).not.toHaveProperty('axe');
    // The e2e suite's quality project runs the proof and no page check: nothing of the console's to report.
    expect(run([proof]).axe).toEqual({
      checked: 0,
      violations: 0,
      blocking: 0,
      msPerCheck: 0,
      proof: { checked: 1, violations: 1, blocking: 1 },
    });
  });
});
