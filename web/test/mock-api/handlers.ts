import type { APIGatewayProxyResult } from 'aws-lambda';
import { HttpResponse, http, type JsonBodyType } from 'msw';
import {
  bypassCreateSchema,
  limitsPutSchema,
  securityQuerySchema,
  tenantCreateSchema,
  tenantListQuerySchema,
  tenantParamSchema,
  tenantPatchSchema,
  tierPutSchema,
  unblockSchema,
} from '../../../lambdas/admin/schemas';
import { liveBlocks, liveClamps, securityOverview } from '../../../lambdas/admin/security-overview';
import { tenantAdminViolations } from '../../../lambdas/admin/tenant-admin-rules';
import { createReportSchema, listQuerySchema } from '../../../lambdas/reports/schemas';
import { badRequest, fieldErrors, problem } from '../../../lambdas/shared/http/problem';
import { effectivePolicy } from '../../../lambdas/shared/rate-limit/core/resolve';
import { canonicalCidr } from '../../../lambdas/shared/security/cidr';
import { eventBatchSchema } from '../../../lib/config/analytics';
import { LOCAL_OPERATIONS_PATH } from '../../../lib/config/console';
import { isRole, type Role } from '../../../lib/config/roles';
import { ROUTES, type Route, routeKey } from '../../../lib/config/routes';
import type { Tier } from '../../../lib/config/tiers';
import { type GatewayErrorReply, gatewayError } from '../../../local/gateway/gateway-responses';
import type { Me, Tenant, TierPolicy } from '../../src/api/types';
import { analyticsExport, analyticsQuery, sampleAnalytics } from './analytics';
import type { MockDb } from './db';
import { sampleOperations } from './operations';

/** Base URL the console talks to in component tests. */
export const TEST_API_URL = 'http://api.test';

/**
 * A test access token: `test|<tenantId>|<userId>|<role,role>` (the mock's stand-in for the authorizer context).
 */
export function testToken(tenantId: string, userId: string, roles: readonly Role[]): string {
  return `test|${tenantId}|${userId}|${roles.join(',')}`;
}

interface Caller {
  tenantId: string;
  userId: string;
  roles: Role[];
}

interface Ctx {
  db: MockDb;
  caller: Caller;
  params: Record<string, string>;
  url: URL;
  request: Request;
  isPlatform: boolean;
}

type Impl = (c: Ctx) => Promise<APIGatewayProxyResult> | APIGatewayProxyResult;

function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function gatewayResponse(r: GatewayErrorReply): HttpResponse<JsonBodyType> {
  return new HttpResponse(new TextDecoder().decode(r.body), { status: r.status, headers: r.headers });
}

function toResponse(r: APIGatewayProxyResult): HttpResponse<JsonBodyType> {
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return new HttpResponse(r.statusCode === 204 ? null : r.body, { status: r.statusCode, headers });
}

