import { routeKey } from '../../../lib/config/routes';
import type { Ingestor } from '../analytics/ingest';
import { analytics } from '../analytics/runtime';
import type { LoggerAndMetrics } from '../logger-metrics';
import { limitTargetOf, rateLimitMiddleware } from '../rate-limit';
import type { RequestStep } from './types';

/**
 * The shared rate limiter as a {@link RequestStep} of the handler wrapper: limits the request under the route and
 * tenant context the wrapper resolved (no second route lookup), calls `next` when it allows (adding the rate-limit
 * headers), else answers 429/503. Decisions are logged and counted on the Lambda's own Logger/Metrics. A 429 also
 * emits a `limit_hit` product event (route key and the rules that denied) without waiting (docs/analytics.md).
 * @param obs the Lambda's Powertools Logger and Metrics (create once per container)
 * @param getAnalytics the analytics ingestor (default the process-wide one)
 */
export function rateLimitStep(obs: LoggerAndMetrics, getAnalytics: () => Ingestor = analytics): RequestStep {
  const limit = rateLimitMiddleware(obs);
  return async (req, next) => {
    const res = await limit(req.event, req.context, limitTargetOf(req.route, req.tenant), next);
    const tenant = req.tenant;
    if (res.statusCode === 429 && tenant) {
      let rules: string | undefined;
      try {
        const v = (JSON.parse(res.body) as { 'violated-policies'?: unknown })['violated-policies'];
        if (Array.isArray(v)) rules = v.map(String).join(',').slice(0, 256);
      } catch {
        rules = undefined;
      }
      getAnalytics().emit(
        {
          tenantId: tenant.tenantId,
          userId: tenant.userId,
          vertical: tenant.vertical,
          tier: tenant.tier,
          roles: tenant.roles,
        },
        'limit_hit',
        { route: routeKey(req.route), ...(rules ? { rules } : {}) },
        req.event.headers,
      );
    }
    return res;
  };
}
