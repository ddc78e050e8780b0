import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { ROUTES, type Route, routeKey, type StageConfig } from '../lib/config';
import { AUTH_FAILURE_METRIC, METRICS_NAMESPACE, RATE_LIMIT_METRICS } from '../lib/config/metrics';

/** What a dashboard/alarm set is built for. */
export interface MonitoringTarget {
  config: StageConfig;
  /** REST API name (`ApiName` dimension). */
  apiName: string;
  /** API Gateway stage name (`Stage` dimension). */
  stageName: string;
  /** Physical Lambda names by service (`FunctionName` dimension). */
  functionNames: Readonly<Record<string, string>>;
}

/**
 * A CloudWatch Metrics Insights query summing a `MarketEdge` metric over every dimension set of the stage.
 * Powertools emits limiter metrics with `service`, `stage` and sometimes `route`/`tier`; querying the namespace
 * (not one dimension set) keeps dashboards and alarms correct whatever dimensions a Lambda adds.
 * @param metricName e.g. `RateLimitDenied`
 * @param stage stage name
 * @param groupBy optional dimension to split by (e.g. `route`)
 */
export function insightsQuery(metricName: string, stage: string, groupBy?: string): string {
  const base = `SELECT SUM(${metricName}) FROM ${METRICS_NAMESPACE} WHERE stage = '${stage}'`;
  return groupBy ? `${base} GROUP BY ${groupBy}` : base;
}

/** Per-minute sum of a `MarketEdge` metric across the stage (Metrics Insights). */
export function stageSum(
  metricName: string,
  stage: string,
  label = metricName,
  groupBy?: string,
): cw.IMetric {
  return new cw.MathExpression({
    expression: insightsQuery(metricName, stage, groupBy),
    label,
    period: Duration.minutes(1),
  });
}

/** An API Gateway metric of one route (detailed metrics: `ApiName`, `Method`, `Resource`, `Stage`). */
export function routeMetric(
  target: MonitoringTarget,
  route: Route,
  metricName: 'Count' | '4XXError' | '5XXError' | 'Latency' | 'IntegrationLatency',
  statistic: string,
): cw.Metric {
  return new cw.Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: {
      ApiName: target.apiName,
      Method: route.method,
      Resource: route.path,
      Stage: target.stageName,
    },
    statistic,
    period: Duration.minutes(1),
    label: `${metricName} ${statistic}`,
  });
}

/** A stage-wide API Gateway metric (`ApiName`, `Stage`). */
export function apiMetric(
  target: MonitoringTarget,
  metricName: 'Count' | '4XXError' | '5XXError' | 'Latency' | 'IntegrationLatency',
  statistic: string,
  period: Duration = Duration.minutes(1),
): cw.Metric {
  return new cw.Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: { ApiName: target.apiName, Stage: target.stageName },
    statistic,
    period,
    label: `${metricName} ${statistic}`,
  });
}

/**
 * Dashboard widgets of a stage, top to bottom: stage header; API totals (requests, 4XX, 5XX, p50/p99 latency);
 * limiter outcomes (`RateLimit*`) and `AuthFailure`; denials by route; one row per route of the route table
 * (requests/errors and p99 latency); Lambda errors, throttles and p99 duration per function.
 */
export function dashboardWidgets(target: MonitoringTarget): cw.IWidget[][] {
  const stage = target.config.name;
  const rows: cw.IWidget[][] = [];
  rows.push([
    new cw.TextWidget({
      markdown: `# MarketEdge ${stage}\nAPI \`${target.apiName}\`, stage \`${target.stageName}\`. Alarms link to runbooks in \`docs/runbooks.md\`. Per-tenant views (tenantId is not a metric dimension): Contributor Insights rules \`MarketEdge-${stage}-Top*\` and Logs Insights on the access log group.`,
      width: 24,
      height: 2,
    }),
  ]);
  rows.push([
    new cw.GraphWidget({
      title: 'Requests and errors',
      left: [
        apiMetric(target, 'Count', 'Sum'),
        apiMetric(target, '4XXError', 'Sum'),
        apiMetric(target, '5XXError', 'Sum'),
      ],
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Latency (ms)',
      left: [
        apiMetric(target, 'Latency', 'p50'),
        apiMetric(target, 'Latency', 'p99'),
        apiMetric(target, 'IntegrationLatency', 'p99'),
      ],
      leftAnnotations: [{ value: target.config.alarms.p99LatencyMs, label: 'p99 alarm' }],
      width: 12,
    }),
  ]);
  rows.push([
    new cw.GraphWidget({
      title: 'Rate limiter decisions per minute',
      left: RATE_LIMIT_METRICS.map((m) => stageSum(m, stage)),
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Auth failures and degraded decisions per minute',
      left: [stageSum(AUTH_FAILURE_METRIC, stage), stageSum('RateLimitDegraded', stage)],
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
      left: [stageSum('RateLimitDenied', stage, 'denied', 'route')],
      width: 24,
    }),
  ]);
  const routeWidgets = ROUTES.map(
    (route) =>
      new cw.GraphWidget({
        title: `${routeKey(route)} — ${route.summary}`,
        left: [
          routeMetric(target, route, 'Count', 'Sum'),
          routeMetric(target, route, '4XXError', 'Sum'),
          routeMetric(target, route, '5XXError', 'Sum'),
        ],
        right: [routeMetric(target, route, 'Latency', 'p99')],
        width: 8,
        height: 5,
      }),
  );
  for (let i = 0; i < routeWidgets.length; i += 3) rows.push(routeWidgets.slice(i, i + 3));
  const fnMetric = (fn: string, metricName: string, statistic: string) =>
    new cw.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: fn },
      statistic,
      period: Duration.minutes(1),
      label: `${fn} ${metricName}`,
    });
  const fns = Object.values(target.functionNames);
  rows.push([
    new cw.GraphWidget({
      title: 'Lambda errors and throttles',
      left: fns.flatMap((fn) => [fnMetric(fn, 'Errors', 'Sum'), fnMetric(fn, 'Throttles', 'Sum')]),
      width: 12,
    }),
    new cw.GraphWidget({
      title: 'Lambda duration p99 (ms)',
      left: fns.map((fn) => fnMetric(fn, 'Duration', 'p99')),
      width: 12,
    }),
  ]);
  return rows;
}

/** Builds the stage dashboard `MarketEdge-<stage>` from {@link dashboardWidgets}. */
export function buildDashboard(scope: Construct, id: string, target: MonitoringTarget): cw.Dashboard {
  return new cw.Dashboard(scope, id, {
    dashboardName: `MarketEdge-${target.config.name}`,
    defaultInterval: Duration.hours(3),
    widgets: dashboardWidgets(target),
  });
}
