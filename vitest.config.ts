import { defineConfig } from 'vitest/config';

/**
 * Test projects:
 * - unit: pure logic, SDK mocks (`test/unit`)
 * - integration: real redis-server / dynalite / HTTP (`test/integration`), each file starts its own servers
 * - infra: CDK synth + assertions (`test/infra`)
 * Coverage (`--coverage`) covers `lambdas/` and `lib/` with flat thresholds.
 */
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
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
    ],
    coverage: {
      provider: 'v8',
      include: ['lambdas/**/*.ts', 'lib/**/*.ts', 'dashboards/**/*.ts'],
      exclude: ['**/*.d.ts'],
      thresholds: { lines: 80, branches: 80, functions: 80, statements: 80 },
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
