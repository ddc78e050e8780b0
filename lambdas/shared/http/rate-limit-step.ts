import type { LoggerAndMetrics } from '../logger-metrics';
import { limitTargetOf, rateLimitMiddleware } from '../rate-limit';
import type { RequestStep } from './types';

/**
 * The shared rate limiter as a {@link RequestStep} of the handler wrapper: limits the request under the route and
 * tenant context the wrapper resolved (no second route lookup), calls `next` when it allows (adding the rate-limit
 * headers), else answers 429/503. Decisions are logged and counted on the Lambda's own Logger/Metrics.
 * @param obs the Lambda's Powertools Logger and Metrics (create once per container)
 */
export function rateLimitStep(obs: LoggerAndMetrics): RequestStep {
  const limit = rateLimitMiddleware(obs);
  return (req, next) => limit(req.event, req.context, limitTargetOf(req.route, req.tenant), next);
}
