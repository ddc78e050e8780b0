import type { Role } from './roles';

/** HTTP methods a route may declare (`ANY` matches every method, as in API Gateway). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Limit classes group routes for endpoint rules (`match.limitClass`): writes are stricter than reads.
 * `none` routes are not rate limited (health checks).
 */
export const LIMIT_CLASSES = ['read', 'write', 'admin', 'none'] as const;
export type LimitClass = (typeof LIMIT_CLASSES)[number];

/** Lambda integrations, one per handler directory under `lambdas/`. */
export const LAMBDA_TARGETS = ['health', 'reports', 'admin'] as const;
export type LambdaTarget = (typeof LAMBDA_TARGETS)[number];

/** HTTP backends (base URLs per stage in the stage config), reached through the edge proxy Lambda. */
export const HTTP_TARGETS = ['marketData'] as const;
export type HttpTarget = (typeof HTTP_TARGETS)[number];

/** Where a route's requests go. */
export type Backend =
  | { kind: 'lambda'; target: LambdaTarget }
  | { kind: 'http'; target: HttpTarget /** Upstream timeout, ms. */; timeoutMs: number };

/** One API route (the single source for CDK resources, the local gateway, the authorizer and dashboards). */
export interface Route {
  method: HttpMethod;
  /** API Gateway resource path template, e.g. `/v1/reports/{reportId}` or `/v1/market/{proxy+}`. */
  path: string;
  backend: Backend;
  /** `false` = public (no authorizer, no API key). */
  auth: boolean;
  /** Roles allowed to call it (any one suffices). Empty for public routes. */
  roles: readonly Role[];
  limitClass: LimitClass;
  /** What the limiter does when Redis is unavailable: `open` = in-memory fallback, `closed` = 503. */
  failMode: 'open' | 'closed';
  /** One line for docs and dashboards. */
  summary: string;
}

const ALL: readonly Role[] = ['platform-admin', 'tenant-admin', 'user', 'service'];
const ADMINS: readonly Role[] = ['platform-admin', 'tenant-admin'];
const PLATFORM: readonly Role[] = ['platform-admin'];
const reports = { kind: 'lambda', target: 'reports' } as const;
const admin = { kind: 'lambda', target: 'admin' } as const;

/** The route table. */
export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/health',
    backend: { kind: 'lambda', target: 'health' },
    auth: false,
    roles: [],
    limitClass: 'none',
    failMode: 'open',
    summary: 'Liveness',
  },
  {
    method: 'GET',
    path: '/health/deep',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Dependency health (DynamoDB, Redis, ElastiCache) with latency',
  },

  {
    method: 'GET',
    path: '/v1/me',
    backend: reports,
    auth: true,
    roles: ALL,
    limitClass: 'read',
    failMode: 'open',
    summary: 'Caller tenant context',
  },
  {
    method: 'GET',
    path: '/v1/reports',
    backend: reports,
    auth: true,
    roles: ALL,
    limitClass: 'read',
    failMode: 'open',
    summary: 'List reports',
  },
  {
    method: 'POST',
    path: '/v1/reports',
    backend: reports,
    auth: true,
    roles: ALL,
    limitClass: 'write',
    failMode: 'closed',
    summary: 'Create report',
  },
  {
    method: 'GET',
    path: '/v1/reports/{reportId}',
    backend: reports,
    auth: true,
    roles: ALL,
    limitClass: 'read',
    failMode: 'open',
    summary: 'Get report',
  },
  {
    method: 'DELETE',
    path: '/v1/reports/{reportId}',
    backend: reports,
    auth: true,
    roles: ADMINS,
    limitClass: 'write',
    failMode: 'closed',
    summary: 'Delete report',
  },

  {
    method: 'POST',
    path: '/v1/events',
    backend: reports,
    auth: true,
    roles: ALL,
    limitClass: 'read',
    failMode: 'open',
    summary: 'Product analytics events from the console (202; 204 when analytics is off)',
  },

  {
    method: 'ANY',
    path: '/v1/market/{proxy+}',
    backend: { kind: 'http', target: 'marketData', timeoutMs: 5000 },
    auth: true,
    roles: ALL,
    limitClass: 'read',
    failMode: 'open',
    summary: 'Market data service (HTTP backend via edge proxy)',
  },

  {
    method: 'GET',
    path: '/admin/tiers',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'List tiers',
  },
  {
    method: 'GET',
    path: '/admin/tiers/{tier}',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Get tier',
  },
  {
    method: 'PUT',
    path: '/admin/tiers/{tier}',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Update tier policy',
  },
  {
    method: 'GET',
    path: '/admin/tenants',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'List tenants',
  },
  {
    method: 'POST',
    path: '/admin/tenants',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Create tenant',
  },
  {
    method: 'GET',
    path: '/admin/tenants/{tenantId}',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Get tenant',
  },
  {
    method: 'PATCH',
    path: '/admin/tenants/{tenantId}',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Update tenant (tier, status, branding)',
  },
  {
    method: 'GET',
    path: '/admin/tenants/{tenantId}/limits',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Tenant limit overrides and effective policy',
  },
  {
    method: 'PUT',
    path: '/admin/tenants/{tenantId}/limits',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Replace tenant limit overrides',
  },
  {
    method: 'GET',
    path: '/admin/tenants/{tenantId}/bypass',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'List emergency bypasses',
  },
  {
    method: 'POST',
    path: '/admin/tenants/{tenantId}/bypass',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Create emergency bypass',
  },
  {
    method: 'DELETE',
    path: '/admin/tenants/{tenantId}/bypass/{bypassId}',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Remove emergency bypass',
  },
  {
    method: 'GET',
    path: '/admin/tenants/{tenantId}/usage',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Current usage per rule',
  },
  {
    method: 'GET',
    path: '/admin/audit',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Audit log',
  },
  {
    method: 'GET',
    path: '/admin/security',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Security: active IP blocks and tenant clamps, recent security events and their figures',
  },
  {
    method: 'POST',
    path: '/admin/security/unblock',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Lift an IP block early (202; the security responder acts)',
  },
  {
    method: 'DELETE',
    path: '/admin/security/clamps/{tenantId}',
    backend: admin,
    auth: true,
    roles: PLATFORM,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Lift a tenant clamp early (202; the security responder acts)',
  },
  {
    method: 'GET',
    path: '/admin/analytics/export',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary: 'Export raw analytics events (csv or parquet download links; tenant admins: own tenant)',
  },
  {
    method: 'GET',
    path: '/admin/analytics/{query}',
    backend: admin,
    auth: true,
    roles: ADMINS,
    limitClass: 'admin',
    failMode: 'open',
    summary:
      'Run a standard analytics query (tenant admins: own tenant; platform admins: all or by vertical)',
  },
];

