/**
 * Alarm definitions as data: the one home of every alarm of a stage (metric, statistic, period, threshold, datapoints,
 * missing-data rule, runbook anchor, drill). CDK builds CloudWatch alarms from them (`lib/monitoring/alarms.ts`), the
 * local stack evaluates the same definitions over the EMF lines it emits (`local/metrics/evaluator.ts`), and
 * `npm run drill -- <Alarm>` provokes each one (`local/drill/`). Pure data: no `aws-cdk-lib` import.
 */
import { weeklyReportNames } from './analytics';
import {
  LAMBDA_HANDLERS,
  LAMBDA_P99_DURATION_BUDGET_MS,
  type LambdaHandlerName,
  SCHEDULED_LAMBDAS,
} from './budgets';
import { CANARY_SCHEDULE_MINUTES, type CanaryMetricName } from './canary';
import { capacityAlarmDefinitions } from './capacity-alarms';
import type { TableName } from './data-model';
import type { FlagName } from './flags';
import { LOAD_BASELINES, type LoadBaselines, routeP99ThresholdMs } from './load-baselines';
import { EMITTER_SERVICES, METRIC, METRIC_CATALOG, type MetricName } from './metrics';
import { ROUTES, type Route, routeKey } from './routes';
import type { StageConfig } from './stages';

/** API Gateway REST metrics the alarms and dashboards read (`AWS/ApiGateway`). */
export type ApiGatewayMetricName = 'Count' | '4XXError' | '5XXError' | 'Latency' | 'IntegrationLatency';

/**
 * A CloudWatch statistic: `Sum`, `SampleCount`, `Average`, `Maximum`, `Minimum`, a percentile `pNN`, or a percentile
 * rank `PR(:N)` (percent of data points ≤ N).
 */
export type Statistic =
  | 'Sum'
  | 'SampleCount'
  | 'Average'
  | 'Maximum'
  | 'Minimum'
  | `p${number}`
  | `PR(:${number})`;

/** One metric an alarm reads. */
export type MetricRef =
  /**
   * A custom metric (namespace `MarketEdge`), summed over the Lambdas that emit it (`EMITTER_SERVICES`), read as the
   * dimension set `[service, stage]` every emitter publishes besides its detailed one.
   */
  | { readonly source: 'custom'; readonly metric: MetricName }
  /** An API Gateway metric of the whole stage (`ApiName`, `Stage`), or of one route (`+ Method`, `Resource`). */
  | {
      readonly source: 'api';
      readonly metric: ApiGatewayMetricName;
      /** Route as `{ method, path }` of the route table; absent = the whole stage. */
      readonly route?: { readonly method: string; readonly path: string };
    }
  /** A Lambda metric (`AWS/Lambda`) of one deployed function (`FunctionName`), or account-wide when absent. */
  | { readonly source: 'lambda'; readonly metric: LambdaMetricName; readonly function?: LambdaHandlerName }
  /** A metric of the stage's Synthetics canary (`CloudWatchSynthetics`, `CanaryName`; `lib/config/canary.ts`). */
  | { readonly source: 'canary'; readonly metric: CanaryMetricName }
  /** A metric of the stage's rate-limit cache (`AWS/ElastiCache`, ElastiCache Serverless, dimension `clusterId`). */
  | { readonly source: 'cache'; readonly metric: CacheMetricName }
  /** A DynamoDB metric of one table of the data model (`AWS/DynamoDB`, `TableName`). */
  | { readonly source: 'table'; readonly metric: TableMetricName; readonly table: TableName }
  /**
   * A Contributor Insights rule metric (`INSIGHT_RULE_METRIC`) of the stage's rule `MarketEdge-<stage>-<rule>`
   * (`lib/config/contributors.ts`); the signal's statistic is not used (the rule metric names its own).
   */
  | { readonly source: 'contributors'; readonly rule: string; readonly metric: ContributorMetricName }
  /** An SQS metric of one queue of the stage (`AWS/SQS`, `QueueName`: the physical name). */
  | { readonly source: 'queue'; readonly metric: QueueMetricName; readonly queue: string };

/** AWS/Lambda metrics the alarms and dashboards read. */
export type LambdaMetricName = 'ConcurrentExecutions' | 'Duration' | 'Errors' | 'Throttles';

/** ElastiCache Serverless metrics: ECPUs consumed, bytes stored. */
export type CacheMetricName = 'ElastiCacheProcessingUnits' | 'BytesUsedForCache' | 'ThrottledCmds';

/** DynamoDB table metrics (on-demand tables: consumed request units, throttle events). */
export type TableMetricName =
  | 'ConsumedReadCapacityUnits'
  | 'ConsumedWriteCapacityUnits'
  | 'ReadThrottleEvents'
  | 'WriteThrottleEvents';

/** SQS queue metrics (a dead-letter queue's depth). */
export type QueueMetricName = 'ApproximateNumberOfMessagesVisible';

