import { randomBytes } from 'node:crypto';
import {
  type APIResponse,
  type BrowserContext,
  test as base,
  expect,
  type Page,
  type Request,
} from '@playwright/test';
import type { Vertical } from '../../lib/config/data-model';
import type { RuleInput } from '../../lib/config/policy';
import type { Role } from '../../lib/config/roles';
import { matchRoute } from '../../lib/config/routes';
import type { Tier } from '../../lib/config/tier-names';
import { ApiClient, ApiLog } from './api-client';
import { type SignInOptions, signIn } from './console';
import { baseUrl } from './env';
import { mintToken, type Principal, platformTenantId } from './tokens';

/** What a test asks {@link Fixtures.provisionTenant} for. */
export interface TenantRequest {
  vertical: Vertical;
  /** Default `standard`. */
  tier?: Tier;
  branding?: { displayName?: string; primaryColor?: string; logoUrl?: string };
}

/** A tenant created for one test, with helpers to act as its users. */
export interface TestTenant {
  tenantId: string;
  name: string;
  vertical: Vertical;
  tier: Tier;
  /** A principal of this tenant (`userId` defaults to one fresh id per role and tenant). */
  principal(role: Exclude<Role, 'platform-admin' | 'service'>, userId?: string): Principal;
  /** An API client signed as that principal. */
  as(role: Exclude<Role, 'platform-admin' | 'service'>, userId?: string): Promise<ApiClient>;
}

/** Fixtures of the suites. */
export interface Fixtures {
  /** Records every API call of the test; attached to the report as latency per workflow step. */
  apiLog: ApiLog;
  /** A fresh platform-admin user of the operator tenant (its own user id, so audit entries are this test's). */
  platformAdmin: ApiClient & { principal: Principal };
  /** Creates a tenant through the admin API; it is cleaned up after the test (see below). */
  provisionTenant(req: TenantRequest): Promise<TestTenant>;
  /** Signs a token for any principal (e.g. a user of a tenant that does not exist). */
  tokenFor(p: Principal, expiresInSec?: number): Promise<string>;
  /**
   * Opens a second browser for another person: a new context of the project's browser, signed in as `who` through
   * the real flow (`signIn`) on `opts.path`; its API calls are recorded like `page`'s; closed after the test.
   */
  signedInPage(who: Principal, opts?: SignInOptions): Promise<Page>;
}

/**
 * Records the console's own API calls made in `page` (fetches to the stack's origin that match the route table) in
 * `log`, attributed to the running step.
 */
export function recordBrowserCalls(page: Page, log: ApiLog): void {
  const api = new URL(baseUrl()).origin;
  const started = new Map<Request, number>();
  const finish = (req: Request, status: number) => {
    const t0 = started.get(req);
    const url = new URL(req.url());
    if (t0 === undefined || url.origin !== api) return;
    started.delete(req);
    const matched = matchRoute(req.method(), url.pathname).route;
    if (!matched) return; // console files, the local issuer's pages
    log.record({
      route: `${req.method()} ${matched.path}`,
      status,
      ms: performance.now() - t0,
      source: 'browser',
    });
  };
  page.on('request', (req) => started.set(req, performance.now()));
  page.on('requestfinished', async (req) => finish(req, (await req.response())?.status() ?? 0));
  page.on('requestfailed', (req) => finish(req, 0));
}

/** The running test's log (one test at a time per worker), for {@link step}. */
let currentLog: ApiLog | undefined;

/**
 * `test.step` that also names the API calls made inside it — by the test's clients and by the browser — so the
 * report's latency per workflow step (`api-latency` annotations and attachment) has the step's title.
 */
export function step<T>(title: string, body: () => Promise<T>): Promise<T> {
  return test.step(title, () => (currentLog ? currentLog.step(title, body) : body()));
}

