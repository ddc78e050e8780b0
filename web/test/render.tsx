import { type RenderResult, render } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { configureAxe } from 'jest-axe';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { LOCAL_OPERATIONS_PATH } from '../../lib/config/console';
import type { Role } from '../../lib/config/roles';
import type { Branding, Tenant } from '../src/api/types';
import { ConsoleCore } from '../src/app/ConsoleCore';
import { createQueryClient } from '../src/app/query-client';
import { type AuthState, AuthStateContext } from '../src/auth/auth-state';
import { makeTenant } from './factories';
import type { MockDb } from './mock-api/db';
import { TEST_API_URL, testToken } from './mock-api/handlers';
import { mockDb } from './setup';

/** Options of {@link renderWithTenant}. */
export interface RenderWithTenantOptions {
  /** The caller's tenant (default: a standard retail tenant `acme`); it is put in the mock database. */
  tenant?: Partial<Tenant>;
  /** The caller's user id (default `alice`). */
  user?: string;
  /** The caller's roles (default `['user']`). */
  roles?: Role[];
  /** Branding overrides for the tenant's theme (sets `tenant.branding`). */
  theme?: Branding;
  /** Initial console path (default `/`), e.g. `/reports/new`. */
  route?: string;
  /** Auth status to simulate (default `signed-in`). */
  auth?: Partial<AuthState>;
  /** `operationsPath` of the console's config (default the local stack's; `null` = a stage without one). */
  operationsPath?: string | null;
}

/** What {@link renderWithTenant} returns. */
export interface TenantRender extends RenderResult {
  user: UserEvent;
  db: MockDb;
  tenant: Tenant;
  /** The fake auth state (its `signIn` / `signOut` are `vi.fn`-like recorders). */
  auth: AuthState & { calls: string[] };
}

/**
 * Mounts `ui` (default: the whole shell at `route`) inside the providers the app uses — auth state, router, data
 * client, API client, session (`/v1/me` through MSW) and theme — as `tenant`/`user`/`roles`. The API is the MSW mock
 * over the test's {@link MockDb} (`db` in the result), built from the route table and the Lambdas' schemas.
 */
export function renderWithTenant(ui?: ReactElement, opts: RenderWithTenantOptions = {}): TenantRender {
  const db = mockDb();
  const tenant = makeTenant({
    tenantId: 'acme',
    name: 'Acme Retail',
    ...opts.tenant,
    ...(opts.theme ? { branding: opts.theme } : {}),
  });
  db.tenants.set(tenant.tenantId, tenant);
  const userId = opts.user ?? 'alice';
  const roles = opts.roles ?? ['user'];
  const calls: string[] = [];
  const auth: AuthState & { calls: string[] } = {
    status: 'signed-in',
    accessToken: testToken(tenant.tenantId, userId, roles),
    userName: userId,
    signIn: (returnTo) => calls.push(`signIn:${returnTo ?? ''}`),
    signOut: () => calls.push('signOut'),
    ...opts.auth,
    calls,
  };
  const result = render(
    <AuthStateContext.Provider value={auth}>
      <MemoryRouter initialEntries={[opts.route ?? '/']}>
        <ConsoleCore
          apiUrl={TEST_API_URL}
          operationsPath={
            opts.operationsPath === null ? undefined : (opts.operationsPath ?? LOCAL_OPERATIONS_PATH)
          }
          queryClient={createQueryClient()}
        >
          {ui}
        </ConsoleCore>
      </MemoryRouter>
    </AuthStateContext.Provider>,
  );
  return { ...result, user: userEvent.setup(), db, tenant, auth };
}

/** Options of the platform operator `ops` (tenant `marketedge`, vertical `platform`, role platform-admin) at `route`. */
export function asPlatformAdmin(route: string, extra: RenderWithTenantOptions = {}): RenderWithTenantOptions {
  return {
    tenant: { tenantId: 'marketedge', name: 'MarketEdge', vertical: 'platform', tier: 'enterprise' },
    user: 'ops',
    roles: ['platform-admin'],
    route,
    ...extra,
  };
}

/** Options of the tenant admin `admin` of the default tenant (`acme`) at `route`. */
export function asTenantAdmin(route: string, extra: RenderWithTenantOptions = {}): RenderWithTenantOptions {
  return { user: 'admin', roles: ['tenant-admin'], route, ...extra };
}

/**
 * axe for component tests: WCAG 2.x A/AA rules. Colour contrast is off here (jsdom cannot compute it; the theme unit
 * test and the browser suites check it).
 */
export const axe = configureAxe({
  rules: { 'color-contrast': { enabled: false } },
});
