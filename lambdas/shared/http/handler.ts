import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRIC } from '../../../lib/config/metrics';
import { type Route, routeKey } from '../../../lib/config/routes';
import { publishDependencyLatency } from '../apm/dependency-latency';
import { type RequestTracer, traceRequest } from '../apm/trace';
import { flags as processFlags } from '../flags';
import { publishRequestMetrics } from '../request-metrics';
import { type TenantContext, tenantContextFromEvent } from '../tenant-context';
import { type MaintenanceFlags, maintenanceAnswer } from './maintenance';
import { HttpError, problem } from './problem';
import { allowedMethods, resolveRoute } from './route';
import type { Endpoint, HttpRequest, ProxyEvent, ProxyHandler, ProxyResult, RequestStep } from './types';

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions<R extends HttpRequest> {
  /**
   * The Lambda's Powertools logger and metrics (one per container), and its Tracer when it has one: each request then
   * runs in an X-Ray subsegment annotated with `route`, `tier` and `outcome` (`apm/trace.ts`).
   */
  readonly obs: { readonly logger: Logger; readonly metrics: Metrics; readonly tracer?: RequestTracer };
  /** Which route-table entries this Lambda serves (others answer 404). */
  readonly serves: (route: Route) => boolean;
  /** The endpoints, by route key (`"METHOD /path-template"`); each must be a served route of the table. */
  readonly endpoints: Readonly<Record<string, Endpoint<R>>>;
  /**
   * Runs after `rateLimit`, before the endpoint: checks the caller and narrows the request (e.g. {@link requireCaller}).
   * Throws {@link HttpError} (401/403) to refuse.
   * @default the request unchanged
   */
  readonly authorize?: (req: HttpRequest) => R;
  /**
   * The rate-limit step (`lambdas/shared/rate-limit`); receives the already-resolved request.
   * @default none (tests, and callers that wrap the handler themselves)
   */
  readonly rateLimit?: RequestStep;
  /**
   * Flag reader for the maintenance switch (`api_gateway_enabled`, see `maintenance.ts`).
   * @default the process-wide `flags` (AppConfig in AWS, `FEATURE_FLAGS` / `PUT /_local/flags` locally)
   */
  readonly flags?: MaintenanceFlags;
}

/**
 * Builds a Lambda's REST proxy handler over the route table — the one routing style of every service. Per request:
 * 1. a non-proxy event (no `requestContext.requestId`) → 400; a path that does not decode ({@link malformedPath}) →
 *    400, logged as a client error;
 * 2. resolves the route ONCE ({@link resolveRoute}) and the tenant context once (`tenantContextFromEvent`); a route
 *    this Lambda does not serve → 404, or 405 with `Allow` when its path has served routes of other methods;
 * 3. logger: Lambda context, `correlation_id` = request id, keys `route`, `tenantId`, `userId`, `tier`;
 * 4. the maintenance switch: `api_gateway_enabled` off → 503 with `Retry-After` (every route but `GET /health`);
 *    then runs the `rateLimit` step, then `authorize`, then the endpoint of the route key;
 * 5. a thrown {@link HttpError} → its problem (RFC 9457) with `requestId`; anything else is logged, counted
 *    (`UnhandledError`) and answered 500 without internals;
 * 6. publishes the metrics the request stored with dimension `route` and metadata `tenantId` (request-metrics.ts),
 *    then the DynamoDB and Redis call latencies held since the last request (`apm/dependency-latency.ts`).
 * @throws {Error} at construction when an endpoint key is not a served route of the table (a programming error)
 */
