import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, METRICS_NAMESPACE } from '../config/metrics';
import { DEFAULT_PERIOD, type MetricFactory } from './metric-factory';

/**
 * A CloudWatch SEARCH over one dependency-latency metric of the stage, every (service, operation) series, at one
 * statistic (Metrics Insights has no percentiles, SEARCH does).
 */
export function dependencySearch(metricName: string, stage: string, statistic: 'p50' | 'p99'): string {
  return `SEARCH('{${METRICS_NAMESPACE},operation,service,stage} MetricName="${metricName}" stage="${stage}"', '${statistic}', ${DEFAULT_PERIOD.toSeconds()})`;
}

/**
 * The APM rows of the stage dashboard:
 * - DynamoDB latency per operation (`DynamoDbLatency`, p50 and p99, ms) and Redis latency per command
 *   (`RedisLatency`, p50 and p99, ms), one line per service × operation;
 * - Lambda Insights per function: memory utilisation (%) and CPU time (ms), namespace `LambdaInsights`.
 */
export function apmWidgets(metrics: MetricFactory): cw.IWidget[][] {
  const { stage } = metrics;
  const latency = (title: string, metricName: string) =>
    new cw.GraphWidget({
      title,
      left: (['p50', 'p99'] as const).map(
        (stat) =>
          new cw.MathExpression({
            expression: dependencySearch(metricName, stage, stat),
            label: stat,
            period: DEFAULT_PERIOD,
          }),
      ),
      leftYAxis: { label: 'ms', showUnits: false, min: 0 },
      width: 12,
    });
  const fns = Object.values(metrics.target.functionNames);
  const insights = (metricName: string, statistic: string) =>
    fns.map(
      (fn) =>
        new cw.Metric({
          namespace: 'LambdaInsights',
          metricName,
          dimensionsMap: { function_name: fn },
          statistic,
          period: DEFAULT_PERIOD,
          label: fn,
        }),
    );
  return [
    [
      new cw.TextWidget({
        markdown:
          '## APM\nDependency latency per operation (p50/p99) and Lambda Insights per function. Budgets: `lib/config/budgets.ts`.',
        width: 24,
        height: 2,
      }),
    ],
    [
      latency('DynamoDB latency per operation (ms)', METRIC.DynamoDbLatency),
      latency('Redis latency per command (ms)', METRIC.RedisLatency),
    ],
    [
      new cw.GraphWidget({
        title: 'Lambda Insights: memory utilisation (%)',
        left: insights('memory_utilization', 'Maximum'),
        width: 12,
      }),
      new cw.GraphWidget({
        title: 'Lambda Insights: CPU time (ms)',
        left: insights('cpu_total_time', 'Average'),
        width: 12,
      }),
    ],
  ];
}
