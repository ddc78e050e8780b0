import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { UNIT_ISOLATED_FILES } from './test/unit-isolated';

/**
 * Set by `scripts/test-coverage.sh` for one part of the split coverage run (`integration`; `others`: unit, web, infra;
 * with `TEST_COVERAGE_PARTS=3`: `timing`, `integration` + infra, `others`: unit + web): the part writes its raw
 * coverage into its blob report (`--reporter=blob`) under its own temporary directory, without reports or thresholds;
 * `vitest --merge-reports --coverage` then merges the parts and checks the thresholds on the whole. Unset
 * (`npx vitest run --coverage`), one run reports and checks as before.
 */
const COVERAGE_PART = process.env.VITEST_COVERAGE_PART;

/**
 * Test projects:
 * - unit, unit-isolated: pure logic, SDK mocks (`test/unit`; the files of `test/unit-isolated.ts` in their own workers)
 * - integration: real redis-server / dynalite / HTTP (`test/integration`), each file starts its own servers
 * - infra: CDK synth + assertions (`test/infra`)
 * - web: the console's components and pages (`web/test`, jsdom, Testing Library, MSW, axe)
 * - web-bench: `vitest bench` of console views (`web/test/bench`), React production build
 * Coverage (`--coverage`) covers `lambdas/`, `lib/` and `web/src/` with flat thresholds (80 %), and `web/src/` on its
 * own at the same bar.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        // One worker, modules imported once for all files (test/unit-isolated.ts lists the files that need their own).
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: [...UNIT_ISOLATED_FILES],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'unit-isolated', include: [...UNIT_ISOLATED_FILES] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // One worker, shared module cache: the three stages are synthesized once for all infra files.
          isolate: false,
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'web',
          include: ['web/test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['web/test/setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // `npm run bench:web`: the console's re-render benchmarks on React's production build (NODE_ENV=production;
        // no setup file: no MSW, no act environment).
        plugins: [react()],
        test: {
          name: 'web-bench',
          include: [],
          environment: 'jsdom',
          benchmark: { include: ['web/test/bench/**/*.bench.tsx'] },
        },
      },
    ],
    coverage: {
      provider: 'v8',
      reporter: ['text-summary', 'json-summary'],
      include: [
        'lambdas/**/*.ts',
        'canary/**/*.ts',
        'lib/**/*.ts',
        'dashboards/**/*.ts',
        'web/src/**/*.{ts,tsx}',
      ],
      // main.tsx only boots the app in a browser (config fetch + createRoot); the browser suites exercise it.
      // web/src/gallery is the browser suites' harness (component gallery): the visual and accessibility suites run it.
      exclude: [
        '**/*.d.ts',
        'web/src/main.tsx',
        'web/src/gallery/main.tsx',
        'web/src/gallery/ComponentGallery.tsx',
      ],
      thresholds: {
        lines: 80,
        branches: 80,
        functions: 80,
        statements: 80,
        'web/src/**': { lines: 80, branches: 80, functions: 80, statements: 80 },
      },
      ...(COVERAGE_PART
        ? { reportsDirectory: `coverage/.part-${COVERAGE_PART}`, thresholds: undefined, reporter: [] }
        : {}),
    },
  },
});
