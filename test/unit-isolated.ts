/**
 * Unit test files that run isolated (a fresh worker and module graph per file, Vitest's default): the files that mock
 * modules (`vi.mock`, `vi.doMock`, `mockClient`), stub the environment or globals (`vi.stubEnv`, `process.env`,
 * `vi.stubGlobal`, `globalThis`), fake timers or the clock, or listen on `process`. Every other unit file runs in the
 * `unit` project with `isolate: false` — one worker, modules imported once for all files — which took the other 54
 * files from 69 s to 18 s of CPU (docs/testing.md, "Where verify's time goes").
 * `test/unit/architecture/isolation.test.ts` fails when a unit file does one of those things and is missing here.
 * Paths from the repository root.
 */
export const UNIT_ISOLATED_FILES: readonly string[] = [
  'test/unit/admin/app.test.ts',
  'test/unit/admin/handler.test.ts',
  'test/unit/admin/ports.test.ts',
  'test/unit/admin/repository.test.ts',
  'test/unit/admin/validation.test.ts',
  'test/unit/analytics/secret-source.test.ts',
  'test/unit/analytics/user-hash-memo.test.ts',
  'test/unit/apm/dependency-latency.test.ts',
  'test/unit/architecture/settings.test.ts',
  'test/unit/authorizer/handler.test.ts',
  'test/unit/bundling/shims.test.ts',
  'test/unit/canary/checks.test.ts',
  'test/unit/flags/appconfig-flags.test.ts',
  'test/unit/fuzz/planted-fault.test.ts',
  'test/unit/local/request-path.test.ts',
  'test/unit/metrics/emf.test.ts',
  'test/unit/rate-limit/limiter.test.ts',
  'test/unit/reports/me-experiments.test.ts',
  'test/unit/reports/router-metrics.test.ts',
  'test/unit/reports/router.test.ts',
  'test/unit/security/lambdas.test.ts',
  'test/unit/security/schemas.test.ts',
  'test/unit/shared/cursor-key.test.ts',
  'test/unit/shared/http-toolkit.test.ts',
  'test/unit/shared/maintenance.test.ts',
];
