/**
 * Metric names and namespace: the single source for the Lambdas that emit them and the dashboards/alarms that read
 * them (docs/architecture.md, observability conventions). Pure data — imported by both sides. Handlers name a metric
 * as `METRIC.<Name>`; a test fails on a string-literal metric name in `lambdas/`.
 */

/** CloudWatch namespace of every custom metric (Powertools `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'MarketEdge';

/** What one custom metric is. */
export interface MetricSpec {
  /** CloudWatch unit of each data point. */
  readonly unit: 'Count' | 'Milliseconds';
  /** The Lambda family (Powertools `service`) that emits it. */
  readonly emitter: 'authorizer' | 'rate-limit' | 'admin' | 'reports' | 'edge-proxy' | 'service';
  /** When one data point is emitted. */
  readonly description: string;
}

/**
 * Every custom metric in namespace {@link METRICS_NAMESPACE}. Dimensions are `service`, `stage` and, per request,
 * `route` (`tier` for limiter outcomes, `reason` for `AuthFailure`); tenantId is metadata, never a dimension.
 */
/**
 * Every custom metric name (namespace {@link METRICS_NAMESPACE}), the one list Lambdas read at run time; what each
 * means is in {@link METRIC_CATALOG} (kept out of Lambda bundles: only CDK, the alarms and the tests read it).
 */
export const METRIC_NAMES = [
  'AuthFailure',
  'RateLimitAllowed',
  'RateLimitDenied',
  'RateLimitNearLimit',
  'RateLimitShadowDenied',
  'RateLimitDegraded',
  'RateLimitBypassed',
  'AdminAccessDenied',
  'AdminPolicyBumpFailed',
  'ReportCreated',
  'ReportDeleted',
  'IdentityHeaderSpoofAttempt',
  'UpstreamLatency',
  'UpstreamTimeout',
  'UpstreamUnavailable',
  'UpstreamResponseTooLarge',
  'Upstream5xx',
  'UnhandledError',
  'DynamoDbLatency',
  'RedisLatency',
] as const;

/** One custom metric name. */
export type MetricName = (typeof METRIC_NAMES)[number];

export const METRIC_CATALOG = {
  AuthFailure: {
    unit: 'Count',
    emitter: 'authorizer',
    description: 'one per rejected request (401 or 403), dimension `reason`',
  },
  RateLimitAllowed: { unit: 'Count', emitter: 'rate-limit', description: 'a request the limiter allowed' },
  RateLimitDenied: {
    unit: 'Count',
    emitter: 'rate-limit',
    description: 'a request the limiter denied (429)',
  },
  RateLimitNearLimit: {
    unit: 'Count',
    emitter: 'rate-limit',
    description: 'an allowed request that left less than the near-limit share of a rule',
  },
  RateLimitShadowDenied: {
    unit: 'Count',
    emitter: 'rate-limit',
    description: 'a request a shadow-mode rule would have denied (not enforced)',
  },
  RateLimitDegraded: {
    unit: 'Count',
    emitter: 'rate-limit',
    description: 'a decision taken without Redis (fail-open fallback or fail-closed 503)',
  },
  RateLimitBypassed: {
    unit: 'Count',
    emitter: 'rate-limit',
    description: 'a request an emergency bypass let through',
  },
  AdminAccessDenied: {
    unit: 'Count',
    emitter: 'admin',
    description: 'an admin API call refused by the access rules (403)',
  },
  AdminPolicyBumpFailed: {
    unit: 'Count',
    emitter: 'admin',
    description: 'a limits change saved whose limiter propagation (policy version bump) failed',
  },
  ReportCreated: { unit: 'Count', emitter: 'reports', description: 'a report created (201)' },
  ReportDeleted: { unit: 'Count', emitter: 'reports', description: 'a report deleted (204)' },
  IdentityHeaderSpoofAttempt: {
    unit: 'Count',
    emitter: 'edge-proxy',
    description: 'a request that carried client-sent tenant identity headers (stripped)',
  },
  UpstreamLatency: {
    unit: 'Milliseconds',
    emitter: 'edge-proxy',
    description: 'time to the upstream answer',
  },
  UpstreamTimeout: {
    unit: 'Count',
    emitter: 'edge-proxy',
    description: 'an upstream that did not answer in time (504)',
  },
  UpstreamUnavailable: { unit: 'Count', emitter: 'edge-proxy', description: 'an unreachable upstream (502)' },
  UpstreamResponseTooLarge: {
    unit: 'Count',
    emitter: 'edge-proxy',
    description: 'an upstream response above the size cap (502)',
  },
  Upstream5xx: { unit: 'Count', emitter: 'edge-proxy', description: 'an upstream 5xx passed through' },
  UnhandledError: {
    unit: 'Count',
    emitter: 'service',
    description: 'an unexpected error in a service handler (500)',
  },
  DynamoDbLatency: {
    unit: 'Milliseconds',
    emitter: 'service',
    description:
      'one DynamoDB call as the caller waited for it (retries included), dimension `operation` (e.g. `GetItem`)',
  },
  RedisLatency: {
    unit: 'Milliseconds',
    emitter: 'service',
    description: 'one Redis command from send to reply, dimension `operation` (the command, e.g. `evalsha`)',
  },
} as const satisfies Record<MetricName, MetricSpec>;

