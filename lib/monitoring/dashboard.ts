import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { ROUTES, type Route, routeKey, type StageConfig } from '../config';
import { alarmDefinitions, UPSTREAM_ERROR_METRICS } from '../config/alarms';
import { routeP99ThresholdMs } from '../config/load-baselines';
import { METRIC, RATE_LIMIT_METRICS } from '../config/metrics';
import { RUNBOOK_PATH } from './alarms';
import { apmWidgets } from './apm-widgets';
import { canaryWidgets } from './canary-widgets';
import { capacityWidgets } from './capacity-widgets';
import { MetricFactory, type MonitoringTarget } from './metric-factory';
import { segmentWidgets } from './segment-widgets';
import { sloWidgets } from './slo-widgets';

/**
 * Dashboard widgets of a stage, top to bottom: stage header; alarm status; SLOs (error budget remaining, SLI, burn
 * rate); the canary (uptime, run duration); API totals (requests, 4XX, 5XX, p50/p99 latency); request count and 4XX/5XX share with their anomaly bands;
 * limiter outcomes (`RateLimit*`) and `AuthFailure`; denials by route; upstream (edge proxy) latency p50/p99 and
 * failures; errors and security signals (`UnhandledError`, `IdentityHeaderSpoofAttempt`, `AdminAccessDenied`,
 * `AdminPolicyBumpFailed`); business (`ReportCreated`, `ReportDeleted`); one row per route of the route table
 * (requests/errors and p99 latency); by user type and by tier (requests, active tenants, latency and statuses); Lambda errors, throttles and p99 duration per function; APM; capacity. Every metric of the
 * metric catalog is on it (a test checks).
 */
export function dashboardWidgets(metrics: MetricFactory, alarms: readonly cw.IAlarm[] = []): cw.IWidget[][] {
  const { target, stage } = metrics;
  const rows: cw.IWidget[][] = [];
  rows.push([
    new cw.TextWidget({
      markdown: `# MarketEdge ${stage}\nAPI \`${target.apiName}\`, stage \`${target.stageName}\`. Alarms link to runbooks in \`${RUNBOOK_PATH}\`. Per-tenant views (tenantId is not a metric dimension): Contributor Insights rules \`MarketEdge-${stage}-*\` and the saved Logs Insights queries \`MarketEdge/${stage}/*\` (see \`docs/troubleshooting.md\`).`,
      width: 24,
      height: 2,
    }),
  ]);
  if (alarms.length > 0) {
    rows.push([
      new cw.AlarmStatusWidget({
        title: 'Alarms (each links its runbook in the description)',
        alarms: [...alarms],
        width: 24,
        height: Math.max(2, Math.ceil(alarms.length / 4) + 1),
      }),
    ]);
  }
  // SLOs: error budget remaining, SLI and burn rate per SLO (slo-widgets.ts).
  rows.push(...sloWidgets(metrics));
  // Uptime measured from outside by the Synthetics canary (canary-widgets.ts).
  rows.push(...canaryWidgets(metrics));
  rows.push([
    new cw.GraphWidget({
      title: 'Requests and errors',
      left: [
        metrics.apiMetric('Count', 'Sum'),
        metrics.apiMetric('4XXError', 'Sum'),
        metrics.apiMetric('5XXError', 'Sum'),
      ],
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Latency (ms)',
      left: [
        metrics.apiMetric('Latency', 'p50'),
        metrics.apiMetric('Latency', 'p99'),
        metrics.apiMetric('IntegrationLatency', 'p99'),
      ],
      leftAnnotations: [{ value: target.config.alarms.p99LatencyMs, label: 'p99 alarm' }],
      width: 12,
    }),
  ]);
  rows.push(anomalyWidgets(metrics));
  rows.push([
    new cw.GraphWidget({
      title: 'Rate limiter decisions per minute',
      left: RATE_LIMIT_METRICS.map((m) => metrics.stageSum(m)),
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Auth failures and degraded decisions per minute',
      left: [metrics.stageSum(METRIC.AuthFailure), metrics.stageSum(METRIC.RateLimitDegraded)],
      leftAnnotations: [
        { value: target.config.alarms.authFailuresPerMinute, label: 'auth failure alarm' },
        { value: target.config.alarms.rateLimitDegradedPerMinute, label: 'degraded alarm' },
      ],
      width: 12,
    }),
  ]);
  rows.push([
    new cw.GraphWidget({
      title: 'Rate-limit denials by route',
      left: [metrics.stageSum(METRIC.RateLimitDenied, 'denied', 'route')],
      width: 24,
    }),
  ]);
  const ep = (m: Parameters<MetricFactory['serviceMetric']>[0], stat: string) =>
    metrics.serviceMetric(m, 'edge-proxy', stat, Duration.minutes(1)).with({ label: `${m} ${stat}` });
  rows.push([
    new cw.GraphWidget({
      title: 'Upstream (edge proxy) latency (ms)',
      left: [ep(METRIC.UpstreamLatency, 'p50'), ep(METRIC.UpstreamLatency, 'p99')],
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Upstream failures per minute',
      left: UPSTREAM_ERROR_METRICS.map((m) => ep(m, 'Sum')),
      leftAnnotations: [
        { value: target.config.alarms.upstreamErrorsPerMinute, label: 'UpstreamErrors alarm (sum)' },
      ],
      width: 12,
    }),
  ]);
  rows.push([
    new cw.GraphWidget({
      title: 'Errors and security signals per minute',
      left: [
        metrics.stageSum(METRIC.UnhandledError),
        metrics.stageSum(METRIC.IdentityHeaderSpoofAttempt),
        metrics.stageSum(METRIC.AdminAccessDenied),
        metrics.stageSum(METRIC.AdminPolicyBumpFailed),
      ],
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Reports created and deleted per minute',
      left: [metrics.stageSum(METRIC.ReportCreated), metrics.stageSum(METRIC.ReportDeleted)],
      width: 12,
    }),
  ]);
  const routeWidgets = ROUTES.map(
    (route) =>
      new cw.GraphWidget({
        title: `${routeKey(route)} — ${route.summary}`,
        left: [
          metrics.routeMetric(route, 'Count', 'Sum'),
          metrics.routeMetric(route, '4XXError', 'Sum'),
          metrics.routeMetric(route, '5XXError', 'Sum'),
        ],
        right: [metrics.routeMetric(route, 'Latency', 'p99')],
        // The route's p99 alarm threshold, derived from its measured baseline (lib/config/load-baselines.ts).
        ...routeThresholdAnnotation(route, target.config),
        width: 8,
        height: 5,
      }),
  );
  for (let i = 0; i < routeWidgets.length; i += 3) rows.push(routeWidgets.slice(i, i + 3));
  // By user type and by tier: Contributor Insights rule metrics and a saved Logs Insights query (segment-widgets.ts).
  rows.push(...segmentWidgets(metrics));
  const fns = Object.values(target.functionNames);
  rows.push([
    new cw.GraphWidget({
      title: 'Lambda errors and throttles',
      left: fns.flatMap((fn) => [
        metrics.lambdaMetric(fn, 'Errors', 'Sum'),
        metrics.lambdaMetric(fn, 'Throttles', 'Sum'),
      ]),
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Lambda duration p99 (ms)',
      left: fns.map((fn) => metrics.lambdaMetric(fn, 'Duration', 'p99')),
      width: 12,
    }),
  ]);
  // APM: dependency latency per operation and Lambda Insights (apm-widgets.ts).
  rows.push(...apmWidgets(metrics));
  // Capacity planning: every capacity alarm's resource against its limit (capacity-widgets.ts).
  rows.push(...capacityWidgets(metrics));
  return rows;
}

