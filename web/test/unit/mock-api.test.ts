import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../../lib/config/routes';
import { createApiClient } from '../../src/api/client';
import { MOCK_ROUTE_KEYS, TEST_API_URL, testToken } from '../mock-api/handlers';
import { mockDb } from '../setup';

describe('mock API', () => {
  it('implements every route of the route table, and nothing else', () => {
    expect([...MOCK_ROUTE_KEYS].sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('answers like the gateway: 401 without a token, 403 for a role the route does not allow', async () => {
    const anon = createApiClient({ baseUrl: TEST_API_URL, getToken: () => undefined });
    expect((await anon.request('GET', '/v1/me').catch((e) => e)).status).toBe(401);
    const user = createApiClient({
      baseUrl: TEST_API_URL,
      getToken: () => testToken('acme', 'alice', ['user']),
    });
    expect((await user.request('GET', '/admin/tenants').catch((e) => e)).status).toBe(403);
    expect((await user.request('GET', '/health')).data).toEqual({ status: 'ok' });
    expect((await user.request('GET', '/v1/market/quotes')).data).toEqual({ path: '/v1/market/quotes' });
  });

  it('validates bodies with the Lambdas’ schemas and requires If-Match like the admin API', async () => {
    mockDb().tenants.set('acme', {
      tenantId: 'acme',
      name: 'Acme',
      tier: 'standard',
      vertical: 'retail',
      status: 'active',
      apiKeyId: 'k',
      version: 1,
      createdAt: '',
      updatedAt: '',
    });
    const ops = createApiClient({
      baseUrl: TEST_API_URL,
      getToken: () => testToken('marketedge', 'ops', ['platform-admin']),
    });
    const bad = await ops
      .request('PUT', '/admin/tenants/acme/limits', { body: { rules: [{ id: 'x' }] } })
      .catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.problem.errors.map((e: { path: string }) => e.path)).toContain('rules.0.kind');
    const rule = { id: 'x', scope: 'tenant', kind: 'rate', limit: 1, periodSec: 1 };
    expect(
      (await ops.request('PUT', '/admin/tenants/acme/limits', { body: { rules: [rule] } }).catch((e) => e))
        .status,
    ).toBe(428);
    expect(
      (
        await ops
          .request('PUT', '/admin/tenants/acme/limits', { body: { rules: [rule] }, ifMatch: '"9"' })
          .catch((e) => e)
      ).status,
    ).toBe(412);
    expect((await ops.request('GET', '/admin/tiers/standard')).etag).toBe('"0"');
    expect((await ops.request('GET', '/admin/tiers/gold').catch((e) => e)).status).toBe(400);
    expect((await ops.request('GET', '/health/deep')).status).toBe(200);
    expect((await ops.request('DELETE', '/admin/tenants/acme/bypass/none').catch((e) => e)).status).toBe(404);
    const admin = createApiClient({
      baseUrl: TEST_API_URL,
      getToken: () => testToken('globex', 'admin', ['tenant-admin']),
    });
    expect((await admin.request('GET', '/admin/tenants/acme/limits').catch((e) => e)).status).toBe(403);
    expect(
      (await admin.request('GET', '/admin/audit', { query: { tenantId: 'acme' } }).catch((e) => e)).status,
    ).toBe(403);
  });
});
