import { Stack } from 'aws-cdk-lib';
import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../../lib/config';
import { alarmDefinitions } from '../../../lib/config/alarms';
import { LAMBDA_HANDLERS } from '../../../lib/config/budgets';
import { restApiName } from '../../../lib/config/gateway';
import { METRIC_CATALOG } from '../../../lib/config/metrics';
import { buildAlarms } from '../../../lib/monitoring/alarms';
import { dashboardWidgets } from '../../../lib/monitoring/dashboard';
import { MetricFactory, type MonitoringTarget } from '../../../lib/monitoring/metric-factory';

function targetOf(stage: string): MonitoringTarget {
  return {
    config: getStageConfig(stage),
    apiName: restApiName(stage),
    stageName: stage,
    functionNames: Object.fromEntries(LAMBDA_HANDLERS.map((n) => [n, `fn-${n}`])),
  };
}

/** The plain metrics under a metric or math expression (namespace, name, dimensions). */
function leaves(m: cw.IMetric): string[] {
  const c = m.toMetricConfig();
  if (c.metricStat) {
    const dims = (c.metricStat.dimensions ?? []).flatMap((d) => [d.name, String(d.value)]);
    return [JSON.stringify([c.metricStat.namespace, c.metricStat.metricName, ...dims])];
  }
  const math = c.mathExpression;
  if (!math) return [];
  const using = Object.values(math.usingMetrics);
  return using.length > 0 ? using.flatMap(leaves) : [JSON.stringify(math.expression)];
}

describe.each(STAGE_NAMES)('metric factory — %s', (stage) => {
  const target = targetOf(stage);
  const dashboardJson = JSON.stringify(
    dashboardWidgets(new MetricFactory(target))
      .flat()
      .map((w) => w.toJson()),
  );

  it('builds custom metrics as Metrics Insights sums over the stage, API metrics with ApiName/Stage', () => {
    const f = new MetricFactory(target);
    expect(f.stageSum('RateLimitDenied').toMetricConfig().mathExpression?.expression).toBe(
      `SELECT SUM(RateLimitDenied) FROM SCHEMA(MarketEdge, service, stage) WHERE stage = '${stage}'`,
    );
    expect(f.apiMetric('Latency', 'p99').toMetricConfig().metricStat).toMatchObject({
      namespace: 'AWS/ApiGateway',
      metricName: 'Latency',
      statistic: 'p99',
      dimensions: [
        { name: 'ApiName', value: `marketedge-${stage}` },
        { name: 'Stage', value: stage },
      ],
    });
    expect(f.lambdaMetric('fn-reports', 'Errors', 'Sum').toMetricConfig().metricStat?.namespace).toBe(
      'AWS/Lambda',
    );
  });

  it('every alarm is on the dashboard (alarm status widget), every catalog metric is shown', () => {
    const stack = new Stack();
    const alarms = buildAlarms(stack, target);
    expect(alarms.map((a) => a.node.id)).toEqual(alarmDefinitions(target.config).map((d) => d.name));
    const json = stack.resolve(
      dashboardWidgets(new MetricFactory(target), alarms)
        .flat()
        .map((w) => w.toJson()),
    );
    const text = JSON.stringify(json);
    for (const a of alarms) {
      expect(text, a.node.id).toContain(`"${stack.getLogicalId(a.node.defaultChild as cw.CfnAlarm)}"`);
    }
    for (const name of Object.keys(METRIC_CATALOG))
      expect(dashboardJson, name).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('builds custom-metric alarms from the [service, stage] series of every emitter, leaves on this stage', () => {
    const stack = new Stack();
    for (const a of buildAlarms(stack, target)) {
      for (const leaf of leaves(a.metric)) {
        const parts = JSON.parse(leaf) as string[] | string;
        if (typeof parts === 'string') {
          // An expression without metrics: a Contributor Insights rule of this stage.
          expect(parts).toMatch(
            new RegExp(`^INSIGHT_RULE_METRIC\\('MarketEdge-${stage}-[A-Za-z-]+', '\\w+'\\)$`),
          );
          continue;
        }
        const [namespace, , ...dims] = parts;
        if (namespace === 'MarketEdge') expect(dims).toEqual(['service', expect.any(String), 'stage', stage]);
        else if (namespace === 'AWS/ApiGateway') expect(dims).toContain(`marketedge-${stage}`);
        else if (namespace === 'AWS/ElastiCache')
          expect(dims).toEqual(['clusterId', `marketedge-${stage}-ratelimit`]);
        else if (namespace === 'AWS/DynamoDB') expect(dims[1]).toMatch(new RegExp(`^marketedge-${stage}-`));
        else if (namespace === 'CloudWatchSynthetics')
          expect(dims).toEqual(['CanaryName', `marketedge-${stage}-api`]);
        else if (namespace === 'AWS/SQS')
          expect(dims).toEqual([
            'QueueName',
            expect.stringMatching(new RegExp(`^marketedge-${stage}-.+-dlq$`)),
          ]);
        else expect(namespace).toBe('AWS/Lambda');
      }
    }
  });
});
