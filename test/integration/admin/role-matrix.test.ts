import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_ROUTES } from '../../../lambdas/admin/app';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import type { AuthorizerContext } from '../../../lambdas/shared/tenant-context';
import { routeKey } from '../../../lib/config/routes';
import { TIER_TABLE } from '../../../lib/config/tiers';
import {
  ACTORS,
  call,
  createAdminApi,
  type EventOptions,
  type FakeSecurity,
  testDeps,
} from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from './setup';

let adb: AdminDb;
let api: ReturnType<typeof createAdminApi>;
let logger: Logger;
let security: FakeSecurity;

beforeAll(async () => {
  adb = await startAdminDb('matrix');
  logger = new Logger({ serviceName: 'admin', logLevel: 'SILENT' });
  const deps = testDeps(adb.repo, { logger });
  security = deps.security;
  api = createAdminApi(deps);
});

/** An hour from now, epoch seconds (an active block or clamp). */
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
afterAll(async () => {
  await adb.stop();
});

type Who = 'platformAdmin' | 'tenantAdminOwn' | 'tenantAdminOther' | 'user' | 'm2m';
/** acme is the target tenant: "own" = acme's tenant-admin, "other" = globex's tenant-admin. */
const CALLERS: Record<Who, AuthorizerContext> = {
  platformAdmin: ACTORS.platformAdmin,
  tenantAdminOwn: ACTORS.acmeAdmin,
  tenantAdminOther: ACTORS.globexAdmin,
  user: ACTORS.acmeUser,
  m2m: ACTORS.acmeM2m,
};

let tenantSeq = 0;
let bypassId = '';

/** A valid request per route (fresh preconditions read as platform-admin just before the call). */
const REQUESTS: Record<string, () => Promise<Omit<EventOptions, 'actor'>>> = {
  'GET /health/deep': async () => ({ method: 'GET', path: '/health/deep' }),
  'GET /admin/tiers': async () => ({ method: 'GET', path: '/admin/tiers' }),
  'GET /admin/tiers/{tier}': async () => ({ method: 'GET', path: '/admin/tiers/standard' }),
  'PUT /admin/tiers/{tier}': async () => ({
    method: 'PUT',
    path: '/admin/tiers/premium',
    headers: { 'If-Match': await etag('/admin/tiers/premium') },
    body: { rules: TIER_TABLE.premium.defaultPolicy, usagePlan: TIER_TABLE.premium.usagePlan },
  }),
  'GET /admin/tenants': async () => ({ method: 'GET', path: '/admin/tenants' }),
  'POST /admin/tenants': async () => ({
    method: 'POST',
    path: '/admin/tenants',
    body: { tenantId: `matrix-${++tenantSeq}`, name: 'Matrix', tier: 'free', vertical: 'leisure' },
  }),
  'GET /admin/tenants/{tenantId}': async () => ({ method: 'GET', path: '/admin/tenants/acme' }),
  'PATCH /admin/tenants/{tenantId}': async () => ({
    method: 'PATCH',
    path: '/admin/tenants/acme',
    headers: { 'If-Match': await etag('/admin/tenants/acme') },
    body: { branding: { displayName: `Acme ${Date.now()}` } },
  }),
  'GET /admin/tenants/{tenantId}/limits': async () => ({ method: 'GET', path: '/admin/tenants/acme/limits' }),
  'PUT /admin/tenants/{tenantId}/limits': async () => ({
    method: 'PUT',
    path: '/admin/tenants/acme/limits',
    headers: { 'If-Match': await etag('/admin/tenants/acme/limits') },
    body: {
      rules: [
        {
          id: 'alice-rate',
          scope: 'user',
          subject: 'alice',
          kind: 'rate',
          limit: 10,
          periodSec: 60,
          burst: 5,
        },
      ],
    },
  }),
  'GET /admin/tenants/{tenantId}/bypass': async () => ({ method: 'GET', path: '/admin/tenants/acme/bypass' }),
  'POST /admin/tenants/{tenantId}/bypass': async () => ({
    method: 'POST',
    path: '/admin/tenants/acme/bypass',
    body: { reason: 'matrix test', ttlSec: 300 },
  }),
  'DELETE /admin/tenants/{tenantId}/bypass/{bypassId}': async () => {
    const created = await call(api, {
      method: 'POST',
      path: '/admin/tenants/acme/bypass',
      body: { reason: 'to delete', ttlSec: 300 },
    });
    bypassId = String(created.body.bypassId);
    return { method: 'DELETE', path: `/admin/tenants/acme/bypass/${bypassId}` };
  },
  'GET /admin/tenants/{tenantId}/usage': async () => ({ method: 'GET', path: '/admin/tenants/acme/usage' }),
  'GET /admin/audit': async () => ({ method: 'GET', path: '/admin/audit', query: { tenantId: 'acme' } }),
  'GET /admin/security': async () => ({ method: 'GET', path: '/admin/security' }),
  'POST /admin/security/unblock': async () => {
    await security.store.put({
      cidr: '203.0.113.9/32',
      version: 4,
      severity: 8,
      source: 'guardduty',
      reason: 'Recon:EC2/Portscan',
      ref: 'finding-1',
      createdAt: Date.now(),
      expiresAt: inAnHour(),
    });
    return {
      method: 'POST',
      path: '/admin/security/unblock',
      body: { cidr: '203.0.113.9', reason: 'matrix test' },
    };
  },
  'DELETE /admin/security/clamps/{tenantId}': async () => {
    await security.store.putClamp({
      tenantId: 'acme',
      previousRules: [],
      version: 1,
      reason: 'failed_auth_per_tenant',
      ref: 'evt-1',
      createdAt: Date.now(),
      expiresAt: inAnHour(),
    });
    return { method: 'DELETE', path: '/admin/security/clamps/acme' };
  },
  'GET /admin/analytics/export': async () => ({
    method: 'GET',
    path: '/admin/analytics/export',
    query: { tenantId: 'acme', format: 'csv' },
  }),
  'GET /admin/analytics/{query}': async () => ({
    method: 'GET',
    path: '/admin/analytics/funnel',
    query: { tenantId: 'acme' },
  }),
};

