import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { findRoute, type Route, routeKey } from '../../lib/config/routes';
import { problem } from '../shared/http/problem';
import type { Observability } from '../shared/observability';
import { publishRequestMetrics } from '../shared/request-metrics';
import { type TenantContext, tenantContextFromEvent } from '../shared/tenant-context';

/** What an endpoint receives: the raw event, the caller's tenant context and the matched route. */
export interface Request {
  event: APIGatewayProxyEvent;
  context: Context;
  /** The caller, from the authorizer context only (never from path, query, body or headers). */
  tenant: TenantContext;
  route: Route;
  /** `"METHOD /path-template"`, e.g. `GET /v1/reports/{reportId}`. */
  routeKey: string;
}

/** One endpoint implementation. Thrown errors become a 500 problem without internals. */
export type Endpoint = (req: Request) => Promise<APIGatewayProxyResult>;

/** A REST proxy handler, the shape `withRateLimit` wraps. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * A minimal router over the route table. API Gateway (and the local gateway) already matched the request, so the
 * route is found by `event.httpMethod` + `event.resource` with `findRoute` — the same key the limiter uses — rather
 * than by re-matching the concrete path. Per request it:
 * 1. finds the route and its endpoint (`routeKey` → {@link Endpoint}); unknown → 404;
 * 2. reads the tenant context (`tenantContextFromEvent`); none → 401;
 * 3. checks the caller has one of the route's roles (`lib/config/routes.ts`); none → 403 (defence in depth: the
 *    authorizer's policy already denies);
 * 4. calls the endpoint with logger keys `tenantId`, `userId`, `route`, `tier` and `correlation_id` = request id;
 *    an exception is logged and answered 500 (RFC 9457 body with `requestId`, no internals);
 * 5. publishes the stored metrics, if any, adding dimension `route` and metadata tenantId only at publish time.
 * @param endpoints endpoints by route key; every key must exist in the route table
 * @throws {Error} at construction when a key is not a route of the table (a programming error)
 */
export function createRouter(endpoints: Record<string, Endpoint>, obs: Observability): ProxyHandler {
  for (const key of Object.keys(endpoints)) {
    const [method = '', path = ''] = key.split(' ');
    const route = findRoute(method, path);
    if (!route || routeKey(route) !== key) throw new Error(`endpoint ${key} is not in the route table`);
  }
  const { logger, metrics } = obs;
  return async (event, context) => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    const route = findRoute(event.httpMethod, event.resource);
    const key = route ? routeKey(route) : `${event.httpMethod} ${event.resource}`;
    const endpoint = route ? endpoints[key] : undefined;
    if (!route || !endpoint) return problem(404, 'Not Found', { detail: 'No such resource.', requestId });
    const tenant = tenantContextFromEvent(event);
    if (!tenant) return problem(401, 'Unauthorized', { detail: 'Missing tenant context.', requestId });
    if (route.roles.length > 0 && !tenant.roles.some((r) => route.roles.includes(r))) {
      return problem(403, 'Forbidden', { detail: `Requires one of: ${route.roles.join(', ')}.`, requestId });
    }
    logger.setCorrelationId(requestId);
    logger.appendKeys({ tenantId: tenant.tenantId, userId: tenant.userId, route: key, tier: tenant.tier });
    try {
      return await endpoint({ event, context, tenant, route, routeKey: key });
    } catch (err) {
      logger.error('unhandled error', err as Error);
      metrics.addMetric('UnhandledError', MetricUnit.Count, 1);
      return problem(500, 'Internal Server Error', { detail: 'An unexpected error occurred.', requestId });
    } finally {
      publishRequestMetrics(metrics, key, tenant.tenantId);
      logger.resetKeys();
    }
  };
}