/** A short random suffix for ids: tenants and users of parallel tests never collide. */
export function uid(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The suites' `test`: each test provisions its own tenants and users through the admin API and removes what it
 * created afterwards — reports deleted, bypasses revoked, limit overrides cleared and the tenant suspended (the
 * admin API has no tenant deletion: tenants are suspended, and the local stack's in-memory DynamoDB is dropped with
 * the `webServer`). No test reads another's data, so any worker count and order is correct.
 */
export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  apiLog: async ({}, use, testInfo) => {
    const log = new ApiLog();
    currentLog = log;
    await use(log);
    currentLog = undefined;
    await log.attach(testInfo);
  },

  // The browser's own API calls (the console's fetches) are recorded too, attributed to the running step.
  page: async ({ page, apiLog }, use) => {
    recordBrowserCalls(page, apiLog);
    await use(page);
  },

  signedInPage: async ({ browser, apiLog }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (who, opts) => {
      // A context of its own: no cookie or storage is shared with the test's `page` (another person's browser).
      // Created from the `browser` fixture, it gets the config's `use` options (base URL, locale, time zone) and is
      // traced like `page`'s.
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      recordBrowserCalls(page, apiLog);
      await signIn(page, who, opts);
      return page;
    });
    for (const c of contexts) await c.close();
  },

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  tokenFor: async ({}, use) => {
    await use((p, expiresInSec) => mintToken(p, expiresInSec));
  },

  platformAdmin: async ({ request, apiLog }, use) => {
    const principal: Principal = {
      tenantId: platformTenantId(),
      userId: `e2e-ops-${uid()}`,
      roles: ['platform-admin'],
    };
    const client = new ApiClient(request, await mintToken(principal), apiLog);
    await use(Object.assign(client, { principal }));
  },

  provisionTenant: async ({ request, apiLog, platformAdmin }, use, testInfo) => {
    const created: TestTenant[] = [];
    await use(async (req) => {
      const tenantId = `e2e-${req.vertical.slice(0, 4)}-w${testInfo.parallelIndex}-${uid()}`;
      const tier = req.tier ?? 'standard';
      const name = `E2E ${req.vertical} ${tenantId.slice(-8)}`;
      const res = await apiLog.step('provision tenant', () =>
        platformAdmin.post('/admin/tenants', {
          tenantId,
          name,
          tier,
          vertical: req.vertical,
          ...(req.branding ? { branding: req.branding } : {}),
        }),
      );
      expect(res.status(), await res.text()).toBe(201);
      const users = new Map<string, string>();
      const tenant: TestTenant = {
        tenantId,
        name,
        vertical: req.vertical,
        tier,
        principal(role, userId) {
          let id = userId ?? users.get(role);
          if (!id) {
            id = `${role}-${uid()}`;
            users.set(role, id);
          }
          return { tenantId, userId: id, roles: [role] };
        },
        async as(role, userId) {
          return new ApiClient(request, await mintToken(tenant.principal(role, userId)), apiLog);
        },
      };
      created.push(tenant);
      return tenant;
    });
    await apiLog.step('clean up tenants', async () => {
      for (const t of created) await cleanUp(t, platformAdmin);
    });
  },
});

export { expect };

/**
 * Removes what a test left in its tenant (see {@link test}): bypasses revoked and overrides cleared first (a test
 * may have lowered the tenant's limits), then reports deleted as the tenant admin (waiting out a 429's
 * `Retry-After`), then the tenant suspended. Failures here fail the test: leaks are bugs.
 */
async function cleanUp(t: TestTenant, admin: ApiClient): Promise<void> {
  const base = `/admin/tenants/${t.tenantId}`;
  const bypasses = await admin.get(`${base}/bypass`);
  expect(bypasses.status()).toBe(200);
  for (const b of ((await bypasses.json()) as { items: { bypassId: string }[] }).items) {
    expect((await admin.delete(`${base}/bypass/${b.bypassId}`)).status()).toBe(204);
  }
  const limits = await admin.get(`${base}/limits`);
  expect(limits.status()).toBe(200);
  if (((await limits.json()) as { overrides: RuleInput[] }).overrides.length > 0) {
    const put = await admin.put(`${base}/limits`, { rules: [] }, { headers: { 'if-match': etag(limits) } });
    expect(put.status(), await put.text()).toBe(200);
  }
  const tenantAdmin = await t.as('tenant-admin', `cleanup-${uid()}`);
  const tenant = await admin.get(base);
  expect(tenant.status()).toBe(200);
  if (((await tenant.json()) as { status: string }).status === 'active') {
    for (let round = 0; round < 20; round++) {
      const page = await retrying429(() => tenantAdmin.get('/v1/reports?limit=100'));
      expect(page.status(), await page.text()).toBe(200);
      const { items } = (await page.json()) as { items: { reportId: string }[] };
      if (items.length === 0) break;
      for (const r of items) {
        const del = await retrying429(() => tenantAdmin.delete(`/v1/reports/${r.reportId}`));
        expect([204, 404]).toContain(del.status());
      }
    }
  }
  const fresh = await admin.get(base);
  const patch = await admin.patch(base, { status: 'suspended' }, { headers: { 'if-match': etag(fresh) } });
  expect(patch.status(), await patch.text()).toBe(200);
}

/** Calls `fn` again after a 429's `Retry-After` (at most 5 times). */
async function retrying429(fn: () => Promise<APIResponse>): Promise<APIResponse> {
  let res = await fn();
  for (let i = 0; i < 5 && res.status() === 429; i++) {
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers()['retry-after'] ?? 1)));
    res = await fn();
  }
  return res;
}

/** The `ETag` of a response (admin API reads always carry one). */
export function etag(res: { headers(): Record<string, string> }): string {
  const value = res.headers().etag;
  if (!value) throw new Error('response has no ETag');
  return value;
}
