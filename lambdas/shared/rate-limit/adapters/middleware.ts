import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { findRoute, type Route } from '../../../../lib/config/routes';
import { problem } from '../../http/problem';
import { tenantContextFromEvent } from '../../tenant-context';
import type { Decision } from '../core/decision';
import { rateLimitHeaders } from '../core/headers';
import type { RateLimiter } from '../core/limiter';
import type { RateLimitTelemetry } from './telemetry';

/** A REST proxy Lambda handler. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The response for a decision that is not `allowed`: 429 Too Many Requests (RFC 6585 §4) with an RFC 9457 problem
 * body (`type`, `title`, `status`, `detail`, `violated-policies`, `retryAfterSec`), or 503 Service Unavailable when
 * the limiter is down on a fail-closed route. Both carry `Retry-After` (whole seconds, rounded up) and the
 * rate-limit headers.
 * @param requestId optional request id echoed in the body
 */
export function rejectionResponse(d: Decision, requestId?: string): APIGatewayProxyResult {
  const headers = rateLimitHeaders(d);
  const retryAfterSec = Math.max(1, d.retryAfterSec);
  const rid = requestId ? { requestId } : {};
  if (d.status === 'unavailable') {
    return problem(
      503,
      'Service Unavailable',
      {
        detail: `Rate limiting is temporarily unavailable; retry after ${retryAfterSec} s.`,
        retryAfterSec,
        ...rid,
      },
      headers,
    );
  }
  return problem(
    429,
    'Too Many Requests',
    {
      detail: `Rate limit exceeded (${d.violated.join(', ')}); retry after ${retryAfterSec} s.`,
      'violated-policies': d.violated,
      retryAfterSec,
      ...rid,
    },
    headers,
  );
}

/** The route and tenant a proxy event is limited under, or `undefined` when it is not limited. */
export function limitTarget(
  event: APIGatewayProxyEvent,
): { route: Route; ctx: NonNullable<ReturnType<typeof tenantContextFromEvent>> } | undefined {
  const route = findRoute(event.httpMethod, event.resource);
  if (!route || route.limitClass === 'none') return undefined;
  const ctx = tenantContextFromEvent(event);
  if (!ctx) return undefined;
  return { route, ctx };
}

/**
 * Builds `withRateLimit` over a limiter and telemetry provider (resolved per call, so `configureRateLimiter` in
 * tests takes effect for already-wrapped handlers).
 */
export function createWithRateLimit(
  getLimiter: () => RateLimiter,
  getTelemetry: () => RateLimitTelemetry,
): (handler: ProxyHandler) => ProxyHandler {
  return (handler) => async (event, context) => {
    const target = limitTarget(event);
    if (!target) return handler(event, context);
    const decision = await getLimiter().check({
      tenantId: target.ctx.tenantId,
      userId: target.ctx.userId,
      tier: target.ctx.tier,
      route: target.route,
      method: event.httpMethod,
    });
    await getTelemetry().record(decision);
    if (decision.status !== 'allowed') return rejectionResponse(decision, event.requestContext?.requestId);
    const res = await handler(event, context);
    return { ...res, headers: { ...(res.headers ?? {}), ...rateLimitHeaders(decision) } };
  };
}