/** Contributor Insights rule metrics: the top contributor's value, the number of distinct contributors. */
export type ContributorMetricName = 'MaxContributorValue' | 'UniqueContributors';

/** The metric references a signal reads (every leaf, in signal order). */
export function signalRefs(signal: AlarmSignal): MetricRef[] {
  switch (signal.kind) {
    case 'metric':
      return [signal.metric];
    case 'sum':
    case 'max':
      return [...signal.metrics];
    case 'percent':
      return [signal.numerator, signal.denominator];
    case 'gap':
      return [signal.traffic, ...signal.expected];
    case 'anomaly':
      return signalRefs(signal.of);
  }
}

/** The Lambda a route's integration runs: its `lambda` target, or the edge proxy for an HTTP backend. */
export function integrationFunction(route: Route): LambdaHandlerName {
  return route.backend.kind === 'http' ? 'edge-proxy' : route.backend.target;
}

/**
 * Lambdas the local gateway runs as route integrations (in-process, same handler code): their `Duration` is measured
 * locally as the integration latency of their requests (access log `integrationLatency`). The authorizer (timed apart)
 * and the security Lambdas (off the request path) are not.
 */
export const LOCALLY_TIMED_FUNCTIONS: ReadonlySet<LambdaHandlerName> = new Set(
  ROUTES.map(integrationFunction),
);

/**
 * True when the local stack measures the metric: custom metrics from its EMF lines, API Gateway metrics from its access
 * log, and `AWS/Lambda` `Duration` of the {@link LOCALLY_TIMED_FUNCTIONS}; other AWS service metrics (Lambda errors
 * and concurrency, ElastiCache, DynamoDB, Contributor Insights) exist only in AWS.
 */
export function measuredLocally(ref: MetricRef): boolean {
  if (ref.source === 'lambda') {
    return (
      ref.metric === 'Duration' && ref.function !== undefined && LOCALLY_TIMED_FUNCTIONS.has(ref.function)
    );
  }
  return ref.source === 'custom' || ref.source === 'api';
}

/** One metric under one statistic. Missing when the metric has no data point in the period. */
export interface MetricSignal {
  readonly kind: 'metric';
  readonly metric: MetricRef;
  readonly statistic: Statistic;
}

/** `100 × Sum(numerator) / Sum(denominator)` (percent); 0 when the denominator is 0, missing when it has no data. */
export interface PercentSignal {
  readonly kind: 'percent';
  readonly numerator: MetricRef;
  readonly denominator: MetricRef;
}

/** What is compared with the threshold, per period. */
export type AlarmSignal =
  | MetricSignal
  /** Sum of several metrics' `Sum`s (absent ones count 0); missing only when none has data. */
  | { readonly kind: 'sum'; readonly metrics: readonly MetricRef[] }
  /** The largest of several metrics under one statistic, per period (absent ones count 0): `MAX([…])`. */
  | { readonly kind: 'max'; readonly metrics: readonly MetricRef[]; readonly statistic: Statistic }
  | PercentSignal
  /**
   * Telemetry gap: 1 when `traffic` (Sum) reached `minTraffic` in the period while every `expected` metric stayed
   * at 0 or absent, else 0 — never missing (monitoring that went blind is an incident too).
   */
  | {
      readonly kind: 'gap';
      readonly traffic: MetricRef;
      readonly minTraffic: number;
      readonly expected: readonly MetricRef[];
    }
  /**
   * Anomaly: the value of `of` compared with CloudWatch's anomaly-detection band of that same series
   * (`ANOMALY_DETECTION_BAND(of, threshold)`): the definition's `threshold` is the band width in standard deviations
   * and its comparison one of the band comparisons. The model learns the series' own daily and weekly pattern
   * (trained on up to two weeks of history; until then the band is wide).
   */
  | { readonly kind: 'anomaly'; readonly of: MetricSignal | PercentSignal };

/** How periods without data count (CloudWatch `TreatMissingData`). */
export type MissingData = 'notBreaching' | 'breaching' | 'missing' | 'ignore';

/** Comparison of the signal with a static threshold (CloudWatch `ComparisonOperator`). */
export type StaticComparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';

/** Comparison of an `anomaly` signal with its band (CloudWatch's anomaly-detection operators). */
export type BandComparison =
  | 'GreaterThanUpperThreshold'
  | 'LessThanLowerThreshold'
  | 'LessThanLowerOrGreaterThanUpperThreshold';

/** Comparison of the signal with the threshold: static, or with the anomaly band for `anomaly` signals. */
export type Comparison = StaticComparison | BandComparison;

/**
 * Faults the local stack can inject (`PUT /_local/faults`, docs/local.md; never part of a Lambda bundle), with what
 * each does. An auth-failure burst needs no fault: it is the drill's `bad-token` traffic.
 */