async function etag(path: string): Promise<string> {
  const r = await call(api, { method: 'GET', path, actor: ACTORS.platformAdmin });
  return r.headers.etag!;
}

const P = (ok: number) => ({
  platformAdmin: ok,
  tenantAdminOwn: 403,
  tenantAdminOther: 403,
  user: 403,
  m2m: 403,
});
const A = (ok: number) => ({
  platformAdmin: ok,
  tenantAdminOwn: ok,
  tenantAdminOther: 403,
  user: 403,
  m2m: 403,
});

/** Expected status per route × caller (written out, not derived from the route table). */
const EXPECTED: Record<string, Record<Who, number>> = {
  'GET /health/deep': P(200),
  'GET /admin/tiers': P(200),
  'GET /admin/tiers/{tier}': P(200),
  'PUT /admin/tiers/{tier}': P(200),
  'GET /admin/tenants': P(200),
  'POST /admin/tenants': P(201),
  'GET /admin/tenants/{tenantId}': A(200),
  'PATCH /admin/tenants/{tenantId}': P(200),
  'GET /admin/tenants/{tenantId}/limits': A(200),
  'PUT /admin/tenants/{tenantId}/limits': A(200),
  'GET /admin/tenants/{tenantId}/bypass': A(200),
  'POST /admin/tenants/{tenantId}/bypass': P(201),
  'DELETE /admin/tenants/{tenantId}/bypass/{bypassId}': P(204),
  'GET /admin/tenants/{tenantId}/usage': A(200),
  'GET /admin/audit': A(200),
  'GET /admin/security': P(200),
  'POST /admin/security/unblock': P(202),
  'DELETE /admin/security/clamps/{tenantId}': P(202),
  'GET /admin/analytics/export': A(200),
  'GET /admin/analytics/{query}': A(200),
};

