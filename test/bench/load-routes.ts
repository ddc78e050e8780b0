/**
 * The per-route plan of `npm run load` (docs/load-testing.md, "Per-route baselines"): for every route of the route
 * table (`lib/config/routes.ts`), one valid request a tenant or an admin would send — method, concrete path with the
 * ids of a resource provisioned for the run, body, and the token of the least privileged role the route allows — or
 * the reason the route cannot be measured. Mutating routes stay repeatable: creates feed a pool of ids that the
 * matching deletes consume (and leftovers are deleted afterwards), versioned writes (`PUT`/`PATCH` with `If-Match`)
 * re-save the current content, chaining each response's `ETag` into the next request over one connection.
 */
import { randomUUID } from 'node:crypto';
import { type Route, routeKey } from '../../lib/config/routes';

/** A JSON response of the stack as the plan's set-up calls see it. */
export interface ApiResponse {
  status: number;
  etag: string | null;
  json: Record<string, unknown>;
}

/** What the plan needs from the run. */
export interface LoadContext {
  /** Dedicated tenant of the run (enterprise, limits raised), e.g. `load-test`. */
  readonly tenant: string;
  /** `true` when the run started its own stack (in-memory state, discarded when it stops). */
  readonly ownStack: boolean;
  /** Bearer token per role: `user` / `tenant-admin` of {@link tenant}, `platform-admin` of the operator tenant. */
  readonly tokens: Readonly<Record<'user' | 'tenant-admin' | 'platform-admin', string>>;
  /** One JSON call to the stack with the token of `role`. */
  api(
    role: PlanRole,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
}

/** Roles the plan sends requests as. */
export type PlanRole = 'user' | 'tenant-admin' | 'platform-admin';

/** One measured request shape for a route. */
export interface RoutePlan {
  /** Whose token the requests carry. */
  readonly role: PlanRole;
  readonly method: string;
  /** Concrete path with query, e.g. `/v1/reports/r_123`. Ignored per request when {@link pool} is set. */
  readonly path: string;
  /** A fixed body, or a function giving a fresh body per request (unique ids). */
  readonly body?: unknown | (() => unknown);
  /** Versioned write: sends `If-Match` with the `ETag` of the previous response (one connection). */
  readonly ifMatch?: { readonly initialEtag: string };
  /** Consumes one id per request from this pool, building the path with `pathFor` (create-then-delete routes). */
  readonly pool?: {
    readonly ids: string[];
    readonly pathFor: (id: string) => string;
    /** Ids whose request failed (the resource is still there): deleted by the clean-up. */
    readonly leftovers: string[];
  };
  /** Called with every 2xx JSON body (collects ids of created resources). */
  readonly onCreated?: (json: Record<string, unknown>) => void;
  /** Requests per second for this route instead of the run's default (slow routes), and connections. */
  readonly ratePerSec?: number;
  readonly connections?: number;
  /** Why this route's rate differs from the default, for the output. */
  readonly note?: string;
}

/** A route that is not measured, and why. */
export interface RouteSkip {
  readonly skip: string;
}

/** Ids created by the run (deleted in {@link cleanUp}). */
interface Created {
  reports: string[];
  bypasses: string[];
}

const BYPASS_USER = 'load-bypass-probe';

function expectOk(what: string, r: ApiResponse, ok: number[]): ApiResponse {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/**
 * The plan: per route key (`METHOD /path`), a function that provisions what the route needs and returns its
 * {@link RoutePlan}, or a {@link RouteSkip}. Keys must cover the route table (checked by {@link planFor}).
 * `count` is the number of requests the phase will send (pools are topped up to it).
 */
export function routePlans(ctx: LoadContext): {
  plans: Record<string, (count: number) => Promise<RoutePlan | RouteSkip>>;
  cleanUp: () => Promise<void>;
} {
  const t = ctx.tenant;
  const created: Created = { reports: [], bypasses: [] };
  const newReport = () => ({ title: 'Load test report', body: 'Measured by npm run load.', tags: ['load'] });
  const newBypass = () => ({ userId: BYPASS_USER, reason: 'npm run load (create then delete)', ttlSec: 300 });
  async function topUp(pool: string[], count: number, create: () => Promise<string>): Promise<void> {
    while (pool.length < count) {
      const batch = Math.min(10, count - pool.length);
      pool.push(...(await Promise.all(Array.from({ length: batch }, create))));
    }
  }
  const createReport = async () =>
    String(
      expectOk('create report', await ctx.api('user', 'POST', '/v1/reports', newReport()), [201]).json
        .reportId,
    );
  const createBypass = async () =>
    String(
      expectOk(
        'create bypass',
        await ctx.api('platform-admin', 'POST', `/admin/tenants/${t}/bypass`, newBypass()),
        [201],
      ).json.bypassId,
    );
  const etagOf = async (role: PlanRole, path: string) =>
    expectOk(`GET ${path}`, await ctx.api(role, 'GET', path), [200]).etag ?? '*';
  const fixed =
    (role: PlanRole, method: string, path: string, extra: Partial<RoutePlan> = {}) =>
    async (): Promise<RoutePlan> => ({ role, method, path, ...extra });
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const slow = {
    ratePerSec: 2,
    connections: 1,
    note: 'analytics: one embedded DuckDB engine answers queries one at a time',
  };

  const plans: Record<string, (count: number) => Promise<RoutePlan | RouteSkip>> = {
    'GET /health': async () => ({ role: 'user', method: 'GET', path: '/health' }),
    'GET /health/deep': fixed('platform-admin', 'GET', '/health/deep'),
    'GET /v1/me': fixed('user', 'GET', '/v1/me'),
    'GET /v1/reports': async () => {
      await topUp(created.reports, 20, createReport);
      return { role: 'user', method: 'GET', path: '/v1/reports?limit=20' };
    },
    'POST /v1/reports': async () => ({
      role: 'user',
      method: 'POST',
      path: '/v1/reports',
      body: newReport,
      onCreated: (json) => created.reports.push(String(json.reportId)),
    }),
    'GET /v1/reports/{reportId}': async () => {
      await topUp(created.reports, 1, createReport);
      return { role: 'user', method: 'GET', path: `/v1/reports/${created.reports[0]}` };
    },
    'DELETE /v1/reports/{reportId}': async (count) => {
      await topUp(created.reports, count, createReport);
      return {
        role: 'tenant-admin',
        method: 'DELETE',
        path: '/v1/reports/{reportId}',
        pool: {
          ids: created.reports,
          pathFor: (id) => `/v1/reports/${encodeURIComponent(id)}`,
          leftovers: created.reports,
        },
      };
    },
    'POST /v1/events': async () => ({
      role: 'user',
      method: 'POST',
      path: '/v1/events',
      body: () => ({
        events: [
          {
            event_id: randomUUID(),
            name: 'page_view',
            ts: new Date().toISOString(),
            props: { page: '/reports' },
          },
        ],
      }),
    }),
    'ANY /v1/market/{proxy+}': fixed('user', 'GET', '/v1/market/quotes?symbol=LOAD'),
    'GET /admin/tiers': fixed('platform-admin', 'GET', '/admin/tiers'),
    'GET /admin/tiers/{tier}': fixed('platform-admin', 'GET', '/admin/tiers/free'),
    'PUT /admin/tiers/{tier}': async () => {
      // Re-saves the free tier's current rules and usage plan (content unchanged, version + 1 per request).
      const cur = expectOk(
        'GET free tier',
        await ctx.api('platform-admin', 'GET', '/admin/tiers/free'),
        [200],
      );
      return {
        role: 'platform-admin',
        method: 'PUT',
        path: '/admin/tiers/free',
        body: { rules: cur.json.rules, usagePlan: cur.json.usagePlan },
        ifMatch: { initialEtag: cur.etag ?? '*' },
      };
    },
    'GET /admin/tenants': fixed('platform-admin', 'GET', '/admin/tenants?limit=20'),
    'POST /admin/tenants': async () =>
      ctx.ownStack
        ? {
            role: 'platform-admin',
            method: 'POST',
            path: '/admin/tenants',
            body: () => ({
              tenantId: `load-new-${randomUUID().slice(0, 13)}`,
              name: 'Load test (created)',
              tier: 'free',
              vertical: 'finance',
            }),
            note: 'each request creates a tenant (no DELETE route): measured only on a stack the run started',
          }
        : {
            skip:
              'each request creates a tenant and its API key and the API has no DELETE /admin/tenants: measured only ' +
              'on a stack the run starts itself (in-memory, discarded at the end) — run without PORT',
          },
    'GET /admin/tenants/{tenantId}': fixed('tenant-admin', 'GET', `/admin/tenants/${t}`),
    'PATCH /admin/tenants/{tenantId}': async () => {
      const cur = expectOk(
        'GET tenant',
        await ctx.api('platform-admin', 'GET', `/admin/tenants/${t}`),
        [200],
      );
      return {
        role: 'platform-admin',
        method: 'PATCH',
        path: `/admin/tenants/${t}`,
        body: { name: cur.json.name },
        ifMatch: { initialEtag: cur.etag ?? '*' },
      };
    },
    'GET /admin/tenants/{tenantId}/limits': fixed('tenant-admin', 'GET', `/admin/tenants/${t}/limits`),
    'PUT /admin/tenants/{tenantId}/limits': async () => {
      // Re-saves the run's own overrides (the raised limits), content unchanged.
      const cur = expectOk(
        'GET limits',
        await ctx.api('platform-admin', 'GET', `/admin/tenants/${t}/limits`),
        [200],
      );
      return {
        role: 'platform-admin',
        method: 'PUT',
        path: `/admin/tenants/${t}/limits`,
        body: { rules: cur.json.overrides },
        ifMatch: { initialEtag: cur.etag ?? (await etagOf('platform-admin', `/admin/tenants/${t}/limits`)) },
        note: 'platform-admin: a tenant-admin may only add per-user rules',
      };
    },
    'GET /admin/tenants/{tenantId}/bypass': fixed('tenant-admin', 'GET', `/admin/tenants/${t}/bypass`),
    'POST /admin/tenants/{tenantId}/bypass': async () => ({
      role: 'platform-admin',
      method: 'POST',
      path: `/admin/tenants/${t}/bypass`,
      body: newBypass,
      onCreated: (json) => created.bypasses.push(String(json.bypassId)),
      note: `bypasses for user ${BYPASS_USER}, who sends nothing; deleted by the next route`,
    }),
    'DELETE /admin/tenants/{tenantId}/bypass/{bypassId}': async (count) => {
      await topUp(created.bypasses, count, createBypass);
      return {
        role: 'platform-admin',
        method: 'DELETE',
        path: `/admin/tenants/${t}/bypass/{bypassId}`,
        pool: {
          ids: created.bypasses,
          pathFor: (id) => `/admin/tenants/${t}/bypass/${encodeURIComponent(id)}`,
          leftovers: created.bypasses,
        },
      };
    },
    'GET /admin/tenants/{tenantId}/usage': fixed(
      'tenant-admin',
      'GET',
      `/admin/tenants/${t}/usage?userId=load-0`,
    ),
    'GET /admin/audit': fixed('tenant-admin', 'GET', `/admin/audit?tenantId=${t}&limit=20`),
    'GET /admin/security': fixed('platform-admin', 'GET', '/admin/security'),
    'POST /admin/security/unblock': async () => ({
      skip:
        'lifts an active IP block (404 otherwise), one per request; blocks come only from the security responder ' +
        '(WAF IP sets in AWS) and the local stack never blocks loopback, so no block can be provisioned per request',
    }),
    'DELETE /admin/security/clamps/{tenantId}': async () => ({
      skip:
        'lifts an active tenant clamp (404 otherwise), one per request; clamps come only from the security ' +
        "responder's anomaly detection, so no clamp can be provisioned per request",
    }),
    'GET /admin/analytics/export': fixed(
      'tenant-admin',
      'GET',
      `/admin/analytics/export?tenantId=${t}&from=${monthAgo}&to=${today}&format=csv`,
      slow,
    ),
    'GET /admin/analytics/{query}': fixed(
      'tenant-admin',
      'GET',
      `/admin/analytics/events_per_day?tenantId=${t}&from=${monthAgo}&to=${today}`,
      slow,
    ),
  };

  async function cleanUp(): Promise<void> {
    for (const id of created.reports.splice(0)) {
      await ctx.api('tenant-admin', 'DELETE', `/v1/reports/${encodeURIComponent(id)}`);
    }
    for (const id of created.bypasses.splice(0)) {
      await ctx.api('platform-admin', 'DELETE', `/admin/tenants/${t}/bypass/${encodeURIComponent(id)}`);
    }
  }
  return { plans, cleanUp };
}

/** The plan function of `route`; throws when the plan does not know it (a new route: add it to the plan). */
export function planFor(
  plans: Record<string, (count: number) => Promise<RoutePlan | RouteSkip>>,
  route: Route,
): (count: number) => Promise<RoutePlan | RouteSkip> {
  const p = plans[routeKey(route)];
  if (!p) {
    return async () => ({
      skip: `no request plan for ${routeKey(route)} in test/bench/load-routes.ts yet`,
    });
  }
  return p;
}