export function createHttpHandler<R extends HttpRequest>(opts: HttpHandlerOptions<R>): ProxyHandler {
  const { obs, serves, endpoints, rateLimit } = opts;
  const flagReader = opts.flags ?? processFlags;
  const authorize = opts.authorize ?? ((req: HttpRequest) => req as R);
  for (const key of Object.keys(endpoints)) {
    const [method = '', path = ''] = key.split(' ');
    const route = resolveRoute({ httpMethod: method, resource: path } as ProxyEvent);
    if (!route || routeKey(route) !== key || !serves(route)) {
      throw new Error(`endpoint ${key} is not in the route table`);
    }
  }
  const { logger, metrics } = obs;

  return async (event: ProxyEvent, context: Context): Promise<ProxyResult> => {
    const requestId = event?.requestContext?.requestId;
    if (!requestId) {
      return problem(400, 'Bad Request', { detail: 'Expected an API Gateway REST proxy event.' });
    }
    const malformed = malformedPath(event);
    if (malformed) {
      logger.info('client error: path is not valid percent-encoding', { clientError: true, requestId });
      return problem(400, 'Bad Request', {
        detail: 'The request path is not valid percent-encoded UTF-8.',
        errors: [{ path: 'path', message: malformed }],
        requestId,
      });
    }
    const route = resolveRoute(event);
    if (!route || !serves(route)) return notServed(event, serves, requestId);
    const key = routeKey(route);
    const tenant = tenantContextFromEvent(event);
    const req: HttpRequest = { event, context, route, routeKey: key, tenant, requestId };
    if (context) logger.addContext(context);
    logger.setCorrelationId(requestId);
    logger.appendKeys({ route: key, tenantId: tenant?.tenantId, userId: tenant?.userId, tier: tenant?.tier });
    const endpoint = endpoints[key];
    const run = async (): Promise<ProxyResult> => {
      if (!endpoint) throw new HttpError(404, 'Not Found', { detail: 'No such resource.' });
      return endpoint(authorize(req));
    };
    try {
      return await traceRequest(obs.tracer, key, tenant?.tier, async () => {
        try {
          const closed = await maintenanceAnswer(flagReader, key, requestId);
          if (closed) return closed;
          return await (rateLimit ? rateLimit(req, () => run().catch((e) => answer(e, req, obs))) : run());
        } catch (err) {
          return answer(err, req, obs);
        }
      });
    } finally {
      publishRequestMetrics(metrics, key, tenant?.tenantId);
      publishDependencyLatency(metrics);
      logger.resetKeys();
    }
  };
}

/**
 * Why a request path cannot be decoded, or `undefined` when it can: every segment of `event.path` (as sent,
 * percent-encoded) and every path parameter must decode as UTF-8 percent-encoding (`decodeURIComponent`) and hold no
 * NUL. Checked before routing, the limiter, permissions and any endpoint, in every service.
 */
export function malformedPath(event: Pick<ProxyEvent, 'path' | 'pathParameters'>): string | undefined {
  const raw = typeof event.path === 'string' ? event.path : '';
  // Without a `%` no segment can fail to decode and decoding changes nothing: one scan instead of a split and a
  // `decodeURIComponent` per segment (the common case, on every request).
  if (!raw.includes('%')) {
    if (raw.includes('\0')) return 'must not contain NUL';
  } else {
    const reason = malformedSegments(raw);
    if (reason) return reason;
  }
  for (const v of Object.values(event.pathParameters ?? {})) {
    if (v?.includes('\0')) return 'must not contain NUL';
  }
  return undefined;
}

/** {@link malformedPath} of a path holding percent-escapes: each `/` segment decoded. */
function malformedSegments(raw: string): string | undefined {
  for (const segment of raw.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'has a malformed percent-escape or invalid UTF-8';
    }
    if (decoded.includes('\0')) return 'must not contain NUL';
  }
  return undefined;
}

/** The problem response of an error thrown below an endpoint. */
function answer(err: unknown, req: HttpRequest, obs: HttpHandlerOptions<HttpRequest>['obs']): ProxyResult {
  if (err instanceof HttpError) {
    if (err.status >= 500)
      obs.logger.warn('request failed', { status: err.status, detail: err.extra.detail });
    return err.toResult(req.requestId);
  }
  obs.logger.error('unhandled error', err as Error);
  obs.metrics.addMetric(METRIC.UnhandledError, MetricUnit.Count, 1);
  return problem(500, 'Internal Server Error', {
    detail: 'An unexpected error occurred.',
    requestId: req.requestId,
  });
}

/** 404, or 405 with `Allow` when the concrete path has routes of this Lambda under other methods. */
function notServed(event: ProxyEvent, serves: (r: Route) => boolean, requestId: string): ProxyResult {
  const allow = typeof event.path === 'string' ? allowedMethods(event.path, serves) : [];
  if (allow.length) {
    return problem(
      405,
      'Method Not Allowed',
      { detail: `${event.httpMethod} is not supported here; use ${allow.join(', ')}.`, requestId },
      { allow: allow.join(', ') },
    );
  }
  return problem(404, 'Not Found', { detail: 'No such resource.', requestId });
}

/** A request whose caller is known and holds one of the route's roles. */
export interface CallerRequest extends HttpRequest {
  readonly tenant: TenantContext;
}

/**
 * The `authorize` step of services whose only rule is the route's roles (defence in depth: the authorizer's policy
 * already denies): no tenant context → 401; none of `route.roles` → 403.
 * @throws {HttpError} 401 or 403
 */
export function requireCaller(req: HttpRequest): CallerRequest {
  const { tenant, route } = req;
  if (!tenant) throw new HttpError(401, 'Unauthorized', { detail: 'Missing tenant context.' });
  if (route.roles.length > 0 && !tenant.roles.some((r) => route.roles.includes(r))) {
    throw new HttpError(403, 'Forbidden', { detail: `Requires one of: ${route.roles.join(', ')}.` });
  }
  return req as CallerRequest;
}