export const FAULTS = {
  'redis-frozen':
    'Redis frozen (the spawned redis-server stopped with SIGSTOP, else CLIENT PAUSE ALL renewed): every Redis call hangs',
  'upstream-slow': 'the echo upstream (HTTP backend of the edge proxy) answers after delayMs',
  'upstream-failing': 'the echo upstream answers 500',
  'dynamodb-failing':
    'DynamoDB answers 500 InternalServerError to every call: routes that read or write it fail with 500',
  'limits-clamped':
    "tenantId's limits get a tenant-wide rule of 1 request per minute through the admin API (a 429 storm); removing the fault restores its rules",
} as const;

/** One fault kind of {@link FAULTS}. */
export type FaultKind = keyof typeof FAULTS;

/**
 * Request mixes the drill tool sends while the fault is on (with a fault, the same mix goes on while the alarm
 * recovers; without one the traffic is the condition and stops). Identities are the drill's (`local/drill/`).
 */
export type TrafficKind =
  /** `GET /v1/me` with a valid token of the demo tenant. */
  | 'me'
  /** `GET /v1/market/quotes` through the edge proxy. */
  | 'market'
  /** `GET /v1/me` with a token signed by an unknown key (401 `AuthFailure`). */
  | 'bad-token'
  /** One user of one tenant hammering `GET /v1/me` (429 once its limits are clamped). */
  | 'hammer'
  /** `GET /v1/reports` (the reports Lambda, which reads DynamoDB). */
  | 'reports'
  /** A platform admin re-saving a tenant's limit overrides (`PUT /admin/tenants/{id}/limits`, If-Match). */
  | 'admin-limits';

/** How `npm run drill -- <Alarm>` provokes an alarm on the local stack. */
export interface DrillSpec {
  /**
   * The fault held while the drill sends traffic (none: the traffic alone is the condition). `limits-clamped` applies
   * to the tenant the drill's traffic uses.
   */
  readonly fault?: { readonly kind: FaultKind; readonly delayMs?: number };
  /** Flag values held while the drill runs (restored afterwards), e.g. a metrics flag turned off. */
  readonly flags?: Partial<Record<FlagName, boolean>>;
  /** What the drill sends while the fault is on. */
  readonly traffic: TrafficKind;
  /** Requests per second it aims at (concurrency adapts). */
  readonly ratePerSec: number;
  /**
   * `silence`: the traffic itself is the healthy state — it runs during the baseline and the recovery and stops for
   * the condition (an alarm on metrics that stop arriving). Absent: the condition is the fault, the flags, or the
   * traffic.
   */
  readonly condition?: 'silence';
}

/** One alarm of a stage. */
export interface AlarmDefinition {
  /** Short name; the CloudWatch alarm is `MarketEdge-<stage>-<name>`. */
  readonly name: string;
  /** One line for the alarm description and the drill output. */
  readonly summary: string;
  /** Section anchor in docs/runbooks.md. */
  readonly runbook: string;
  readonly signal: AlarmSignal;
  /** Period, seconds (60 or a multiple). */
  readonly periodSec: number;
  /** A static comparison, or a band comparison for `anomaly` signals. */
  readonly comparison: Comparison;
  /** Static threshold, in the signal's unit; for `anomaly` signals the band width in standard deviations. */
  readonly threshold: number;
  /** Periods looked at ("N"). */
  readonly evaluationPeriods: number;
  /** Breaching periods among them that raise the alarm ("M"). */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingData;
  /** `page` wakes someone (HTTPS endpoints and e-mail), `ticket` is looked at in working hours; both notify the topic. */
  readonly severity: 'page' | 'ticket';
  /** The flag that gates the metric this alarm reads, if any; the gap alarm named in `guardedBy` watches it. */
  readonly gatedBy?: { readonly flag: FlagName; readonly guardedBy: string };
  /** How the drill provokes it, or why it cannot be drilled locally. */
  readonly drill: DrillSpec | { readonly reason: string };
}

/**
 * The evaluation of an alarm on something that must never happen: ALARM as soon as one 5-minute period has a value
 * above 0; no data (nothing happened) is healthy.
 */
const ANY_IN_5_MINUTES = {
  periodSec: 300,
  comparison: 'GreaterThanThreshold',
  threshold: 0,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
} as const satisfies Partial<AlarmDefinition>;

const custom = (metric: MetricName): MetricRef => ({ source: 'custom', metric });
const api = (metric: ApiGatewayMetricName, route?: { method: string; path: string }): MetricRef =>
  route ? { source: 'api', metric, route } : { source: 'api', metric };

/** What differs between two telemetry-gap guards (see {@link metricsGapAlarm}). */
interface MetricsGapSpec {
  readonly name: string;
  /** The traffic, in words (summary). */
  readonly what: string;
  /** The metrics expected with it, in words (summary). */
  readonly missing: string;
  readonly runbook: string;
  readonly traffic: MetricRef;
  readonly expected: readonly MetricRef[];
  /** The flag whose "off" the drill sets to make the metrics stop. */
  readonly flag: FlagName;
  readonly drillTraffic: TrafficKind;
}