describe('role matrix', () => {
  it('covers every admin route of the route table', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(ADMIN_ROUTES.map(routeKey).sort());
    expect(Object.keys(REQUESTS).sort()).toEqual(ADMIN_ROUTES.map(routeKey).sort());
  });

  const cases = Object.entries(EXPECTED).flatMap(([route, row]) =>
    (Object.keys(row) as Who[]).map((who) => [route, who, row[who]] as const),
  );

  it.each(cases)('%s as %s → %i', async (route, who, expected) => {
    const warn = vi.spyOn(logger, 'warn');
    const req = await REQUESTS[route]!();
    const res = await call(api, { ...req, actor: CALLERS[who] });
    expect(res.status).toBe(expected);
    if (expected === 403) {
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(warn).toHaveBeenCalledWith(
        'admin request refused',
        expect.objectContaining({
          security_event: expect.objectContaining({ type: 'AdminAccessDenied', outcome: 'forbidden' }),
        }),
      );
    }
    warn.mockRestore();
  });
});

describe('no existence leak', () => {
  it('a tenant-admin gets the same answer for another tenant and for an unknown one', async () => {
    for (const suffix of ['', '/limits', '/usage', '/bypass']) {
      const other = await call(api, {
        method: 'GET',
        path: `/admin/tenants/globex${suffix}`,
        actor: ACTORS.acmeAdmin,
      });
      const unknown = await call(api, {
        method: 'GET',
        path: `/admin/tenants/no-such-tenant${suffix}`,
        actor: ACTORS.acmeAdmin,
      });
      expect(other.status).toBe(403);
      expect(unknown.status).toBe(403);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(other.body)).toEqual(strip(unknown.body));
    }
  });

  it('a tenant-admin cannot read another tenant’s audit, whether it exists or not', async () => {
    const a = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'globex' },
      actor: ACTORS.acmeAdmin,
    });
    const b = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'nobody' },
      actor: ACTORS.acmeAdmin,
    });
    expect([a.status, b.status]).toEqual([403, 403]);
  });

  it('refusals are logged as AdminAccessDenied security events (one schema) with the reason', async () => {
    const warn = vi.spyOn(logger, 'warn');
    await call(api, { method: 'GET', path: '/admin/tenants/globex', actor: ACTORS.acmeAdmin });
    expect(warn).toHaveBeenCalledWith(
      'admin request refused',
      expect.objectContaining({
        reason: 'other-tenant',
        actorTenantId: 'acme',
        targetTenantId: 'globex',
        route: 'GET /admin/tenants/{tenantId}',
      }),
    );
    const event = securityEventSchema.parse(
      (warn.mock.calls[0]?.[1] as Record<string, unknown> | undefined)?.security_event,
    );
    expect(event).toMatchObject({
      type: 'AdminAccessDenied',
      outcome: 'forbidden',
      reason: 'other-tenant',
      tenantId: 'acme',
      principal: ACTORS.acmeAdmin.userId,
      route: 'GET /admin/tenants/{tenantId}',
      details: { targetTenantId: 'globex', resource: '/admin/tenants/globex' },
    });
    warn.mockRestore();
  });

  it('changes are logged as AdminChange security events naming the audit action; refused or failed ones are not', async () => {
    const info = vi.spyOn(logger, 'info');
    const created = await call(api, {
      method: 'POST',
      path: '/admin/tenants/acme/bypass',
      body: { reason: 'incident 42', ttlSec: 60 },
      actor: ACTORS.platformAdmin,
    });
    expect(created.status).toBe(201);
    const changes = info.mock.calls.filter((c) => c[0] === 'admin change');
    const event = securityEventSchema.parse(
      (changes[0]?.[1] as Record<string, unknown> | undefined)?.security_event,
    );
    expect(event).toMatchObject({
      type: 'AdminChange',
      outcome: 'changed',
      reason: 'bypass.create',
      tenantId: ACTORS.platformAdmin.tenantId,
      principal: ACTORS.platformAdmin.userId,
      route: 'POST /admin/tenants/{tenantId}/bypass',
      details: { status: 201, targetTenantId: 'acme' },
    });
    info.mockClear();
    const bad = await call(api, {
      method: 'POST',
      path: '/admin/tenants/acme/bypass',
      body: { reason: '', ttlSec: 60 },
      actor: ACTORS.platformAdmin,
    });
    expect(bad.status).toBe(400);
    expect(info.mock.calls.some((c) => (c[1] as Record<string, unknown>)?.security_event)).toBe(false);
    info.mockRestore();
  });
});
