import type { FlagName, Flags } from '../config/flags';

/** Where a test step runs relative to its stage's deployment. */
export type StepPlacement = 'pre' | 'post';

/** A JUnit report a step hands to CodeBuild (a report group per step and file). */
export interface JUnitReport {
  /** Report name inside the buildspec (CodeBuild creates `<project>-<name>`). */
  name: string;
  /** Directory the file is relative to. */
  baseDirectory: string;
  file: string;
}

/** One test step of the deploy pipeline, switched on per stage by one testing flag. */
export interface TestStepSpec {
  /** Step id; the CodePipeline action is named after it. */
  id: 'FrontendTests' | 'E2ETests' | 'VisualTests';
  /** The flag that adds the step to a stage (off removes it). */
  flag: FlagName;
  placement: StepPlacement;
  commands: readonly string[];
  /** Needs the deployed stage's API URL (`E2E_BASE_URL`, from the API stack's `ApiUrl` output). */
  needsStageUrl: boolean;
  reports: readonly JUnitReport[];
}

const NPM_CI = 'npm ci --no-audit --no-fund';

/**
 * The test steps, one per testing flag. Their commands are the repository's own (`npm run …`, `scripts/…`), so a
 * step runs exactly what a developer runs:
 * - `FrontendTests` — the web console's Vitest project with its coverage gate, before the stage deploys;
 * - `E2ETests` — the Playwright end-to-end suite (Chromium + Firefox) against the deployed stage's API;
 * - `VisualTests` — the Playwright visual suite against the committed baselines, after the stage deploys.
 */
export const TEST_STEPS: readonly TestStepSpec[] = [
  {
    id: 'FrontendTests',
    flag: 'frontend_testing_enabled',
    placement: 'pre',
    commands: [
      NPM_CI,
      'npx vitest run --project web --coverage --reporter=default --reporter=junit --outputFile.junit=test-results/web/junit.xml',
    ],
    needsStageUrl: false,
    reports: [{ name: 'frontend', baseDirectory: 'test-results/web', file: 'junit.xml' }],
  },
  {
    id: 'E2ETests',
    flag: 'e2e_testing_enabled',
    placement: 'post',
    commands: [NPM_CI, 'bash scripts/browsers.sh', 'npm run test:e2e'],
    needsStageUrl: true,
    reports: [{ name: 'e2e', baseDirectory: 'test-results/e2e', file: 'junit.xml' }],
  },
  {
    id: 'VisualTests',
    flag: 'visual_regression_testing_enabled',
    placement: 'post',
    commands: [NPM_CI, 'bash scripts/browsers.sh', 'npm run test:visual'],
    needsStageUrl: true,
    reports: [{ name: 'visual', baseDirectory: 'test-results/visual', file: 'junit.xml' }],
  },
];

/** The test steps a stage gets for its resolved flags, split by placement (catalog order). */
export function testStepsFor(flags: Flags): Record<StepPlacement, TestStepSpec[]> {
  const on = TEST_STEPS.filter((s) => flags[s.flag]);
  return { pre: on.filter((s) => s.placement === 'pre'), post: on.filter((s) => s.placement === 'post') };
}