/** `"METHOD /path"` key of a route, the form used by `match.route` in limit rules. */
export function routeKey(route: { readonly method: string; readonly path: string }): string {
  return `${route.method} ${route.path}`;
}

/** Finds a route by method and resource path template (as in API Gateway's `event.resource`). */
export function findRoute(method: string, resourcePath: string): Route | undefined {
  return ROUTES.find((r) => r.path === resourcePath && (r.method === method || r.method === 'ANY'));
}

/**
 * Matches a concrete request path (e.g. `/v1/reports/abc`) against the route table, the way API Gateway does:
 * literal segments first, then `{param}`, then a greedy `{proxy+}`.
 * @returns `route` and its decoded `pathParameters` on a match; `route` undefined otherwise, with
 * `pathExists: true` when the path matches a route of another method (answer 405) and `false` for 404.
 */
export function matchRoute(
  method: string,
  path: string,
): { route?: Route; pathParameters: Record<string, string>; pathExists: boolean } {
  const segs = path.split('/').filter(Boolean);
  let pathExists = false;
  const candidates = ROUTES.map((route) => ({ route, params: matchTemplate(route.path, segs) }))
    .filter(
      (c): c is { route: Route; params: { p: Record<string, string>; score: number } } => c.params !== null,
    )
    .sort((a, b) => b.params.score - a.params.score);
  for (const c of candidates) {
    pathExists = true;
    if (c.route.method === method || c.route.method === 'ANY') {
      return { route: c.route, pathParameters: c.params.p, pathExists };
    }
  }
  return { pathParameters: {}, pathExists };
}

function matchTemplate(
  template: string,
  segs: string[],
): { p: Record<string, string>; score: number } | null {
  const t = template.split('/').filter(Boolean);
  const p: Record<string, string> = {};
  let score = 0;
  for (let i = 0; i < t.length; i++) {
    const part = t[i]!;
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy) {
      if (segs.length <= i) return null;
      p[greedy[1]!] = segs.slice(i).map(safeDecode).join('/');
      return { p, score: score * 10 };
    }
    const seg = segs[i];
    if (seg === undefined) return null;
    const param = /^\{(\w+)\}$/.exec(part);
    if (param) {
      p[param[1]!] = safeDecode(seg);
      score = score * 10 + 1;
    } else if (part === seg) {
      score = score * 10 + 2;
    } else {
      return null;
    }
  }
  return t.length === segs.length ? { p, score: score * 10 + 1 } : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