/**
 * The Lambdas (Powertools `service` dimension) behind each emitter family: `rate-limit` and `service` metrics come
 * from every Lambda that runs the handler wrapper with the limiter. Alarms sum a metric over these services' stage-wide
 * `[service, stage]` series.
 */
export const EMITTER_SERVICES: Readonly<Record<MetricSpec['emitter'], readonly string[]>> = {
  authorizer: ['authorizer'],
  'rate-limit': ['reports', 'admin', 'edge-proxy'],
  service: ['reports', 'admin', 'edge-proxy'],
  admin: ['admin'],
  reports: ['reports'],
  'edge-proxy': ['edge-proxy'],
};

/** Metric names by name (`METRIC.UpstreamTimeout`), for emitters. */
export const METRIC = Object.fromEntries(METRIC_NAMES.map((k) => [k, k])) as {
  readonly [K in MetricName]: K;
};

/** Dependency latency metrics (APM): one data point per call, dimension `operation` (`lambdas/shared/apm`). */
export const DEPENDENCY_LATENCY_METRICS = [METRIC.DynamoDbLatency, METRIC.RedisLatency] as const;

/** Limiter outcome metrics, emitted by the rate-limit middleware (count, dimensions `tier`, `route`). */
export const RATE_LIMIT_METRICS = [
  METRIC.RateLimitAllowed,
  METRIC.RateLimitDenied,
  METRIC.RateLimitNearLimit,
  METRIC.RateLimitShadowDenied,
  METRIC.RateLimitDegraded,
  METRIC.RateLimitBypassed,
] as const;

/** One limiter metric name. */
export type RateLimitMetric = (typeof RATE_LIMIT_METRICS)[number];

/** Authorizer security metric: one per rejected request (dimension `reason`). */
export const AUTH_FAILURE_METRIC = METRIC.AuthFailure;

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

/** Product analytics: records written, per `vertical` and `event` (EMF; see docs/analytics.md). */
export const ANALYTICS_EVENTS_METRIC = 'AnalyticsEvents';

/**
 * Product analytics ingestion counters (EMF, namespace {@link METRICS_NAMESPACE}, dimensions `service`, `stage` and
 * the ones named): written by `lambdas/shared/analytics/runtime.ts`, graphed per minute on the Analytics dashboard.
 */
export const ANALYTICS_METRICS = {
  /** Records written, dimensions `vertical`, `event`. */
  events: ANALYTICS_EVENTS_METRIC,
  /**
   * Events not stored, dimension `reason`: `duplicate`, `invalid`, `platform-operator`, `tenant-opt-out`,
   * `do-not-track`.
   */
  notStored: 'AnalyticsEventsNotStored',
  /** Server-side emits that failed (secret unreadable, sink error); the request is never affected. */
  emitErrors: 'AnalyticsEmitErrors',
  /** Weekly reports written and notified (`lambdas/analytics-report/`), no extra dimension. */
  weeklyReports: 'AnalyticsWeeklyReports',
} as const;