/**
 * A telemetry-gap guard: ≥ `minRequests` requests of `traffic` in 5 minutes while none of `expected` arrived (missing
 * data is breaching, so a blind alarm pages too). Its drill turns `flag` off and sends twice the minimum traffic.
 */
function metricsGapAlarm(minRequests: number, g: MetricsGapSpec): AlarmDefinition {
  return {
    name: g.name,
    summary: `${g.what} (≥ ${minRequests} requests in 5 min) without ${g.missing}`,
    runbook: g.runbook,
    signal: { kind: 'gap', traffic: g.traffic, minTraffic: minRequests, expected: g.expected },
    periodSec: 300,
    comparison: 'GreaterThanOrEqualToThreshold',
    threshold: 1,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'breaching',
    severity: 'ticket',
    drill: {
      flags: { [g.flag]: false },
      traffic: g.drillTraffic,
      ratePerSec: Math.max(10, Math.ceil((minRequests * 2) / 300)),
    },
  };
}

/**
 * An anomaly alarm: `signal` per 5 minutes outside CloudWatch's anomaly band of `bandStdDevs` standard deviations, 3
 * periods running (15 minutes; a single odd period is noise). A ticket: the static alarms page for hard limits.
 */
function anomalyAlarm(
  name: string,
  summary: string,
  of: MetricSignal | PercentSignal,
  comparison: BandComparison,
  bandStdDevs: number,
): AlarmDefinition {
  return {
    name,
    summary,
    runbook: 'request-and-error-rate-anomalies',
    signal: { kind: 'anomaly', of },
    periodSec: 300,
    comparison,
    threshold: bandStdDevs,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'ticket',
    drill: {
      reason:
        "CloudWatch's anomaly model learns from up to two weeks of the metric's history, which the local stack " +
        'does not have; the band expression, width and comparison are asserted on every stage template ' +
        '(test/infra/monitoring.test.ts).',
    },
  };
}

/** Prefix of the per-function duration alarms: `LambdaP99Duration-<fn>`. */
export const LAMBDA_DURATION_ALARM_PREFIX = 'LambdaP99Duration-';

/** Runbook section of every `LambdaP99Duration-<fn>` alarm. */
export const LAMBDA_DURATION_RUNBOOK = 'lambda-p99-duration-over-budget';

/** The template assertions that stand in for a drill of a `LambdaP99Duration-<fn>` alarm. */
const DURATION_ASSERTED =
  'the function, p99, period and the threshold equal to its budget in lib/config/budgets.ts are asserted on every ' +
  'stage template (test/infra/monitoring.test.ts).';

/**
 * How `npm run drill -- LambdaP99Duration-<fn>` slows each function past its budget on the local stack, or why it
 * cannot: a drill needs a fault that makes the function itself slow.
 */
function lambdaDurationDrill(fn: LambdaHandlerName, budgetMs: number): AlarmDefinition['drill'] {
  switch (fn) {
    case 'edge-proxy':
      // The edge proxy waits for the upstream: a slow upstream is a slow function.
      return { fault: { kind: 'upstream-slow', delayMs: budgetMs + 500 }, traffic: 'market', ratePerSec: 10 };
    case 'admin':
      // A limits PUT with Redis frozen waits for the policy-version bump's 1 s timeout (BUMP_TIMEOUT_MS).
      return { fault: { kind: 'redis-frozen' }, traffic: 'admin-limits', ratePerSec: 4 };
    case 'reports':
      return {
        reason: `No local fault slows the reports Lambda past ${budgetMs} ms (the DynamoDB fault fails fast, a frozen Redis costs at most the limiter's command timeout, 25 ms by default); ${DURATION_ASSERTED}`,
      };
    case 'health':
      return {
        reason: `GET /health touches no dependency, so no local fault slows it; ${DURATION_ASSERTED}`,
      };
    case 'analytics-report':
      return {
        reason: `The weekly report runs Athena queries in AWS (locally \`npm run analytics:report\` runs the same report core on DuckDB, untimed), and AWS/Lambda Duration exists only in AWS; ${DURATION_ASSERTED}`,
      };
    default:
      return {
        reason: `The local stack does not time ${fn} (the authorizer is timed apart from integrations, the security Lambdas run off the request path), and AWS/Lambda Duration exists only in AWS; ${DURATION_ASSERTED}`,
      };
  }
}

/**
 * `LambdaP99Duration-<fn>`: the function's `AWS/Lambda` `Duration` p99 per 5 minutes above its budget
 * (`LAMBDA_P99_DURATION_BUDGET_MS`, `lib/config/budgets.ts`) for 3 periods running (15 minutes: one slow batch of
 * cold starts is not a trend). A ticket: user-facing latency pages through `ApiLatencyP99` and the latency SLO.
 */
