import { METRIC } from '../../lib/config/metrics';
import { ROUTES, type Route, routeKey } from '../../lib/config/routes';
import { jsonBody } from '../shared/http/body';
import { createHttpHandler } from '../shared/http/handler';
import { allowedMethods as methodsAt } from '../shared/http/route';
import type { HttpRequest, ProxyHandler, ProxyResult } from '../shared/http/types';
import {
  buildSecurityEvent,
  type SecurityEventInput,
  securityEventAttributes,
} from '../shared/security/event';
import { AccessDenied, authorize } from './access';
import { auditEntry } from './audit';
import type { AdminDeps, AdminRequest, Operation } from './context';
import { OPERATIONS } from './operations';

/** `true` for the admin routes of the route table (backend `lambda` / `admin`). */
export function isAdminRoute(r: Route): boolean {
  return r.backend.kind === 'lambda' && r.backend.target === 'admin';
}

/** The admin routes of the route table (backend `lambda` / `admin`). */
export const ADMIN_ROUTES: readonly Route[] = ROUTES.filter(isAdminRoute);

/**
 * Checks that every admin route has an operation and every operation a route.
 * @throws {Error} naming the mismatches (a programming error, caught by the unit tests)
 */
export function assertOperationsMatchRoutes(operations: Readonly<Record<string, Operation>>): void {
  const keys = new Set(ADMIN_ROUTES.map(routeKey));
  const missing = [...keys].filter((k) => !operations[k]);
  const extra = Object.keys(operations).filter((k) => !keys.has(k));
  if (missing.length || extra.length) {
    throw new Error(
      `admin operations/routes mismatch: missing ${missing.join(', ')}; extra ${extra.join(', ')}`,
    );
  }
}

/** The methods the admin API serves on a concrete path (for 405 `Allow`). */
export function allowedMethods(path: string): string[] {
  return methodsAt(path, isAdminRoute);
}

/**
 * Target tenant of a request for access control: path `{tenantId}`, or the `tenantId` query parameter of the audit
 * and analytics routes (analytics confine again when resolving the scope: `lambdas/shared/analytics/scope.ts`).
 */
function targetTenant(
  params: Record<string, string>,
  query: Record<string, string>,
  route: Route,
): string | undefined {
  if (params.tenantId !== undefined) return params.tenantId;
  if (route.path === '/admin/audit' || route.path.startsWith('/admin/analytics/')) return query.tenantId;
  return undefined;
}

/** Defined values of a REST proxy event's single-value map (path or query parameters). */
function definedValues(m: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Builds the admin API on the shared handler wrapper (`lambdas/shared/http/handler.ts`): the route is resolved once
 * from the route table, and each admin route runs authorization (route roles, tenant confinement), then its
 * operation (`operations/index.ts`, keyed by route key). Responses:
 * - errors are RFC 9457 problems (`application/problem+json`) with the request id;
 * - unknown route → 404; known path with another method → 405 with `Allow`;
 * - refusals (401/403) are logged as `AdminAccessDenied` security events and counted (`AdminAccessDenied`); every
 *   successful change (a non-GET answered below 400) as an `AdminChange` security event naming its audit actions;
 * - unexpected errors → 500 without internals.
 * @param deps adapters (repository, API-key port, limiter, probes, clock, logger, metrics, rate-limit step)
 * @returns a REST proxy (v1) handler
 */
export function createAdminApi(deps: AdminDeps): ProxyHandler {
  assertOperationsMatchRoutes(OPERATIONS);
  const endpoints = Object.fromEntries(
    Object.entries(OPERATIONS).map(([key, op]) => [key, (req: HttpRequest) => runOperation(deps, op, req)]),
  );
  return createHttpHandler({
    obs: deps,
    serves: isAdminRoute,
    endpoints,
    ...(deps.rateLimit ? { rateLimit: deps.rateLimit } : {}),
  });
}

async function runOperation(deps: AdminDeps, operation: Operation, http: HttpRequest): Promise<ProxyResult> {
  const { event, route, routeKey: key, requestId, tenant: actor } = http;
  const params = definedValues(event.pathParameters);
  const query = definedValues(event.queryStringParameters);
  const security = (input: SecurityEventInput) =>
    securityEventAttributes(
      buildSecurityEvent({
        tenantId: actor?.tenantId,
        principal: actor?.userId,
        principalType: actor?.principalType ?? 'unknown',
        sourceIp: event.requestContext.identity?.sourceIp ?? undefined,
        userAgent: event.requestContext.identity?.userAgent ?? undefined,
        route: key,
        requestId,
        ...input,
      }),
    );
  try {
    authorize(actor, route, targetTenant(params, query, route));
    let parsedBody: { value: unknown } | undefined;
    const now = deps.now();
    const actions: string[] = [];
    const req: AdminRequest = {
      event,
      route,
      routeKey: key,
      params,
      query,
      actor,
      isPlatformAdmin: actor.roles.includes('platform-admin'),
      requestId,
      now,
      deps,
      body() {
        parsedBody ??= { value: jsonBody(event) };
        return parsedBody.value;
      },
      audit: (a) => {
        actions.push(a.action);
        return auditEntry({ ...a, actor, route: key, resource: event.path, requestId, now });
      },
    };
    const res = await operation(req);
    if (route.method !== 'GET') {
      const changed = res.statusCode < 400;
      deps.logger.info('admin change', {
        route: key,
        status: res.statusCode,
        resource: event.path,
        ...(changed
          ? security({
              type: 'AdminChange',
              outcome: 'changed',
              reason: [...new Set(actions)].join(',') || 'no_change',
              details: { status: res.statusCode, resource: event.path, targetTenantId: params.tenantId },
            })
          : {}),
      });
    }
    return res;
  } catch (err) {
    if (!(err instanceof AccessDenied)) throw err;
    deps.logger.warn('admin request refused', {
      reason: err.reason,
      route: key,
      resource: event.path,
      status: err.response.status,
      actorTenantId: actor?.tenantId,
      actorUserId: actor?.userId,
      actorRoles: actor?.roles,
      targetTenantId: err.targetTenantId,
      ...security({
        type: 'AdminAccessDenied',
        outcome: err.response.status === 401 ? 'unauthorized' : 'forbidden',
        reason: err.reason,
        details: { targetTenantId: err.targetTenantId, resource: event.path },
      }),
    });
    deps.metrics.addMetric(METRIC.AdminAccessDenied, 'Count', 1);
    throw err.response;
  }
}
