import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { HTTP_METHODS, matchRoute, ROUTES, type Route, routeKey } from '../../lib/config/routes';
import { problem } from '../shared/http/problem';
import { tenantContextFromEvent } from '../shared/tenant-context';
import { AccessDenied, authorize } from './access';
import { auditEntry } from './audit';
import type { AdminDeps, AdminRequest, Operation } from './context';
import { ApiError } from './errors';
import { jsonBody } from './http';
import { OPERATIONS } from './operations';

/** The admin routes of the route table (backend `lambda` / `admin`). */
export const ADMIN_ROUTES: readonly Route[] = ROUTES.filter(
  (r) => r.backend.kind === 'lambda' && r.backend.target === 'admin',
);

/** `/admin/tenants/{tenantId}` → `/admin/tenants/:tenantId` (Powertools path syntax). */
function toRouterPath(path: string): `/${string}` {
  return path.replace(/\{(\w+)\}/g, ':$1') as `/${string}`;
}

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

function toResponse(r: APIGatewayProxyResult): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(r.headers ?? {})) headers.set(k, String(v));
  const empty = r.statusCode === 204 || r.statusCode === 304;
  return new Response(empty ? null : r.body, { status: r.statusCode, headers });
}

/** The methods the admin API serves on a concrete path (for 405 `Allow`). */
export function allowedMethods(path: string): string[] {
  return HTTP_METHODS.filter((m) => {
    const r = matchRoute(m, path).route;
    return m !== 'ANY' && r !== undefined && ADMIN_ROUTES.includes(r);
  });
}

/** Target tenant of a request for access control: path `{tenantId}`, or the audit query's `tenantId`. */
function targetTenant(
  params: Record<string, string>,
  query: Record<string, string>,
  route: Route,
): string | undefined {
  if (params.tenantId !== undefined) return params.tenantId;
  if (route.path === '/admin/audit') return query.tenantId;
  return undefined;
}

/**
 * Builds the admin API: a Powertools REST router whose routes are the admin routes of `lib/config/routes.ts`, each
 * running authorization (route roles, tenant confinement), then its operation. Responses:
 * - errors are RFC 9457 problems (`application/problem+json`) with the request id;
 * - unknown path → 404; known path with another method → 405 with `Allow` (Powertools answers 404 for both, so
 *   the not-found handler tells them apart with the route table);
 * - refusals (401/403) are logged as security events (`securityEvent: true`) and counted (`AdminAccessDenied`);
 * - unexpected errors → 500 without internals.
 * @param deps adapters (repository, API-key port, limiter, probes, clock, logger, metrics)
 * @returns a REST proxy (v1) handler
 */
export function createAdminApi(
  deps: AdminDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  assertOperationsMatchRoutes(OPERATIONS);
  const router = new Router({ logger: deps.logger });

  for (const route of ADMIN_ROUTES) {
    const key = routeKey(route);
    const operation = OPERATIONS[key]!;
    router.route(
      async (reqCtx) => {
        const event = reqCtx.event as APIGatewayProxyEvent;
        return toResponse(await runOperation(deps, route, key, operation, event, reqCtx.params));
      },
      { method: route.method as 'GET', path: toRouterPath(route.path) },
    );
  }

  router.notFound(async (_err, reqCtx) => {
    const event = reqCtx.event as APIGatewayProxyEvent;
    const requestId = event.requestContext?.requestId;
    const allow = allowedMethods(new URL(reqCtx.req.url).pathname);
    if (allow.length) {
      return toResponse(
        problem(
          405,
          'Method Not Allowed',
          { detail: `${event.httpMethod} is not supported here; use ${allow.join(', ')}.`, requestId },
          { allow: allow.join(', ') },
        ),
      );
    }
    return toResponse(problem(404, 'Not Found', { detail: 'No such admin route.', requestId }));
  });

  return async (event, context) => {
    if (!event.requestContext?.requestId) {
      // Not a REST proxy event: Powertools would reject it; answer like a malformed request.
      return problem(400, 'Bad Request', { detail: 'Expected an API Gateway REST proxy event.' });
    }
    deps.logger.addContext(context);
    deps.logger.appendKeys({ correlation_id: event.requestContext.requestId });
    try {
      return singleValueHeaders(await router.resolve(event, context));
    } finally {
      deps.logger.resetKeys();
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
  };
}

/**
 * Powertools moves list-valued headers (`Allow`, `Cache-Control`, …) to `multiValueHeaders`; fold them back into
 * `headers` (comma-joined, RFC 9110 §5.3) so every consumer — API Gateway, the local gateway, tests — sees them.
 */
function singleValueHeaders(r: APIGatewayProxyResult): APIGatewayProxyResult {
  if (!r.multiValueHeaders) return r;
  const headers = { ...r.headers };
  for (const [k, v] of Object.entries(r.multiValueHeaders)) headers[k] = v.join(', ');
  const { multiValueHeaders: _mv, ...rest } = r;
  return { ...rest, headers };
}

async function runOperation(
  deps: AdminDeps,
  route: Route,
  key: string,
  operation: Operation,
  event: APIGatewayProxyEvent,
  params: Record<string, string>,
): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext.requestId;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  const actor = tenantContextFromEvent(event);
  deps.logger.appendKeys({ route: key, tenantId: actor?.tenantId, userId: actor?.userId, tier: actor?.tier });
  try {
    authorize(actor, route, targetTenant(params, query, route));
    let parsedBody: { value: unknown } | undefined;
    const now = deps.now();
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
      audit: (a) => auditEntry({ ...a, actor, route: key, resource: event.path, requestId, now }),
    };
    const res = await operation(req);
    if (req.route.method !== 'GET') {
      deps.logger.info('admin change', { route: key, status: res.statusCode, resource: event.path });
    }
    return res;
  } catch (err) {
    if (err instanceof AccessDenied) {
      deps.logger.warn('admin request refused', {
        securityEvent: true,
        reason: err.reason,
        route: key,
        resource: event.path,
        status: err.response.status,
        actorTenantId: actor?.tenantId,
        actorUserId: actor?.userId,
        actorRoles: actor?.roles,
        targetTenantId: err.targetTenantId,
        sourceIp: event.requestContext.identity?.sourceIp,
      });
      deps.metrics.addMetric('AdminAccessDenied', 'Count', 1);
      return err.response.toResult(requestId);
    }
    if (err instanceof ApiError) {
      if (err.status >= 500)
        deps.logger.warn('admin request failed', { status: err.status, detail: err.extra.detail });
      return err.toResult(requestId);
    }
    deps.logger.error('admin request error', { error: err as Error });
    return problem(500, 'Internal Server Error', {
      detail: 'Unexpected error; it has been logged.',
      requestId,
    });
  }
}