function lambdaDurationAlarm(fn: LambdaHandlerName): AlarmDefinition {
  const budgetMs = LAMBDA_P99_DURATION_BUDGET_MS[fn];
  return {
    name: `${LAMBDA_DURATION_ALARM_PREFIX}${fn}`,
    summary: `Lambda ${fn} p99 duration above its ${budgetMs} ms budget`,
    runbook: LAMBDA_DURATION_RUNBOOK,
    signal: {
      kind: 'metric',
      metric: { source: 'lambda', metric: 'Duration', function: fn },
      statistic: 'p99',
    },
    periodSec: 300,
    comparison: 'GreaterThanThreshold',
    threshold: budgetMs,
    // A scheduled Lambda runs once per schedule: its one data point is the trend (`SCHEDULED_LAMBDAS`).
    evaluationPeriods: SCHEDULED_LAMBDAS.has(fn) ? 1 : 3,
    datapointsToAlarm: SCHEDULED_LAMBDAS.has(fn) ? 1 : 3,
    treatMissingData: 'notBreaching',
    severity: 'ticket',
    drill: lambdaDurationDrill(fn, budgetMs),
  };
}

/** Prefix of the per-route latency alarms: `RouteLatencyP99-<METHOD>-<path segments>`. */
export const ROUTE_LATENCY_ALARM_PREFIX = 'RouteLatencyP99-';

/** Runbook section of every `RouteLatencyP99-<route>` alarm. */
export const ROUTE_LATENCY_RUNBOOK = 'route-p99-latency-high';

/**
 * The per-route latency alarm's short name: `RouteLatencyP99-` + method + the path's segments without braces, joined
 * by `-` (`GET /v1/reports/{reportId}` → `RouteLatencyP99-GET-v1-reports-reportId`).
 */
export function routeLatencyAlarmName(route: Pick<Route, 'method' | 'path'>): string {
  const segs = route.path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}+]/g, ''));
  return `${ROUTE_LATENCY_ALARM_PREFIX}${[route.method, ...segs].join('-')}`;
}

/** The template assertions that stand in for a drill of a `RouteLatencyP99-<route>` alarm. */
const ROUTE_LATENCY_ASSERTED =
  "the route, p99, period and the threshold derived from the route's baseline in lib/config/load-baselines.json " +
  'are asserted on every stage template (test/infra/route-latency.test.ts).';

/**
 * `RouteLatencyP99-<route>`: one route's API Gateway `Latency` p99 per 5 minutes above `thresholdMs` — derived from
 * the route's measured baseline (`routeP99ThresholdMs`, `lib/config/load-baselines.ts`) — for 3 periods running (15
 * minutes). A ticket: user-facing latency pages through `ApiLatencyP99` and the latency SLO. The edge-proxy route
 * has a drill (a slow upstream); no local fault slows the other routes past their thresholds.
 */
function routeLatencyAlarm(route: Route, thresholdMs: number): AlarmDefinition {
  return {
    name: routeLatencyAlarmName(route),
    summary: `${routeKey(route)} p99 latency above ${thresholdMs} ms (its measured baseline × headroom)`,
    runbook: ROUTE_LATENCY_RUNBOOK,
    signal: {
      kind: 'metric',
      metric: { source: 'api', metric: 'Latency', route: { method: route.method, path: route.path } },
      statistic: 'p99',
    },
    periodSec: 300,
    comparison: 'GreaterThanThreshold',
    threshold: thresholdMs,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'ticket',
    drill:
      route.backend.kind === 'http'
        ? { fault: { kind: 'upstream-slow', delayMs: thresholdMs + 500 }, traffic: 'market', ratePerSec: 10 }
        : {
            reason: `No local fault slows ${routeKey(route)} past its ${thresholdMs} ms threshold on its own; ${ROUTE_LATENCY_ASSERTED}`,
          },
  };
}

/**
 * One `RouteLatencyP99-<route>` alarm per route of the route table that has a measured baseline in `baselines`
 * (default: `lib/config/load-baselines.json`), in route-table order; routes without one keep only `ApiLatencyP99`.
 */
export function routeLatencyAlarms(
  config: StageConfig,
  baselines: LoadBaselines = LOAD_BASELINES,
): AlarmDefinition[] {
  return ROUTES.flatMap((route) => {
    const t = routeP99ThresholdMs(route, config, baselines);
    return t === undefined ? [] : [routeLatencyAlarm(route, t)];
  });
}

/**
 * The gateway heartbeat: minutes in a row without a single API request counted (`AWS/ApiGateway` `Count` absent or
 * 0) before `GatewayHeartbeatMissing` pages. The stage's canary calls the API every minute
 * (`lib/config/canary.ts`), so a live stage is never this quiet: silence means the gateway, its metrics or the canary
 * stopped — monitoring that went blind.
 */
