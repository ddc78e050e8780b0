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

/**
 * Security metrics (count; emitted by the security-events detector and the responder, dimensions `service`, `stage`
 * and the one named per metric — never a tenant id or an address):
 * - `SecurityEvent` (dimension `type`): every security event written to the security log group;
 * - `FailedAuthThresholdExceeded` (dimension `subject`: `ip` | `tenant`): a sliding window crossed its threshold;
 * - `TenantActivityAnomaly` (dimension `figure`): a tenant hour flagged against its baseline;
 * - `GuardDutyFinding` (dimension `band`: `high` | `medium` | `low`): findings the responder received;
 * - `IpBlocked`, `IpUnblocked`, `IpEvicted`: IP-set changes; `ActiveBlocks` (gauge, dimension `ipVersion`);
 * - `ResponderSkipped` (dimension `reason`): an event handled without action (archived, allowlisted, monitoring off);
 * - `TenantClamped`: emergency limit overrides applied; `ResponderMalformedEvent`: an event the responder rejected
 *   (it goes to the dead-letter queue).
 */
export const SECURITY_METRICS = {
  securityEvent: 'SecurityEvent',
  failedAuthThreshold: 'FailedAuthThresholdExceeded',
  tenantAnomaly: 'TenantActivityAnomaly',
  guardDutyFinding: 'GuardDutyFinding',
  ipBlocked: 'IpBlocked',
  ipUnblocked: 'IpUnblocked',
  ipEvicted: 'IpEvicted',
  activeBlocks: 'ActiveBlocks',
  responderSkipped: 'ResponderSkipped',
  tenantClamped: 'TenantClamped',
  responderMalformed: 'ResponderMalformedEvent',
} as const;

/** One security metric name. */
export type SecurityMetric = (typeof SECURITY_METRICS)[keyof typeof SECURITY_METRICS];
