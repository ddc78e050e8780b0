import type { StageName } from './stage-names';

/** A feature flag's catalog entry. All flags are boolean today. */
export interface FlagDefinition {
  type: 'boolean';
  /** Value per stage when nothing overrides it (AppConfig in AWS, `FEATURE_FLAGS` env locally). */
  defaults: Readonly<Record<StageName, boolean>>;
  /** One line: what turning it on does. */
  effect: string;
}

const on = { dev: true, staging: true, prod: true } as const;

/** The feature-flag catalog: the single source of flag names, types, defaults and effects. */
export const FLAGS = {
  api_gateway_enabled: {
    type: 'boolean',
    defaults: on,
    effect:
      'Serve API routes. Off (maintenance switch): every route except GET /health answers 503 application/problem+json ' +
      '(type …/problems/maintenance) with Retry-After, before the limiter or any endpoint runs. Read at run time: ' +
      'AppConfig in AWS (warm Lambdas within 30 s), PUT /_local/flags locally. A request without a valid token still ' +
      "gets the authorizer's 401 first.",
  },
  rate_limiting_enabled: {
    type: 'boolean',
    defaults: on,
    effect: 'Enforce Redis limit rules; off computes decisions in shadow mode only (never 429).',
  },
  tenant_specific_limits: {
    type: 'boolean',
    defaults: on,
    effect: 'Apply per-tenant overrides from the admin API; off uses tier defaults only.',
  },
  gateway_observability_enabled: {
    type: 'boolean',
    defaults: on,
    effect:
      "Emit the rate limiter's decision metrics (RateLimit*, EMF, namespace MarketEdge). Read at run time; off stops " +
      'them (decision logs stay) and the LimiterMetricsMissing alarm fires while API traffic flows, so the alarms ' +
      'on those metrics are never silently blind.',
  },
  frontend_testing_enabled: {
    type: 'boolean',
    defaults: { dev: true, staging: true, prod: false },
    effect:
      'Deploy pipeline: adds a "FrontendTests" step before this stage deploys, running the web console unit tests ' +
      'with their coverage gate (Vitest project "web"); off removes the step. Read from the stage config at synth.',
  },
  e2e_testing_enabled: {
    type: 'boolean',
    defaults: { dev: true, staging: true, prod: false },
    effect:
      'Deploy pipeline: adds an "E2ETests" step after this stage deploys, running the Playwright end-to-end suite ' +
      "(npm run test:e2e, Chromium and Firefox) against the stage's API URL; off removes the step. Read at synth.",
  },
  visual_regression_testing_enabled: {
    type: 'boolean',
    defaults: { dev: false, staging: true, prod: false },
    effect:
      'Deploy pipeline: adds a "VisualTests" step after this stage deploys, running the Playwright visual suite ' +
      '(npm run test:visual) against the committed baselines; off removes the step. Read at synth.',
  },
  apm_monitoring_enabled: {
    type: 'boolean',
    defaults: { dev: false, staging: true, prod: true },
    effect:
      "Emit the edge proxy's per-call upstream latency metric (UpstreamLatency, ms). Read at run time; off stops it " +
      'and the UpstreamMetricsMissing alarm fires while upstream traffic flows. Dashboards and alarms deploy on ' +
      "every stage whatever its value. Also the console's real-user monitoring: on, the console's config.json " +
      'carries a RUM app monitor and the browser sends Web Vitals (LCP, CLS, FID), the page load, uncaught errors ' +
      'and API call timings to it (PutRumEvents); off, config.json has none and nothing is sent. Locally the app ' +
      'monitor is the collector at /_local/rum and config.json follows the flag on every load; on a deployed stage ' +
      'the app monitor marketedge-<stage>-console always exists and config.json (static on S3) carries it when the ' +
      "stage's value at deploy time is on — changing it there takes a deploy of the Console stack.",
  },
  business_analytics_enabled: {
    type: 'boolean',
    defaults: { dev: false, staging: true, prod: true },
    effect:
      'Product analytics (docs/analytics.md): on, POST /v1/events stores the console events and the Lambdas emit ' +
      'report_* and limit_hit events (user ids HMAC-hashed) to the Firehose stream -> S3 Parquet by tenant and day ' +
      '-> Athena; off, the endpoint answers 204 and nothing is collected. Read at run time; the pipeline and the ' +
      'weekly report deploy on every stage whatever its value.',
  },
  security_monitoring_enabled: {
    type: 'boolean',
    defaults: { dev: true, staging: true, prod: true },
    effect:
      'Automated security response: on, the responder blocks addresses in the WAF IP sets (GuardDuty high findings, failed-auth bursts) and clamps tenants; off, detect and alert only (security events, detections, pages and tickets continue; no IP-set or limit change, each skipped action logged as ResponseSuppressed).',
  },
} as const satisfies Record<string, FlagDefinition>;

/** One of the ten flag names. */
export type FlagName = keyof typeof FLAGS;
/** Resolved flag values. */
export type Flags = Record<FlagName, boolean>;

/** All flag names, in catalog order. */
export const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

/** The catalog defaults for one stage. */
export function flagDefaults(stage: StageName): Flags {
  return Object.fromEntries(FLAG_NAMES.map((n) => [n, FLAGS[n].defaults[stage]])) as Flags;
}