/**
 * One graph per anomaly alarm of the catalog (`RequestCountAnomaly`, `Api4xxRateAnomaly`, `Api5xxRateAnomaly`): the
 * alarm's 5-minute series with its anomaly-detection band (the band width of the alarm).
 */
export function anomalyWidgets(metrics: MetricFactory): cw.IWidget[] {
  const defs = alarmDefinitions(metrics.target.config);
  return defs.flatMap((def) => {
    if (def.signal.kind !== 'anomaly') return [];
    const period = Duration.seconds(def.periodSec);
    const series = metrics.signalMetric(def.signal, period, def.name);
    return [
      new cw.GraphWidget({
        title: `${def.name}: ${def.summary}`,
        left: [
          series,
          cw.Metric.anomalyDetectionFor({
            metric: series,
            stdDevs: def.threshold,
            label: `expected band (${def.threshold} σ)`,
            period,
          }),
        ],
        width: 8,
        height: 6,
      }),
    ];
  });
}

/** Builds the stage dashboard `MarketEdge-<stage>` from {@link dashboardWidgets}, with the stage's alarms on top. */
export function buildDashboard(
  scope: Construct,
  id: string,
  target: MonitoringTarget,
  alarms: readonly cw.IAlarm[] = [],
): cw.Dashboard {
  return new cw.Dashboard(scope, id, {
    dashboardName: `MarketEdge-${target.config.name}`,
    defaultInterval: Duration.hours(3),
    widgets: dashboardWidgets(new MetricFactory(target), alarms),
  });
}

/** `rightAnnotations` marking a route's p99 alarm threshold on its widget (none without a measured baseline). */
function routeThresholdAnnotation(
  route: Route,
  config: StageConfig,
): { rightAnnotations?: cw.HorizontalAnnotation[] } {
  const t = routeP99ThresholdMs(route, config);
  return t === undefined ? {} : { rightAnnotations: [{ value: t, label: 'p99 alarm' }] };
}
