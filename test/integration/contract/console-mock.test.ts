import { getResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import { analyticsQueryResponseSchema } from '../../../lib/config/analytics-api';
import { LOGO_DATA_URI_MAX_BYTES } from '../../../lib/config/branding';
import { isExperimentName } from '../../../lib/config/experiments';
import { ruleSchema } from '../../../lib/config/policy';
import { ROLES } from '../../../lib/config/roles';
import { TIERS } from '../../../lib/config/tiers';
import type { Role, Tenant } from '../../../web/src/api/types';
import { createMockDb, type MockDb, putTenants } from '../../../web/test/mock-api/db';
import { createHandlers, TEST_API_URL, testToken } from '../../../web/test/mock-api/handlers';
import { networkConnectionFinding } from '../../fixtures/guardduty';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * Contract test of the console's mock API (`web/test/mock-api`, what every component test runs against): one list of
 * request examples — the routes the console calls, as the console's users call them — is sent to the MSW handlers
 * and to the real local stack (gateway → authorizer → limiter → Lambda handlers → dynalite), both seeded with the
 * tenants of `local/fixtures/seed.json`. Both must answer with the same status, and both bodies must pass the same
 * zod schema and carry the same top-level fields. Examples run in order on both sides (state evolves alike).
 */

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
const tenantSchema = z.object({
  tenantId: z.string(),
  name: z.string(),
  tier: z.enum(TIERS),
  vertical: z.string(),
  status: z.enum(['active', 'suspended']),
  version: z.number().int(),
});
const meSchema = z.object({
  tenantId: z.string(),
  userId: z.string(),
  roles: z.array(z.enum(ROLES)),
  tier: z.enum(TIERS),
  vertical: z.string(),
  experiments: z.record(z.string().refine(isExperimentName, 'no such experiment'), z.string()),
});
const reportSchema = z.object({
  reportId: z.string(),
  tenantId: z.string(),
  title: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const limitsSchema = z.object({
  tenantId: z.string(),
  tier: z.enum(TIERS),
  overrides: z.array(ruleSchema),
  effective: z.array(ruleSchema),
  tenantSpecificLimits: z.boolean(),
  version: z.number().int(),
});
const tierSchema = z.object({
  tier: z.enum(TIERS),
  rules: z.array(ruleSchema),
  usagePlan: z.object({ rateLimit: z.number(), burstLimit: z.number(), quotaPerDay: z.number() }),
  version: z.number().int(),
});
const bypassSchema = z.object({
  bypassId: z.string(),
  userId: z.string().optional(),
  reason: z.string(),
  createdBy: z.string(),
  expiresAt: z.number(),
});
const usageSchema = z.object({
  tenantId: z.string(),
  tier: z.enum(TIERS),
  rules: z.array(z.object({ ruleId: z.string(), limit: z.number(), remaining: z.number() })),
});
const auditSchema = z.object({
  action: z.string(),
  resource: z.string(),
  at: z.string(),
  actor: z.object({ userId: z.string(), tenantId: z.string() }),
});
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextToken: z.string().optional() });

interface Caller {
  tenantId: string;
  userId: string;
  roles: Role[];
}
const ops: Caller = { tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] };
const alice: Caller = { tenantId: 'acme', userId: 'alice', roles: ['user'] };
const acmeAdmin: Caller = { tenantId: 'acme', userId: 'admin', roles: ['tenant-admin'] };
const globexAdmin: Caller = { tenantId: 'globex', userId: 'admin', roles: ['tenant-admin'] };

interface Answer {
  status: number;
  etag: string | null;
  body: unknown;
}

/** One side of the contract: sends a console request as `caller` (or anonymously). */
type Side = (
  caller: Caller | undefined,
  method: string,
  path: string,
  opts?: { body?: unknown; ifMatch?: string },
) => Promise<Answer>;

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, etag: res.headers.get('etag'), body };
}

function headersFor(token: string | undefined, opts: { body?: unknown; ifMatch?: string }): Headers {
  const h = new Headers();
  if (token) h.set('authorization', `Bearer ${token}`);
  if (opts.body !== undefined) h.set('content-type', 'application/json');
  if (opts.ifMatch) h.set('if-match', opts.ifMatch);
  return h;
}

let stack: TestStack;
let db: MockDb;
let real: Side;
let mock: Side;