export const HEARTBEAT_SILENT_MINUTES = 5;

/**
 * Failed canary runs (of one more run looked at) that page: 2 of 3 — a single failed run (a cold start over the
 * timeout, a network blip) is not an outage; two within three minutes are.
 */
export const CANARY_FAILED_RUNS = 2;

/** The route the edge proxy serves (its requests are the traffic `UpstreamMetricsMissing` compares with). */
export const UPSTREAM_ROUTE = { method: 'ANY', path: '/v1/market/{proxy+}' } as const;

/** Upstream failure metrics of the edge proxy (summed by `UpstreamErrors`). */
export const UPSTREAM_ERROR_METRICS = [
  METRIC.UpstreamTimeout,
  METRIC.UpstreamUnavailable,
  METRIC.Upstream5xx,
  METRIC.UpstreamResponseTooLarge,
] as const;

/**
 * Every alarm of a stage, thresholds from the stage config (`alarms`):
 * - `ApiLatencyP99`: API `Latency` p99 > `p99LatencyMs` for 3 of 5 minutes;
 * - `Api5xxRate`: 5XX > `error5xxPercent` % of requests over 5 minutes;
 * - `AuthFailures`: `AuthFailure` > `authFailuresPerMinute` per minute, 3 minutes running;
 * - `RateLimitDenied`: 429s > `rateLimitDeniedPerMinute` per minute, 3 minutes running;
 * - `RateLimitDegraded`: decisions without Redis > `rateLimitDegradedPerMinute` per minute, 2 minutes running;
 * - `UpstreamErrors`: edge-proxy upstream failures > `upstreamErrorsPerMinute` per minute, 3 minutes running;
 * - `UnhandledErrors`: `UnhandledError` > `unhandledErrorsPer5Min` in 5 minutes;
 * - `AdminPolicyBumpFailed`: a saved limits change the limiters did not pick up (any, 5 minutes);
 * - `RequestCountAnomaly`, `Api4xxRateAnomaly`, `Api5xxRateAnomaly`: requests per 5 minutes outside, 4XX/5XX share
 *   above, their anomaly band (`anomalyBandStdDevs`) for 15 minutes;
 * - `LimiterMetricsMissing`, `UpstreamMetricsMissing`: traffic without the metrics a flag gates (telemetry gaps);
 * - `LambdaP99Duration-<fn>`: each Lambda's p99 duration above its budget (`lib/config/budgets.ts`), 15 minutes
 *   (one run of a scheduled Lambda);
 * - `RouteLatencyP99-<route>`: each measured route's p99 latency above the threshold derived from its baseline
 *   (`lib/config/load-baselines.json`, `routeP99ThresholdMs`), 15 minutes;
 * - `CanaryFailing`: the stage canary failed {@link CANARY_FAILED_RUNS} of its last runs, or stopped (missing data
 *   breaching);
 * - `GatewayHeartbeatMissing`: no API `Count` data point for {@link HEARTBEAT_SILENT_MINUTES} minutes running
 *   (missing data is breaching: the canary's every-minute calls make silence an incident);
 * - `WeeklyReportFailed`: a message in the weekly analytics report's dead-letter queue (a run failed after its
 *   retries, Scheduler gave up invoking it, or the notification was undeliverable);
 * - the capacity alarms (`./capacity-alarms.ts`).
 */
