import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Route } from '../../../../lib/config/routes';
import { problem } from '../../http/problem';
import type { LoggerAndMetrics } from '../../logger-metrics';
import type { TenantContext } from '../../tenant-context';
import type { Decision } from '../core/decision';
import { rateLimitHeaders } from '../core/headers';
import type { RateLimitRuntime } from './runtime';

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

/** The route and tenant a request is limited under. */
export interface LimitTarget {
  route: Route;
  tenant: TenantContext;
}

/**
 * The target of a request whose route and tenant context the caller already resolved, or `undefined` when it is
 * not limited: no route (unknown), a `limitClass: 'none'` route (public), or no tenant context.
 */
export function limitTargetOf(
  route: Route | undefined,
  tenant: TenantContext | undefined,
): LimitTarget | undefined {
  if (!route || route.limitClass === 'none' || !tenant) return undefined;
  return { route, tenant };
}

/**
 * The rate-limit step of a request whose route and tenant context were resolved once by the caller: not limited
 * (`target` undefined) → `next()` unchanged; over limit → 429 problem with `Retry-After` and `violated-policies`;
 * limiter down on a `failMode: 'closed'` route → 503 with `Retry-After`; otherwise `next()`'s response with
 * `X-RateLimit-*`, `RateLimit-Policy` and `RateLimit` headers added. Every decision is recorded (docs/architecture.md, observability conventions).
 */
export type RateLimitMiddleware = (
  event: APIGatewayProxyEvent,
  context: Context,
  target: LimitTarget | undefined,
  next: () => Promise<APIGatewayProxyResult>,
) => Promise<APIGatewayProxyResult>;

/** What the middleware needs of a {@link RateLimitRuntime}. */
export type MiddlewareRuntime = Pick<RateLimitRuntime, 'limiter' | 'telemetryFor' | 'useLogger'>;

/**
 * Builds the {@link RateLimitMiddleware} of one handler. The limiter and telemetry are looked up per call (so
 * `configure` in tests takes effect for already-built middleware); decisions are logged and counted on the
 * handler's own Logger/Metrics (`obs`), with the request id as `correlation_id`.
 * @param obs the handler's Powertools Logger and Metrics
 */
export function createRateLimitMiddleware(
  runtime: MiddlewareRuntime,
  obs: LoggerAndMetrics,
): RateLimitMiddleware {
  runtime.useLogger(obs.logger);
  return async (event, context, target, next) => {
    if (!target) return next();
    const decision = await runtime.limiter().check({
      tenantId: target.tenant.tenantId,
      userId: target.tenant.userId,
      tier: target.tenant.tier,
      route: target.route,
      method: event.httpMethod,
    });
    const requestId = event.requestContext?.requestId;
    await runtime.telemetryFor(obs).record(decision, { requestId: requestId ?? context?.awsRequestId });
    if (decision.status !== 'allowed') return rejectionResponse(decision, requestId);
    const res = await next();
    return { ...res, headers: { ...(res.headers ?? {}), ...rateLimitHeaders(decision) } };
  };
}
