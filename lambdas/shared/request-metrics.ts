import type { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Publishes the metrics one request stored, with the `route` dimension — and a second dimension set of only the
 * default dimensions `service`, `stage` (the stage-wide series alarms sum) — and `tenantId` metadata (never a dimension —
 * docs/architecture.md, observability conventions), or clears leftovers when it stored none.
 *
 * Dimension and metadata are added only here, synchronously with the publish (which clears them), so a request that
 * awaited its handler never leaves a `route` dimension on the shared `Metrics` instance for a concurrent request to
 * collide with (the local stack serves many at once; in Lambda one at a time either way).
 * @param metrics the Lambda's Powertools `Metrics` instance
 * @param route route key, e.g. `GET /v1/reports/{reportId}`
 * @param tenantId caller's tenant id (metadata; omitted when the request has no tenant context)
 */
export function publishRequestMetrics(metrics: Metrics, route: string, tenantId?: string): void {
  if (metrics.hasStoredMetrics()) {
    metrics.addDimension('route', route);
    metrics.addDimensions({}); // also as [service, stage]: the stage-wide series alarms sum (lib/config/alarms.ts)
    if (tenantId !== undefined) metrics.addMetadata('tenantId', tenantId);
    metrics.publishStoredMetrics();
  } else {
    metrics.clearDimensions();
    metrics.clearMetadata();
  }
}
