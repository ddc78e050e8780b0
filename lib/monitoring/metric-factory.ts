import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Route, StageConfig } from '../config';
import { METRICS_NAMESPACE, type MetricName } from '../config/metrics';

/** What a dashboard/alarm set is built for. */
export interface MonitoringTarget {
  /** The stage's validated config (thresholds in `alarms`). */
  readonly config: StageConfig;
  /** REST API name (`ApiName` dimension). */
  readonly apiName: string;
  /** API Gateway stage name (`Stage` dimension). */
  readonly stageName: string;
  /** Physical Lambda names by service (`FunctionName` dimension). */
  readonly functionNames: Readonly<Record<string, string>>;
}

/** API Gateway REST metrics the dashboards and alarms read (`AWS/ApiGateway`). */
export type ApiGatewayMetricName = 'Count' | '4XXError' | '5XXError' | 'Latency' | 'IntegrationLatency';

/** Lambda metrics the dashboards read (`AWS/Lambda`). */
export type LambdaMetricName = 'Errors' | 'Throttles' | 'Duration';

/** The default metric period: one minute. */
export const DEFAULT_PERIOD = Duration.minutes(1);

/**
 * A CloudWatch Metrics Insights query summing a `MarketEdge` metric over every dimension set of the stage.
 * Powertools emits limiter metrics with `service`, `stage` and sometimes `route`/`tier`; querying the namespace
 * (not one dimension set) keeps dashboards and alarms correct whatever dimensions a Lambda adds.
 * @param metricName e.g. `RateLimitDenied`
 * @param stage stage name
 * @param groupBy optional dimension to split by (e.g. `route`)
 */
export function insightsQuery(metricName: MetricName, stage: string, groupBy?: string): string {
  const base = `SELECT SUM(${metricName}) FROM ${METRICS_NAMESPACE} WHERE stage = '${stage}'`;
  return groupBy ? `${base} GROUP BY ${groupBy}` : base;
}

/**
 * The metric factory of one stage (the cdk-monitoring-constructs pattern): every metric the dashboards, the alarms
 * and the tests use is built here, so a widget and the alarm on the same signal read the same metric object. Custom
 * metric names come from `lib/config/metrics.ts`; periods are one minute unless given.
 */
export class MetricFactory {
  constructor(readonly target: MonitoringTarget) {}

  /** The stage name (`stage` dimension of custom metrics). */
  get stage(): string {
    return this.target.config.name;
  }

  /** Per-minute sum of a `MarketEdge` metric across the stage (Metrics Insights, see {@link insightsQuery}). */
  stageSum(metricName: MetricName, label: string = metricName, groupBy?: string): cw.IMetric {
    return new cw.MathExpression({
      expression: insightsQuery(metricName, this.stage, groupBy),
      label,
      period: DEFAULT_PERIOD,
    });
  }

  /** A stage-wide API Gateway metric (`ApiName`, `Stage`). */
  apiMetric(
    metricName: ApiGatewayMetricName,
    statistic: string,
    period: Duration = DEFAULT_PERIOD,
  ): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.target.apiName, Stage: this.target.stageName },
      statistic,
      period,
      label: `${metricName} ${statistic}`,
    });
  }

  /** An API Gateway metric of one route (detailed metrics: `ApiName`, `Method`, `Resource`, `Stage`). */
  routeMetric(route: Route, metricName: ApiGatewayMetricName, statistic: string): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: {
        ApiName: this.target.apiName,
        Method: route.method,
        Resource: route.path,
        Stage: this.target.stageName,
      },
      statistic,
      period: DEFAULT_PERIOD,
      label: `${metricName} ${statistic}`,
    });
  }

  /** A Lambda metric of one function (`FunctionName`), labelled with the function name. */
  lambdaMetric(functionName: string, metricName: LambdaMetricName, statistic: string): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: functionName },
      statistic,
      period: DEFAULT_PERIOD,
      label: `${functionName} ${metricName}`,
    });
  }

  /** Stage-wide 5XX share of requests over `period`, percent (0 when there were no requests). */
  api5xxPercent(period: Duration): cw.IMetric {
    return new cw.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: this.apiMetric('5XXError', 'Sum', period),
        requests: this.apiMetric('Count', 'Sum', period),
      },
      period,
      label: '5XX %',
    });
  }
}