export function alarmDefinitions(config: StageConfig): AlarmDefinition[] {
  const a = config.alarms;
  return [
    {
      name: 'ApiLatencyP99',
      summary: `API p99 latency above ${a.p99LatencyMs} ms`,
      runbook: 'api-p99-latency-high',
      signal: { kind: 'metric', metric: api('Latency'), statistic: 'p99' },
      periodSec: 60,
      comparison: 'GreaterThanThreshold',
      threshold: a.p99LatencyMs,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      severity: 'page',
      drill: {
        fault: { kind: 'upstream-slow', delayMs: a.p99LatencyMs + 500 },
        traffic: 'market',
        ratePerSec: 10,
      },
    },
    {
      name: 'Api5xxRate',
      summary: `5XX above ${a.error5xxPercent} % of requests`,
      runbook: 'api-5xx-rate-high',
      signal: { kind: 'percent', numerator: api('5XXError'), denominator: api('Count') },
      periodSec: 300,
      comparison: 'GreaterThanThreshold',
      threshold: a.error5xxPercent,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      severity: 'page',
      drill: { fault: { kind: 'upstream-failing' }, traffic: 'market', ratePerSec: 20 },
    },
    {
      name: 'AuthFailures',
      summary: `more than ${a.authFailuresPerMinute} authorizer failures per minute`,
      runbook: 'auth-failures-spike',
      signal: { kind: 'metric', metric: custom(METRIC.AuthFailure), statistic: 'Sum' },
      periodSec: 60,
      comparison: 'GreaterThanThreshold',
      threshold: a.authFailuresPerMinute,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      severity: 'page',
      drill: { traffic: 'bad-token', ratePerSec: Math.ceil((a.authFailuresPerMinute * 1.5) / 60) },
    },
    {
      name: 'RateLimitDenied',
      summary: `more than ${a.rateLimitDeniedPerMinute} rate-limit denials per minute`,
      runbook: 'rate-limit-denials-high',
      signal: { kind: 'metric', metric: custom(METRIC.RateLimitDenied), statistic: 'Sum' },
      periodSec: 60,
      comparison: 'GreaterThanThreshold',
      threshold: a.rateLimitDeniedPerMinute,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      severity: 'ticket',
      gatedBy: { flag: 'gateway_observability_enabled', guardedBy: 'LimiterMetricsMissing' },
      drill: {
        fault: { kind: 'limits-clamped' },
        traffic: 'hammer',
        ratePerSec: Math.ceil((a.rateLimitDeniedPerMinute * 1.5) / 60),
      },
    },
    {
      name: 'RateLimitDegraded',
      summary: `more than ${a.rateLimitDegradedPerMinute} degraded limiter decisions per minute (Redis unavailable)`,
      runbook: 'rate-limiter-degraded',
      signal: { kind: 'metric', metric: custom(METRIC.RateLimitDegraded), statistic: 'Sum' },
      periodSec: 60,
      comparison: 'GreaterThanThreshold',
      threshold: a.rateLimitDegradedPerMinute,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      severity: 'page',
      gatedBy: { flag: 'gateway_observability_enabled', guardedBy: 'LimiterMetricsMissing' },
      drill: {
        fault: { kind: 'redis-frozen' },
        traffic: 'me',
        ratePerSec: Math.max(10, Math.ceil((a.rateLimitDegradedPerMinute * 2) / 60)),
      },
    },
    {
      name: 'UpstreamErrors',
      summary: `more than ${a.upstreamErrorsPerMinute} failed upstream calls per minute (timeouts, unreachable, 5xx, too large)`,
      runbook: 'upstream-errors',
      signal: { kind: 'sum', metrics: UPSTREAM_ERROR_METRICS.map(custom) },
      periodSec: 60,
      comparison: 'GreaterThanThreshold',
      threshold: a.upstreamErrorsPerMinute,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      severity: 'ticket',
      drill: {
        fault: { kind: 'upstream-failing' },
        traffic: 'market',
        ratePerSec: Math.max(10, Math.ceil((a.upstreamErrorsPerMinute * 1.5) / 60)),
      },
    },
    {
      name: 'UnhandledErrors',
      summary: `more than ${a.unhandledErrorsPer5Min} unhandled errors (500) in the service Lambdas in 5 minutes`,
      runbook: 'unhandled-errors',
      signal: { kind: 'metric', metric: custom(METRIC.UnhandledError), statistic: 'Sum' },
      periodSec: 300,
      comparison: 'GreaterThanThreshold',
      threshold: a.unhandledErrorsPer5Min,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      severity: 'ticket',
      drill: {
        fault: { kind: 'dynamodb-failing' },
        traffic: 'reports',
        ratePerSec: Math.max(2, Math.ceil((a.unhandledErrorsPer5Min * 2) / 300)),
      },
    },
    {
      name: 'AdminPolicyBumpFailed',
      summary: 'a limits change was saved but the limiters were not told (policy version bump failed)',
      runbook: 'admin-policy-bump-failed',
      signal: { kind: 'metric', metric: custom(METRIC.AdminPolicyBumpFailed), statistic: 'Sum' },
      ...ANY_IN_5_MINUTES,
      severity: 'page',
      drill: { fault: { kind: 'redis-frozen' }, traffic: 'admin-limits', ratePerSec: 1 },
    },
    anomalyAlarm(
      'RequestCountAnomaly',
      'API requests per 5 minutes outside their expected band (a traffic spike or drop)',
      { kind: 'metric', metric: api('Count'), statistic: 'Sum' },
      'LessThanLowerOrGreaterThanUpperThreshold',
      a.anomalyBandStdDevs,
    ),
    anomalyAlarm(
      'Api4xxRateAnomaly',
      '4XX share of requests above its expected band',
      { kind: 'percent', numerator: api('4XXError'), denominator: api('Count') },
      'GreaterThanUpperThreshold',
      a.anomalyBandStdDevs,
    ),
    anomalyAlarm(
      'Api5xxRateAnomaly',
      '5XX share of requests above its expected band',
      { kind: 'percent', numerator: api('5XXError'), denominator: api('Count') },
      'GreaterThanUpperThreshold',
      a.anomalyBandStdDevs,
    ),
    metricsGapAlarm(a.metricsGapMinRequests, {
      name: 'LimiterMetricsMissing',
      what: 'API traffic',
      missing: 'any limiter decision metric',
      runbook: 'limiter-metrics-missing',
      traffic: api('Count'),
      expected: [
        custom(METRIC.RateLimitAllowed),
        custom(METRIC.RateLimitDenied),
        custom(METRIC.RateLimitDegraded),
      ],
      flag: 'gateway_observability_enabled',
      drillTraffic: 'me',
    }),
    metricsGapAlarm(a.metricsGapMinRequests, {
      name: 'UpstreamMetricsMissing',
      what: 'upstream route traffic',
      missing: 'UpstreamLatency',
      runbook: 'upstream-metrics-missing',
      traffic: api('Count', UPSTREAM_ROUTE),
      expected: [custom(METRIC.UpstreamLatency)],
      flag: 'apm_monitoring_enabled',
      drillTraffic: 'market',
    }),
    ...LAMBDA_HANDLERS.map(lambdaDurationAlarm),
    ...routeLatencyAlarms(config),
    {
      name: 'CanaryFailing',
      summary: `the stage canary failed ${CANARY_FAILED_RUNS} of its last ${CANARY_FAILED_RUNS + 1} runs (GET /health or GET /v1/me with an M2M token), or stopped running`,
      runbook: 'canary-failing',
      signal: {
        kind: 'metric',
        metric: { source: 'canary', metric: 'SuccessPercent' },
        statistic: 'Average',
      },
      periodSec: 60 * CANARY_SCHEDULE_MINUTES,
      comparison: 'LessThanThreshold',
      threshold: 100,
      evaluationPeriods: CANARY_FAILED_RUNS + 1,
      datapointsToAlarm: CANARY_FAILED_RUNS,
      treatMissingData: 'breaching',
      severity: 'page',
      drill: {
        reason:
          'SuccessPercent is published by CloudWatch Synthetics for its own runs; locally `npm run canary` runs the ' +
          'same script (canary/checks.ts) against the stack and ends with RESULT {json}, and the alarm (metric, ' +
          'period, M of N, missing data breaching) is asserted on every stage template (test/infra/canary.test.ts).',
      },
    },
    {
      name: 'GatewayHeartbeatMissing',
      summary: `no API request counted for ${HEARTBEAT_SILENT_MINUTES} minutes although the canary calls every minute (gateway metrics stopped arriving)`,
      runbook: 'gateway-heartbeat-missing',
      signal: { kind: 'metric', metric: api('Count'), statistic: 'SampleCount' },
      periodSec: 60,
      comparison: 'LessThanThreshold',
      threshold: 1,
      evaluationPeriods: HEARTBEAT_SILENT_MINUTES,
      datapointsToAlarm: HEARTBEAT_SILENT_MINUTES,
      treatMissingData: 'breaching',
      severity: 'page',
      drill: { traffic: 'me', ratePerSec: 5, condition: 'silence' },
    },
    {
      name: 'WeeklyReportFailed',
      summary: `a weekly analytics report run failed after its retries, or its notification was not delivered (messages in ${weeklyReportNames(config.name).deadLetterQueue})`,
      runbook: 'weekly-report-failed',
      signal: {
        kind: 'metric',
        metric: {
          source: 'queue',
          metric: 'ApproximateNumberOfMessagesVisible',
          queue: weeklyReportNames(config.name).deadLetterQueue,
        },
        statistic: 'Maximum',
      },
      ...ANY_IN_5_MINUTES,
      severity: 'ticket',
      drill: {
        reason:
          'The schedule, the asynchronous invocation and the dead-letter queue exist only in AWS; locally ' +
          '`npm run analytics:report` runs the same report core (test/integration/analytics/report-cli.test.ts), the ' +
          "Lambda's job fails on a failed query, write or publish (test/unit/analytics/weekly-report-job.test.ts), " +
          'and the schedule (retry policy, dead-letter queue), the Lambda (retries, dead-letter queue) and this ' +
          'alarm are asserted on every stage template (test/infra/weekly-report.test.ts).',
      },
    },
    ...capacityAlarmDefinitions(config),
  ];
}

/** The services whose `[service, stage]` series make up a custom metric (from the metric catalog's emitter). */
export function servicesOf(metric: MetricName): readonly string[] {
  return EMITTER_SERVICES[METRIC_CATALOG[metric].emitter];
}

/** Full CloudWatch alarm name: `MarketEdge-<stage>-<name>`. */
export function alarmName(stage: string, name: string): string {
  return `MarketEdge-${stage}-${name}`;
}

/** Runbook file the alarm descriptions point to (sections by anchor). */
export const RUNBOOK_PATH = 'docs/runbooks.md';

/** Link to a runbook section: `docs/runbooks.md#<anchor>` (alarm descriptions, `GET /_local/alarms`, drills). */
export function runbookRef(anchor: string): string {
  return `${RUNBOOK_PATH}#${anchor}`;
}
