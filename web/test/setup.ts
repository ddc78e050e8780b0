/**
 * Setup of the `web` Vitest project (jsdom): Testing Library matchers and cleanup, axe's `toHaveNoViolations`, and
 * the MSW server over a fresh mock database per test (unhandled requests fail the test).
 */
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { toHaveNoViolations } from 'jest-axe';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { resetFactories } from './factories';
import { createMockDb, type MockDb } from './mock-api/db';
import { createHandlers } from './mock-api/handlers';

expect.extend(toHaveNoViolations);
// Lazy pages load on first use; under CPU contention that can take seconds (never a reason to fail).
configure({ asyncUtilTimeout: 10_000 });

let db: MockDb = createMockDb();

/** The mock database of the running test. */
export function mockDb(): MockDb {
  return db;
}

/** The MSW server (tests may `server.use(...)` a one-off handler). */
export const server = setupServer(...createHandlers(() => db));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  db = createMockDb();
  resetFactories();
  sessionStorage.clear();
});
afterEach(() => {
  cleanup();
  server.resetHandlers();
  document.documentElement.removeAttribute('style');
  document.documentElement.removeAttribute('data-theme');
});
afterAll(() => server.close());
