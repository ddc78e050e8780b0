import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../../lib/config';
import { restApiName } from '../../../lib/config/gateway';
import { alarmSpecs } from '../../../lib/monitoring/alarms';
import { dashboardWidgets } from '../../../lib/monitoring/dashboard';
import { MetricFactory, type MonitoringTarget } from '../../../lib/monitoring/metric-factory';

function targetOf(stage: string): MonitoringTarget {
  return {
    config: getStageConfig(stage),
    apiName: restApiName(stage),
    stageName: stage,
    functionNames: { authorizer: 'fn-authorizer', reports: 'fn-reports' },
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
  const rendered = (leaf: string) => {
    const parts = JSON.parse(leaf) as string[] | string;
    return typeof parts === 'string' ? JSON.stringify(parts) : JSON.stringify(parts).slice(1, -1);
  };

  it('builds custom metrics as Metrics Insights sums over the stage, API metrics with ApiName/Stage', () => {
    const f = new MetricFactory(target);
    expect(f.stageSum('RateLimitDenied').toMetricConfig().mathExpression?.expression).toBe(
      `SELECT SUM(RateLimitDenied) FROM MarketEdge WHERE stage = '${stage}'`,
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

  it('every alarm watches a signal the dashboard shows (same factory, same metric)', () => {
    const specs = alarmSpecs(target);
    expect(specs.length).toBeGreaterThanOrEqual(5);
    for (const spec of specs) {
      const ls = leaves(spec.metric);
      expect(ls.length, spec.id).toBeGreaterThan(0);
      for (const leaf of ls) expect(dashboardJson, `${spec.id}: ${leaf}`).toContain(rendered(leaf));
    }
  });
});
