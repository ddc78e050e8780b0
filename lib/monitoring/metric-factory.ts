import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { StageConfig } from '../config';
import {
  type AlarmSignal,
  type ApiGatewayMetricName,
  type MetricRef,
  type Statistic,
  servicesOf,
} from '../config/alarms';
import { CANARY_NAMESPACE, type CanaryMetricName, canaryName } from '../config/canary';
import { contributorRuleName } from '../config/contributors';
import { METRICS_NAMESPACE, type MetricName } from '../config/metrics';
import { rateLimitCacheName } from '../constructs/cache';
import { physicalTableName } from '../constructs/tables';

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

export type { ApiGatewayMetricName };

/** Lambda metrics the dashboards read (`AWS/Lambda`). */
export type LambdaMetricName = 'Errors' | 'Throttles' | 'Duration' | 'ConcurrentExecutions';

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
  // Every emitter also publishes a [service, stage] series (the one alarms sum); the stage-wide query reads only that
  // schema so no data point is counted twice, the grouped one only series that carry the group key.
  const from = groupBy
    ? `${METRICS_NAMESPACE} WHERE stage = '${stage}' AND ${groupBy} != ''`
    : `SCHEMA(${METRICS_NAMESPACE}, service, stage) WHERE stage = '${stage}'`;
  const base = `SELECT SUM(${metricName}) FROM ${from}`;
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
    return this.gatewayMetric(metricName, statistic, period, {});
  }

  /** An API Gateway metric of one route (detailed metrics: `ApiName`, `Method`, `Resource`, `Stage`). */
  routeMetric(
    route: { readonly method: string; readonly path: string },
    metricName: ApiGatewayMetricName,
    statistic: string,
    period: Duration = DEFAULT_PERIOD,
  ): cw.Metric {
    return this.gatewayMetric(metricName, statistic, period, {
      Method: route.method,
      Resource: route.path,
    });
  }

  /** `AWS/ApiGateway` metric of this API and stage, narrowed by `extra` dimensions (`Method`, `Resource`). */
  private gatewayMetric(
    metricName: ApiGatewayMetricName,
    statistic: string,
    period: Duration,
    extra: Readonly<Record<string, string>>,
  ): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.target.apiName, ...extra, Stage: this.target.stageName },
      statistic,
      period,
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

  /** A custom metric of one emitting service, stage-wide (`[service, stage]` series). */
  serviceMetric(metricName: MetricName, service: string, statistic: string, period: Duration): cw.Metric {
    return new cw.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service, stage: this.stage },
      statistic,
      period,
      label: `${metricName} ${service}`,
    });
  }

  /** An AWS service metric of the stage (`AWS/Lambda`, `AWS/ElastiCache`, `AWS/DynamoDB`, `AWS/SQS`). */
  awsMetric(
    namespace: string,
    metricName: string,
    dimensionsMap: Record<string, string>,
    statistic: string,
    period: Duration = DEFAULT_PERIOD,
    label = `${metricName} ${statistic}`,
  ): cw.Metric {
    return new cw.Metric({ namespace, metricName, dimensionsMap, statistic, period, label });
  }

  /** A metric of the stage's Synthetics canary (`CloudWatchSynthetics`, `CanaryName`). */
  canaryMetric(
    metricName: CanaryMetricName,
    statistic: string,
    period: Duration = DEFAULT_PERIOD,
  ): cw.Metric {
    return this.awsMetric(
      CANARY_NAMESPACE,
      metricName,
      { CanaryName: canaryName(this.target.config.name) },
      statistic,
      period,
      `canary ${metricName} ${statistic}`,
    );
  }

  /** A Contributor Insights rule metric of the stage (`INSIGHT_RULE_METRIC('MarketEdge-<stage>-<rule>', metric)`). */
  ruleMetric(
    rule: string,
    metric: string,
    period: Duration = DEFAULT_PERIOD,
    label = `${rule} ${metric}`,
  ): cw.MathExpression {
    return new cw.MathExpression({
      expression: `INSIGHT_RULE_METRIC('${contributorRuleName(this.stage, rule)}', '${metric}')`,
      period,
      label,
    });
  }

  /**
   * The one metric behind a {@link MetricRef} that is not a custom metric (see {@link leavesOf}).
   * @throws {Error} a custom metric with several emitters (use {@link leavesOf})
   */
  leafOf(
    ref: MetricRef,
    statistic: Statistic,
    period: Duration = DEFAULT_PERIOD,
  ): cw.Metric | cw.MathExpression {
    const leaves = this.leavesOf(ref, statistic, period);
    if (leaves.length !== 1 || !leaves[0])
      throw new Error(`${ref.metric}: ${leaves.length} series, expected one`);
    return leaves[0];
  }

  /**
   * The metrics behind a {@link MetricRef} (one per emitting service for custom metrics; a Contributor Insights rule
   * metric is an `INSIGHT_RULE_METRIC` expression).
   * @throws {Error} a Lambda the stage does not deploy (no physical name in the target)
   */
  leavesOf(ref: MetricRef, statistic: Statistic, period: Duration): Array<cw.Metric | cw.MathExpression> {
    switch (ref.source) {
      case 'api':
        if (!ref.route) return [this.apiMetric(ref.metric, statistic, period)];
        return [this.routeMetric(ref.route, ref.metric, statistic, period)];
      case 'custom':
        return servicesOf(ref.metric).map((svc) => this.serviceMetric(ref.metric, svc, statistic, period));
      case 'lambda': {
        if (!ref.function) return [this.awsMetric('AWS/Lambda', ref.metric, {}, statistic, period)];
        const name = this.target.functionNames[ref.function];
        if (!name) throw new Error(`no deployed Lambda "${ref.function}" in the monitoring target`);
        return [
          this.awsMetric(
            'AWS/Lambda',
            ref.metric,
            { FunctionName: name },
            statistic,
            period,
            `${ref.function} ${ref.metric} ${statistic}`,
          ),
        ];
      }
      case 'canary':
        return [this.canaryMetric(ref.metric, statistic, period)];
      case 'cache':
        return [
          this.awsMetric(
            'AWS/ElastiCache',
            ref.metric,
            { clusterId: rateLimitCacheName(this.stage) },
            statistic,
            period,
          ),
        ];
      case 'table':
        return [
          this.awsMetric(
            'AWS/DynamoDB',
            ref.metric,
            { TableName: physicalTableName(this.stage, ref.table) },
            statistic,
            period,
            `${ref.table} ${ref.metric}`,
          ),
        ];
      case 'contributors':
        return [this.ruleMetric(ref.rule, ref.metric, period)];
      case 'queue':
        return [
          this.awsMetric(
            'AWS/SQS',
            ref.metric,
            { QueueName: ref.queue },
            statistic,
            period,
            `${ref.queue} ${ref.metric}`,
          ),
        ];
    }
  }

  /**
   * The CloudWatch metric (or metric-math expression) of an alarm signal (`lib/config/alarms.ts`), one data point per
   * `period`: a plain metric, or `FILL(…, 0)` sums across emitting services, a percentage, or a telemetry-gap flag.
   * @throws {Error} a non-additive statistic (percentile, average) over a metric with several emitters
   */
  signalMetric(signal: AlarmSignal, period: Duration, label: string, idPrefix = 'm'): cw.IMetric {
    const using: Record<string, cw.IMetric> = {};
    let n = 0;
    const sumOf = (refs: readonly MetricRef[], statistic: Statistic): string => {
      const terms: string[] = [];
      for (const ref of refs) {
        for (const m of this.leavesOf(ref, statistic, period)) {
          const id = `${idPrefix}${n++}`;
          using[id] = m;
          terms.push(`FILL(${id}, 0)`);
        }
      }
      return terms.length === 1 ? (terms[0] ?? '0') : `(${terms.join(' + ')})`;
    };
    switch (signal.kind) {
      case 'metric': {
        const leaves = this.leavesOf(signal.metric, signal.statistic, period);
        if (leaves.length === 1 && leaves[0]) return leaves[0].with({ label });
        if (signal.statistic !== 'Sum' && signal.statistic !== 'SampleCount') {
          throw new Error(`${label}: ${signal.statistic} cannot be summed across emitting services`);
        }
        return new cw.MathExpression({
          expression: sumOf([signal.metric], signal.statistic),
          usingMetrics: using,
          period,
          label,
        });
      }
      case 'sum':
        return new cw.MathExpression({
          expression: sumOf(signal.metrics, 'Sum'),
          usingMetrics: using,
          period,
          label,
        });
      case 'percent': {
        const num = sumOf([signal.numerator], 'Sum');
        const den = sumOf([signal.denominator], 'Sum');
        return new cw.MathExpression({
          expression: `IF(${den} > 0, 100 * ${num} / ${den}, 0)`,
          usingMetrics: using,
          period,
          label,
        });
      }
      case 'max':
        return new cw.MathExpression({
          expression: `MAX([${signal.metrics.map((m) => sumOf([m], signal.statistic)).join(', ')}])`,
          usingMetrics: using,
          period,
          label,
        });
      case 'anomaly':
        // The band is added by the alarm (ANOMALY_DETECTION_BAND over this series, which takes the id `m0`).
        return this.signalMetric(signal.of, period, label, 'a');
      case 'gap': {
        const traffic = sumOf([signal.traffic], 'Sum');
        const expected = sumOf(signal.expected, 'SampleCount');
        return new cw.MathExpression({
          expression: `IF(${traffic} >= ${signal.minTraffic} AND ${expected} == 0, 1, 0)`,
          usingMetrics: using,
          period,
          label,
        });
      }
    }
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
