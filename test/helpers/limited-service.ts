import { createHttpHandler } from '../../lambdas/shared/http/handler';
import { rateLimitStep } from '../../lambdas/shared/http/rate-limit-step';
import type { Endpoint, ProxyHandler } from '../../lambdas/shared/http/types';
import type { LoggerAndMetrics } from '../../lambdas/shared/logger-metrics';

/**
 * A REST service on the production request path of every service Lambda: the HTTP toolkit's handler wrapper
 * (`createHttpHandler`: route resolved once, tenant context once) with the shared limiter as its `rateLimit` step
 * (`rateLimitStep`, the process's `RateLimitRuntime`). Serves every route of the table; routes without an endpoint
 * answer 404 after the limiter ran.
 * @param obs the service's Powertools Logger and Metrics (e.g. `createLoggerAndMetrics('reports')`)
 * @param endpoints endpoints by route key, e.g. `{ 'GET /v1/reports': async () => ({ statusCode: 200, body: '' }) }`
 */
export function limitedService(
  obs: LoggerAndMetrics,
  endpoints: Readonly<Record<string, Endpoint>>,
): ProxyHandler {
  return createHttpHandler({ obs, serves: () => true, endpoints, rateLimit: rateLimitStep(obs) });
}
