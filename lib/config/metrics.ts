/**
 * Metric names and namespace: the single source for the Lambdas that emit them and the dashboards/alarms that read
 * them (docs/architecture.md, observability conventions). Pure data — imported by both sides.
 */

/** CloudWatch namespace of every custom metric (Powertools `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'MarketEdge';

/** Limiter outcome metrics, emitted by the rate-limit middleware (count, dimensions `tier`, `route`). */
export const RATE_LIMIT_METRICS = [
  'RateLimitAllowed',
  'RateLimitDenied',
  'RateLimitNearLimit',
  'RateLimitShadowDenied',
  'RateLimitDegraded',
  'RateLimitBypassed',
] as const;

/** One limiter metric name. */
export type RateLimitMetric = (typeof RATE_LIMIT_METRICS)[number];

/** Authorizer security metric: one per rejected request (dimension `reason`). */
export const AUTH_FAILURE_METRIC = 'AuthFailure';