beforeAll(async () => {
  stack = await startTestStack('memory');
  const tokens = new Map<string, string>();
  real = async (caller, method, path, opts = {}) => {
    let token: string | undefined;
    if (caller) {
      const key = `${caller.tenantId}/${caller.userId}`;
      token = tokens.get(key);
      if (!token) {
        token = await stack.token({ tenantId: caller.tenantId, userId: caller.userId, roles: caller.roles });
        tokens.set(key, token);
      }
    }
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    return answer(await fetch(`${stack.url}${path}`, { method, headers: headersFor(token, opts), body }));
  };
  db = createMockDb();
  putTenants(
    db,
    ...stack.stack.seed.tenants.map(
      (t): Tenant => ({
        tenantId: t.tenantId,
        name: t.name,
        tier: t.tier,
        vertical: t.vertical,
        status: t.status,
        apiKeyId: t.apiKeyId,
        version: 1,
        createdAt: stack.stack.seed.createdAt,
        updatedAt: stack.stack.seed.createdAt,
      }),
    ),
  );
  const handlers = createHandlers(() => db);
  mock = async (caller, method, path, opts = {}) => {
    const token = caller ? testToken(caller.tenantId, caller.userId, caller.roles) : undefined;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = new Request(`${TEST_API_URL}${path}`, { method, headers: headersFor(token, opts), body });
    const res = await getResponse(handlers, req);
    if (!res) throw new Error(`mock API has no handler for ${method} ${path}`);
    return answer(res);
  };
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const keys = (b: unknown) =>
  b && typeof b === 'object' && !Array.isArray(b) ? Object.keys(b).sort() : typeof b;

/**
 * Sends one example to both sides and checks the contract: same status; a 2xx body passes `schema` on both sides; an
 * error body is a problem (same status field, same field paths named by a 400); same top-level fields.
 * @returns both answers (later examples use ids and ETags each side returned)
 */
async function both(
  name: string,
  caller: Caller | undefined,
  method: string,
  path: string | ((side: 'real' | 'mock') => string),
  expectStatus: number,
  schema: z.ZodType | undefined,
  opts: { body?: unknown; ifMatch?: (side: 'real' | 'mock') => string | undefined } = {},
): Promise<{ real: Answer; mock: Answer }> {
  const run = (side: 'real' | 'mock') => {
    const p = typeof path === 'function' ? path(side) : path;
    const ifMatch = opts.ifMatch?.(side);
    return (side === 'real' ? real : mock)(caller, method, p, {
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(ifMatch ? { ifMatch } : {}),
    });
  };
  const r = await run('real');
  const m = await run('mock');
  const show = `${name}\nreal: ${r.status} ${JSON.stringify(r.body)?.slice(0, 400)}\nmock: ${m.status} ${JSON.stringify(m.body)?.slice(0, 400)}`;
  expect(r.status, show).toBe(expectStatus);
  expect(m.status, show).toBe(expectStatus);
  if (expectStatus >= 400) {
    const rp = problemSchema.parse(r.body);
    const mp = problemSchema.parse(m.body);
    expect(mp.status, show).toBe(rp.status);
    expect((mp.errors ?? []).map((e) => e.path).sort(), show).toEqual(
      (rp.errors ?? []).map((e) => e.path).sort(),
    );
  } else if (schema) {
    expect(schema.safeParse(r.body).error, show).toBeUndefined();
    expect(schema.safeParse(m.body).error, show).toBeUndefined();
    expect(keys(m.body), show).toEqual(keys(r.body));
  } else {
    expect(r.body, show).toBeUndefined();
    expect(m.body, show).toBeUndefined();
  }
  return { real: r, mock: m };
}

describe("console mock API vs the real local stack (the console's routes)", () => {
  it('identity and errors the console handles: 200 /v1/me, 401, 403, 404', async () => {
    await both('me', alice, 'GET', '/v1/me', 200, meSchema);
    await both('no token', undefined, 'GET', '/v1/me', 401, undefined);
    await both('user on admin route', alice, 'GET', '/admin/tenants', 403, undefined);
    await both('unknown report', alice, 'GET', '/v1/reports/rpt-does-not-exist', 404, undefined);
  });

  it('reports: create (201, 400 with field paths), list, view, delete', async () => {
    const created = await both('create report', alice, 'POST', '/v1/reports', 201, reportSchema, {
      body: { title: 'Q1 footfall', body: 'Footfall rose 4 % in March.', tags: ['q1'] },
    });
    await both('invalid report', alice, 'POST', '/v1/reports', 400, undefined, { body: { title: '' } });
    await both('list reports', alice, 'GET', '/v1/reports?limit=10', 200, page(reportSchema.omit({})));
    const id = (side: 'real' | 'mock') => String((created[side].body as { reportId: string }).reportId);
    await both('view report', alice, 'GET', (s) => `/v1/reports/${id(s)}`, 200, reportSchema);
    await both('delete report', acmeAdmin, 'DELETE', (s) => `/v1/reports/${id(s)}`, 204, undefined);
    await both('deleted report', alice, 'GET', (s) => `/v1/reports/${id(s)}`, 404, undefined);
  });

  it('platform admin: tenants, tiers, limits with If-Match (428, 412, 400 field path, 200), usage, audit', async () => {
    await both('list tenants', ops, 'GET', '/admin/tenants', 200, page(tenantSchema));
    await both('one tenant', ops, 'GET', '/admin/tenants/acme', 200, tenantSchema);
    await both('tiers', ops, 'GET', '/admin/tiers', 200, z.object({ items: z.array(tierSchema) }));
    await both('one tier', ops, 'GET', '/admin/tiers/standard', 200, tierSchema);
    const limits = await both('limits', ops, 'GET', '/admin/tenants/acme/limits', 200, limitsSchema);
    expect(limits.mock.etag).toBe(limits.real.etag);
    const rule = {
      id: 'alice-rate',
      scope: 'user',
      subject: 'alice',
      kind: 'rate',
      limit: 50,
      periodSec: 60,
    };
    await both('limits without If-Match', ops, 'PUT', '/admin/tenants/acme/limits', 428, undefined, {
      body: { rules: [rule] },
    });
    await both('limits stale If-Match', ops, 'PUT', '/admin/tenants/acme/limits', 412, undefined, {
      body: { rules: [rule] },
      ifMatch: () => '"999"',
    });
    await both('limits invalid rule', ops, 'PUT', '/admin/tenants/acme/limits', 400, undefined, {
      body: { rules: [{ id: 'x', scope: 'tenant' }] },
      ifMatch: (s) => limits[s].etag ?? undefined,
    });
    const put = await both('limits saved', ops, 'PUT', '/admin/tenants/acme/limits', 200, limitsSchema, {
      body: { rules: [rule] },
      ifMatch: (s) => limits[s].etag ?? undefined,
    });
    expect(put.mock.etag).toBe(put.real.etag);
    await both('usage', ops, 'GET', '/admin/tenants/acme/usage', 200, usageSchema);
    await both('audit', ops, 'GET', '/admin/audit?tenantId=acme', 200, page(auditSchema));
  });

  it('tenant branding: a small data-URI logo is accepted, one over the cap refused on branding.logoUrl (400)', async () => {
    const png = (bytes: number) => {
      const b = Buffer.alloc(bytes);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
      return `data:image/png;base64,${b.toString('base64')}`;
    };
    const tenant = (tenantId: string, logoUrl: string) => ({
      tenantId,
      name: 'Contract Shops',
      tier: 'standard',
      vertical: 'retail',
      branding: { primaryColor: '#0055aa', logoUrl },
    });
    const created = await both(
      'tenant with data-URI logo',
      ops,
      'POST',
      '/admin/tenants',
      201,
      tenantSchema,
      {
        body: tenant('contract-shops', png(2_048)),
      },
    );
    for (const side of ['real', 'mock'] as const)
      expect((created[side].body as { branding: { logoUrl: string } }).branding.logoUrl).toBe(png(2_048));
    await both('tenant with oversized logo', ops, 'POST', '/admin/tenants', 400, undefined, {
      body: tenant('contract-big', png(LOGO_DATA_URI_MAX_BYTES + 1)),
    });
  });

  it('bypass: create (201, 400), list, revoke (204, then 404)', async () => {
    const created = await both(
      'create bypass',
      ops,
      'POST',
      '/admin/tenants/acme/bypass',
      201,
      bypassSchema,
      {
        body: { userId: 'alice', reason: 'incident 7: partner migration', ttlSec: 600 },
      },
    );
    await both('bypass without reason', ops, 'POST', '/admin/tenants/acme/bypass', 400, undefined, {
      body: { userId: 'alice', ttlSec: 600 },
    });
    await both(
      'list bypasses',
      ops,
      'GET',
      '/admin/tenants/acme/bypass',
      200,
      z.object({ items: z.array(bypassSchema) }),
    );
    const id = (s: 'real' | 'mock') => String((created[s].body as { bypassId: string }).bypassId);
    await both('revoke', ops, 'DELETE', (s) => `/admin/tenants/acme/bypass/${id(s)}`, 204, undefined);
    await both('revoke again', ops, 'DELETE', (s) => `/admin/tenants/acme/bypass/${id(s)}`, 404, undefined);
  });

  it('security page: overview (200, 400 on a bad query), early unblock (202, 404, 400 on cidr), clamp lift (404, 400), 403 for tenant admins', async () => {
    const overview = z.object({
      blocks: z.array(
        z.object({ cidr: z.string(), version: z.number(), source: z.string(), expiresAt: z.iso.datetime() }),
      ),
      clamps: z.array(z.object({ tenantId: z.string(), expiresAt: z.iso.datetime() })),
      events: z.array(securityEventSchema),
      summary: z.object({
        window: z.object({ events: z.number().int(), since: z.string().nullable() }),
        authFailuresByReason: z.record(z.string(), z.number()),
        topSourceIps: z.array(z.object({ ip: z.string(), count: z.number() })),
        findingsByBand: z.record(z.string(), z.number()),
        anomalies: z.number(),
        byType: z.record(z.string(), z.number()),
      }),
      generatedAt: z.iso.datetime(),
    });
    const lift = z.object({ status: z.literal('requested'), requestId: z.string() });
    await both('security overview', ops, 'GET', '/admin/security?events=20', 200, overview);
    await both(
      'security overview, too many events',
      ops,
      'GET',
      '/admin/security?events=500',
      400,
      undefined,
    );
    await both('security as tenant admin', acmeAdmin, 'GET', '/admin/security', 403, undefined);
    await both('unblock, not blocked', ops, 'POST', '/admin/security/unblock', 404, undefined, {
      body: { cidr: '192.0.2.250', reason: 'contract test' },
    });
    await both('unblock, not an address', ops, 'POST', '/admin/security/unblock', 400, undefined, {
      body: { cidr: 'example.com', reason: 'contract test' },
    });
    // A block on both sides: a high-severity finding through the real stack's bus, a record in the mock's.
    const finding = await stack.call('POST', '/_local/security/events', { body: [networkConnectionFinding] });
    expect(finding.status).toBe(200);
    db.security.blocks.push({
      cidr: '198.51.100.10/32',
      version: 4,
      severity: 8,
      source: 'guardduty',
      reason: 'UnauthorizedAccess:EC2/SSHBruteForce',
      ref: 'f-1',
      createdAt: Date.now(),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const listed = await both('security overview with a block', ops, 'GET', '/admin/security', 200, overview);
    for (const side of ['real', 'mock'] as const)
      expect((listed[side].body as { blocks: { cidr: string }[] }).blocks.map((b) => b.cidr)).toContain(
        '198.51.100.10/32',
      );
    await both('unblock', ops, 'POST', '/admin/security/unblock', 202, lift.extend({ cidr: z.string() }), {
      body: { cidr: '198.51.100.10', reason: 'contract test' },
    });
    await both('lift clamp, none', ops, 'DELETE', '/admin/security/clamps/acme', 404, undefined);
    await both('lift clamp, bad id', ops, 'DELETE', '/admin/security/clamps/Not_A_Tenant', 400, undefined);
  });

  it("tenant admin: own tenant's limits and usage; another tenant's are refused alike (403)", async () => {
    await both('own limits', acmeAdmin, 'GET', '/admin/tenants/acme/limits', 200, limitsSchema);
    await both('own usage', acmeAdmin, 'GET', '/admin/tenants/acme/usage', 200, usageSchema);
    await both('other tenant limits', globexAdmin, 'GET', '/admin/tenants/acme/limits', 403, undefined);
    await both('other tenant usage', globexAdmin, 'GET', '/admin/tenants/acme/usage', 403, undefined);
  });

  it('analytics page: a query per role and scope (200), another tenant (403), bad query name and range (400)', async () => {
    const q = analyticsQueryResponseSchema;
    await both('own tenant', acmeAdmin, 'GET', '/admin/analytics/active_users', 200, q);
    await both('platform, one vertical', ops, 'GET', '/admin/analytics/funnel?vertical=retail', 200, q);
    await both('platform, one tenant', ops, 'GET', '/admin/analytics/retention?tenantId=acme', 200, q);
    await both('another tenant', globexAdmin, 'GET', '/admin/analytics/funnel?tenantId=acme', 403, undefined);
    await both('user', alice, 'GET', '/admin/analytics/funnel', 403, undefined);
    await both('unknown query', acmeAdmin, 'GET', '/admin/analytics/nope', 400, undefined);
    await both(
      'reversed range',
      acmeAdmin,
      'GET',
      '/admin/analytics/feature_adoption?from=2026-12-01&to=2026-11-01',
      400,
      undefined,
    );
  });
});