async function body(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

function ifMatch(request: Request, version: number): APIGatewayProxyResult | undefined {
  const v = request.headers.get('if-match');
  if (!v || v === '*') return problem(428, 'Precondition Required', { detail: 'If-Match is required.' });
  if (v !== `"${version}"`)
    return problem(412, 'Precondition Failed', { detail: 'The resource has changed.' });
  return undefined;
}

function ownTenant(c: Ctx, tenantId: string): APIGatewayProxyResult | undefined {
  if (c.isPlatform)
    return c.db.tenants.has(tenantId) ? undefined : problem(404, 'Not Found', { detail: 'No such tenant.' });
  if (tenantId !== c.caller.tenantId) return problem(403, 'Forbidden', { detail: 'Another tenant.' });
  return undefined;
}

function publicTenant(t: Tenant): Tenant {
  const { apiKeyValue: _omit, ...rest } = t as Tenant & { apiKeyValue?: string };
  return rest;
}

function audit(
  c: Ctx,
  partition: string,
  action: string,
  resource: string,
  before: unknown,
  after: unknown,
): void {
  const at = new Date(c.db.now()).toISOString();
  const requestId = `mock-${c.db.audit.length + 1}`;
  c.db.audit.push({
    pk: partition,
    sk: `${at}#${requestId}`,
    actor: { userId: c.caller.userId, tenantId: c.caller.tenantId, roles: c.caller.roles },
    action,
    route: '',
    resource,
    before,
    after,
    requestId,
    at,
  });
}

/** A tier policy as the admin API answers it (`updatedAt: null` until the tier is first written). */
function tierView(t: TierPolicy) {
  return { ...t, updatedAt: t.updatedAt ?? null };
}

function limitsView(c: Ctx, tenantId: string) {
  const tenant = c.db.tenants.get(tenantId) as Tenant;
  const lim = c.db.limits.get(tenantId) ?? { rules: [], version: 0 };
  const tier = c.db.tiers.get(tenant.tier);
  return {
    tenantId,
    tier: tenant.tier,
    overrides: lim.rules,
    effective: effectivePolicy(tier?.rules ?? [], lim.rules, c.db.tenantSpecificLimits),
    tenantSpecificLimits: c.db.tenantSpecificLimits,
    version: lim.version,
    updatedAt: lim.updatedAt ?? null,
  };
}

/** Implementations by route key: the same contract as the Lambdas (validated with their zod schemas). */
const IMPL: Record<string, Impl> = {
  'GET /health': () => json(200, { status: 'ok' }),
  'GET /health/deep': (c) =>
    json(200, { status: 'ok', checks: [], stage: 'test', at: new Date(c.db.now()).toISOString() }),
  'GET /v1/me': (c) => {
    const t = c.db.tenants.get(c.caller.tenantId);
    const me: Me = {
      tenantId: c.caller.tenantId,
      userId: c.caller.userId,
      roles: c.caller.roles,
      permissions: [],
      tier: t?.tier ?? 'free',
      vertical: t?.vertical ?? 'retail',
      principalType: 'user',
      ...(t ? { tenantName: t.name } : {}),
      ...(t?.branding ? { branding: t.branding } : {}),
      experiments: c.db.experiments.get(`${c.caller.tenantId}/${c.caller.userId}`) ?? {},
    };
    return json(200, me, {
      'RateLimit-Policy': '"tenant-rate";q=300;w=60, "user-rate";q=60;w=60',
      RateLimit: '"tenant-rate";r=299;t=1, "user-rate";r=59;t=1',
    });
  },
  'GET /v1/reports': (c) => {
    const q = listQuerySchema.safeParse(Object.fromEntries(c.url.searchParams));
    if (!q.success) return badRequest(fieldErrors(q.error.issues));
    const mine = c.db.reports
      .filter((r) => r.tenantId === c.caller.tenantId)
      .sort((a, b) => b.reportId.localeCompare(a.reportId));
    const start = q.data.cursor ? mine.findIndex((r) => r.reportId === q.data.cursor) + 1 : 0;
    const limit = q.data.limit ?? 20;
    const items = mine.slice(start, start + limit).map(({ body: _b, ...s }) => s);
    const more = start + limit < mine.length;
    return json(200, { items, ...(more ? { nextCursor: items[items.length - 1]?.reportId } : {}) });
  },
  'POST /v1/reports': async (c) => {
    const parsed = createReportSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    const reportId = `01JMOCK${String(c.db.reports.length + 1).padStart(19, '0')}`;
    const report = {
      ...parsed.data,
      tenantId: c.caller.tenantId,
      reportId,
      createdBy: c.caller.userId,
      createdAt: new Date(c.db.now()).toISOString(),
    };
    c.db.reports.push(report);
    return json(201, report, { location: `/v1/reports/${reportId}` });
  },
  'GET /v1/reports/{reportId}': (c) => {
    const r = c.db.reports.find((x) => x.reportId === c.params.reportId && x.tenantId === c.caller.tenantId);
    return r ? json(200, r) : problem(404, 'Not Found', { detail: 'No such report.' });
  },
  'DELETE /v1/reports/{reportId}': (c) => {
    const i = c.db.reports.findIndex(
      (x) => x.reportId === c.params.reportId && x.tenantId === c.caller.tenantId,
    );
    if (i < 0) return problem(404, 'Not Found', { detail: 'No such report.' });
    c.db.reports.splice(i, 1);
    return { statusCode: 204, headers: {}, body: '' };
  },
  'POST /v1/events': async (c) => {
    // Batch shape of lib/config/analytics.ts; per-event rules are the server's (lambdas/shared/analytics/ingest.ts).
    const parsed = eventBatchSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    return json(202, { accepted: parsed.data.events.length, duplicates: 0, dropped: 0 });
  },
  'ANY /v1/market/{proxy+}': (c) => json(200, { path: c.url.pathname }),
  'GET /admin/tiers': (c) => json(200, { items: [...c.db.tiers.values()].map(tierView) }),
  'GET /admin/tiers/{tier}': (c) => {
    const t = c.db.tiers.get(c.params.tier as Tier);
    return t
      ? json(200, tierView(t), { etag: `"${t.version}"` })
      : badRequest([{ path: 'path.tier', message: 'unknown tier' }]);
  },
  'PUT /admin/tiers/{tier}': async (c) => {
    const t = c.db.tiers.get(c.params.tier as Tier);
    if (!t) return badRequest([{ path: 'path.tier', message: 'unknown tier' }]);
    const parsed = tierPutSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    const pre = ifMatch(c.request, t.version);
    if (pre) return pre;
    const next = {
      ...t,
      ...parsed.data,
      version: t.version + 1,
      updatedAt: new Date(c.db.now()).toISOString(),
    };
    c.db.tiers.set(t.tier, next);
    audit(c, 'PLATFORM', 'tier.update', `/admin/tiers/${t.tier}`, t, next);
    return json(200, tierView(next), { etag: `"${next.version}"` });
  },
  'GET /admin/tenants': (c) => {
    const q = tenantListQuerySchema.safeParse(Object.fromEntries(c.url.searchParams));
    if (!q.success) return badRequest(fieldErrors(q.error.issues, 'query'));
    const all = [...c.db.tenants.values()]
      .filter(
        (t) =>
          (!q.data.tier || t.tier === q.data.tier) && (!q.data.vertical || t.vertical === q.data.vertical),
      )
      .filter((t) => !q.data.status || t.status === q.data.status)
      .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
    const start = q.data.nextToken ? Number(q.data.nextToken) : 0;
    const items = all.slice(start, start + q.data.limit).map(publicTenant);
    const more = start + q.data.limit < all.length;
    return json(200, { items, ...(more ? { nextToken: String(start + q.data.limit) } : {}) });
  },
  'POST /admin/tenants': async (c) => {
    const parsed = tenantCreateSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    if (c.db.tenants.has(parsed.data.tenantId))
      return problem(409, 'Conflict', { detail: 'Tenant id exists.' });
    const at = new Date(c.db.now()).toISOString();
    const t: Tenant = {
      ...parsed.data,
      apiKeyId: `key-${parsed.data.tenantId}`,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    c.db.tenants.set(t.tenantId, t);
    audit(c, `TENANT#${t.tenantId}`, 'tenant.create', `/admin/tenants/${t.tenantId}`, null, t);
    return json(201, t, { location: `/admin/tenants/${t.tenantId}`, etag: '"1"' });
  },
  'GET /admin/tenants/{tenantId}': (c) => {
    const denied = ownTenant(c, c.params.tenantId ?? '');
    if (denied) return denied;
    const t = c.db.tenants.get(c.params.tenantId ?? '') as Tenant;
    return json(200, publicTenant(t), { etag: `"${t.version}"` });
  },
  'PATCH /admin/tenants/{tenantId}': async (c) => {
    const denied = ownTenant(c, c.params.tenantId ?? '');
    if (denied) return denied;
    const t = c.db.tenants.get(c.params.tenantId ?? '') as Tenant;
    const parsed = tenantPatchSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    const pre = ifMatch(c.request, t.version);
    if (pre) return pre;
    const { branding, ...rest } = parsed.data;
    const next: Tenant = {
      ...t,
      ...rest,
      version: t.version + 1,
      updatedAt: new Date(c.db.now()).toISOString(),
    };
    if (branding === null) delete next.branding;
    else if (branding) next.branding = branding;
    c.db.tenants.set(t.tenantId, next);
    audit(c, `TENANT#${t.tenantId}`, 'tenant.update', `/admin/tenants/${t.tenantId}`, t, next);
    return json(200, publicTenant(next), { etag: `"${next.version}"` });
  },
  'GET /admin/tenants/{tenantId}/limits': (c) => {
    const denied = ownTenant(c, c.params.tenantId ?? '');
    if (denied) return denied;
    const v = limitsView(c, c.params.tenantId ?? '');
    return json(200, v, { etag: `"${v.version}"` });
  },
  'PUT /admin/tenants/{tenantId}/limits': async (c) => {
    const tenantId = c.params.tenantId ?? '';
    const denied = ownTenant(c, tenantId);
    if (denied) return denied;
    const parsed = limitsPutSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    const current = c.db.limits.get(tenantId) ?? { rules: [], version: 0 };
    const pre = ifMatch(c.request, current.version);
    if (pre) return pre;
    if (!c.isPlatform) {
      const tier = c.db.tiers.get((c.db.tenants.get(tenantId) as Tenant).tier);
      const errors = tenantAdminViolations(current.rules, parsed.data.rules, tier?.rules ?? []);
      if (errors.length) {
        return problem(403, 'Forbidden', {
          detail: 'Tenant-admins may only set per-user rules within the tenant’s own limits.',
          errors,
        });
      }
    }
    const next = {
      rules: parsed.data.rules,
      version: current.version + 1,
      updatedAt: new Date(c.db.now()).toISOString(),
    };
    c.db.limits.set(tenantId, next);
    audit(
      c,
      `TENANT#${tenantId}`,
      'limits.update',
      `/admin/tenants/${tenantId}/limits`,
      current.rules,
      next.rules,
    );
    const v = limitsView(c, tenantId);
    return json(200, v, { etag: `"${v.version}"` });
  },
  'GET /admin/tenants/{tenantId}/bypass': (c) => {
    const denied = ownTenant(c, c.params.tenantId ?? '');
    if (denied) return denied;
    const nowSec = c.db.now() / 1000;
    const items = (c.db.bypasses.get(c.params.tenantId ?? '') ?? []).filter((b) => b.expiresAt > nowSec);
    return json(200, { items });
  },
  'POST /admin/tenants/{tenantId}/bypass': async (c) => {
    const tenantId = c.params.tenantId ?? '';
    const denied = ownTenant(c, tenantId);
    if (denied) return denied;
    const parsed = bypassCreateSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    const list = c.db.bypasses.get(tenantId) ?? [];
    const expiresAt = Math.floor(c.db.now() / 1000) + parsed.data.ttlSec;
    const b = {
      bypassId: `bp${list.length + 1}`,
      ...(parsed.data.userId ? { userId: parsed.data.userId } : {}),
      reason: parsed.data.reason,
      createdBy: c.caller.userId,
      createdAt: new Date(c.db.now()).toISOString(),
      expiresAt,
      expiresAtIso: new Date(expiresAt * 1000).toISOString(),
    };
    c.db.bypasses.set(tenantId, [...list, b]);
    audit(c, `TENANT#${tenantId}`, 'bypass.create', `/admin/tenants/${tenantId}/bypass`, null, b);
    return json(201, b, { location: `/admin/tenants/${tenantId}/bypass/${b.bypassId}` });
  },
  'DELETE /admin/tenants/{tenantId}/bypass/{bypassId}': (c) => {
    const tenantId = c.params.tenantId ?? '';
    const denied = ownTenant(c, tenantId);
    if (denied) return denied;
    const list = c.db.bypasses.get(tenantId) ?? [];
    const b = list.find((x) => x.bypassId === c.params.bypassId);
    if (!b) return problem(404, 'Not Found', { detail: 'No such bypass.' });
    c.db.bypasses.set(
      tenantId,
      list.filter((x) => x !== b),
    );
    audit(
      c,
      `TENANT#${tenantId}`,
      'bypass.delete',
      `/admin/tenants/${tenantId}/bypass/${b.bypassId}`,
      b,
      null,
    );
    return { statusCode: 204, headers: {}, body: '' };
  },
  'GET /admin/tenants/{tenantId}/usage': (c) => {
    const tenantId = c.params.tenantId ?? '';
    const denied = ownTenant(c, tenantId);
    if (denied) return denied;
    const userId = c.url.searchParams.get('userId') ?? undefined;
    const t = c.db.tenants.get(tenantId) as Tenant;
    const rules =
      c.db.usage.get(userId ? `${tenantId}/${userId}` : tenantId) ?? c.db.usage.get(tenantId) ?? [];
    return json(200, { tenantId, tier: t.tier, ...(userId ? { userId } : {}), rules });
  },
  'GET /admin/audit': (c) => {
    const tenantId = c.url.searchParams.get('tenantId') ?? undefined;
    if (tenantId && !c.isPlatform && tenantId !== c.caller.tenantId) {
      return problem(403, 'Forbidden', { detail: 'Another tenant.' });
    }
    const pk = tenantId ? `TENANT#${tenantId}` : c.isPlatform ? 'PLATFORM' : `TENANT#${c.caller.tenantId}`;
    const since = c.url.searchParams.get('since');
    const limit = Number(c.url.searchParams.get('limit') ?? 25);
    const all = c.db.audit.filter((e) => e.pk === pk && (!since || e.at >= since));
    const start = Number(c.url.searchParams.get('nextToken') ?? 0);
    const items = all.slice(start, start + limit);
    return json(200, { items, ...(start + limit < all.length ? { nextToken: String(start + limit) } : {}) });
  },
  'GET /admin/security': (c) => {
    const q = securityQuerySchema.safeParse(Object.fromEntries(c.url.searchParams));
    if (!q.success) return badRequest(fieldErrors(q.error.issues, 'query'));
    const { blocks, clamps, events } = c.db.security;
    return json(200, securityOverview(blocks, clamps, events.slice(0, q.data.events), c.db.now()));
  },
  'POST /admin/security/unblock': async (c) => {
    const parsed = unblockSchema.safeParse(await body(c.request));
    if (!parsed.success) return badRequest(fieldErrors(parsed.error.issues));
    const cidr = canonicalCidr(parsed.data.cidr)?.cidr ?? parsed.data.cidr;
    const block = liveBlocks(c.db.security.blocks, c.db.now()).find((b) => b.cidr === cidr);
    if (!block) return problem(404, 'Not Found', { detail: `No active block for "${cidr}".` });
    audit(c, 'PLATFORM', 'security.unblock', '/admin/security/unblock', block, {
      lifted: true,
      reason: parsed.data.reason,
    });
    c.db.security.blocks = c.db.security.blocks.filter((b) => b.cidr !== cidr);
    return json(202, { status: 'requested', cidr, requestId: `mock-${c.db.audit.length}` });
  },
  'DELETE /admin/security/clamps/{tenantId}': (c) => {
    const p = tenantParamSchema.safeParse(c.params);
    if (!p.success) return badRequest(fieldErrors(p.error.issues, 'path'));
    const tenantId = p.data.tenantId;
    const clamp = liveClamps(c.db.security.clamps, c.db.now()).find((x) => x.tenantId === tenantId);
    if (!clamp) return problem(404, 'Not Found', { detail: `Tenant "${tenantId}" has no active clamp.` });
    audit(c, `TENANT#${tenantId}`, 'security.clamp.lift', `/admin/security/clamps/${tenantId}`, clamp, null);
    c.db.security.clamps = c.db.security.clamps.filter((x) => x.tenantId !== tenantId);
    return json(202, { status: 'requested', tenantId, requestId: `mock-${c.db.audit.length}` });
  },
  'GET /admin/analytics/{query}': (c) =>
    analyticsQuery(
      c.db.analytics ?? sampleAnalytics([...c.db.tenants.values()], c.db.now()),
      c.caller,
      c.params,
      c.url,
      c.db.now(),
    ),
  'GET /admin/analytics/export': (c) => analyticsExport(c.caller, c.url, c.db.now()),
};

/** Route keys the mock implements (a test checks this is every route of the table). */
export const MOCK_ROUTE_KEYS: readonly string[] = Object.keys(IMPL);

function mswPath(route: Route): string {
  return `${TEST_API_URL}${route.path.replace(/\{(\w+)\+\}/g, '*').replace(/\{(\w+)\}/g, ':$1')}`;
}

function callerOf(request: Request): Caller | undefined {
  const [kind, tenantId, userId, roles] = (request.headers.get('authorization') ?? '')
    .replace(/^Bearer /, '')
    .split('|');
  if (kind !== 'test' || !tenantId || !userId) return undefined;
  return { tenantId, userId, roles: (roles ?? '').split(',').filter(isRole) };
}

/**
 * MSW handlers for every route of the route table (`lib/config/routes.ts`), over a {@link MockDb}: 401 without a test
 * token, 403 when the caller lacks the route's roles (as the authorizer's policy denies), then the implementation.
 * Bodies and queries are validated with the Lambdas' own zod schemas and errors built with their problem helpers.
 */
export function createHandlers(getDb: () => MockDb) {
  return [...routeHandlers(getDb), operationsHandler(getDb)];
}

/**
 * The local stack's `GET /_local/operations` (not a route of the table: the Operations page's data source where the
 * console has an `operationsPath`): `db.operations`, else a sample built by the stack's own summarizer; 400 with the
 * field path for a bad `minutes`, as the stack answers.
 */
function operationsHandler(getDb: () => MockDb) {
  return http.get(`${TEST_API_URL}${LOCAL_OPERATIONS_PATH}`, ({ request }) => {
    const db = getDb();
    const minutes = new URL(request.url).searchParams.get('minutes') ?? '15';
    if (!/^\d+$/.test(minutes) || Number(minutes) < 1 || Number(minutes) > 60) {
      return toResponse(badRequest([{ path: 'query.minutes', message: 'must be an integer from 1 to 60' }]));
    }
    const forced = db.failNext.findIndex((f) => f.method === 'GET' && f.path === LOCAL_OPERATIONS_PATH);
    const [f] = forced >= 0 ? db.failNext.splice(forced, 1) : [];
    if (f) return toResponse(json(f.status, f.body ?? {}, f.headers));
    return HttpResponse.json({ ...(db.operations ?? sampleOperations(db.now())), minutes: Number(minutes) });
  });
}

function routeHandlers(getDb: () => MockDb) {
  return ROUTES.map((route) => {
    const method =
      route.method === 'ANY'
        ? 'all'
        : (route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete');
    return http[method](mswPath(route), async ({ request, params }) => {
      const db = getDb();
      const url = new URL(request.url);
      const forced = db.failNext.findIndex(
        (f) =>
          f.method === request.method &&
          (typeof f.path === 'string' ? f.path === url.pathname : f.path.test(url.pathname)),
      );
      if (forced >= 0) {
        const [f] = db.failNext.splice(forced, 1);
        if (f) {
          return new HttpResponse(f.body === undefined ? null : JSON.stringify(f.body), {
            status: f.status,
            headers: { 'content-type': 'application/problem+json', ...f.headers },
          });
        }
      }
      let caller: Caller | undefined;
      if (route.auth) {
        caller = callerOf(request);
        // The gateway's own answers, rendered by the same code as the local gateway (lib/config/gateway.ts).
        const at = { path: url.pathname, requestId: 'mock-request' };
        if (!caller) return gatewayResponse(gatewayError('UNAUTHORIZED', 'Unauthorized', at));
        if (!caller.roles.some((r) => route.roles.includes(r))) {
          return gatewayResponse(
            gatewayError('ACCESS_DENIED', 'User is not authorized to access this resource', at),
          );
        }
      }
      const impl = IMPL[routeKey(route)];
      if (!impl) return HttpResponse.json({ message: 'not mocked' }, { status: 501 });
      const result = await impl({
        db,
        caller: caller ?? { tenantId: '', userId: '', roles: [] },
        params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
        url,
        request,
        isPlatform: caller?.roles.includes('platform-admin') ?? false,
      });
      return toResponse(result);
    });
  });
}
