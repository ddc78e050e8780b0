import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES, TIER_TABLE, TIERS } from '../../lib/config';
import { alarmDefinitions, alarmName } from '../../lib/config/alarms';
import { apiRateCeiling, BYTES_PER_GB, usagePlanQuotaAlarmName } from '../../lib/config/capacity-alarms';
import { contributorRuleName, tierTenantsRuleId } from '../../lib/config/contributors';
import { STAGE_THROTTLE } from '../../lib/config/gateway';
import { synthesized } from './support/synth';
import { flatten, resourcesOf } from './support/template';

interface Query {
  Id: string;
  Expression?: string;
  Period?: number;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: unknown }> };
    Period: number;
    Stat: string;
  };
}

describe.each(STAGE_NAMES)('capacity — %s', (stage) => {
  const config = getStageConfig(stage);
  const s = synthesized();
  const monitoring = () => s.template(stage, 'Monitoring');
  const alarm = (name: string) => {
    const found = Object.values(resourcesOf(monitoring(), 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties?.AlarmName === alarmName(stage, name),
    );
    expect(found, name).toBeDefined();
    const p = found?.Properties ?? {};
    return {
      Threshold: p.Threshold,
      ComparisonOperator: p.ComparisonOperator,
      queries: (p.Metrics ?? []) as Query[],
    };
  };
  const stats = (q: Query[]) => q.flatMap((x) => (x.MetricStat ? [x.MetricStat] : []));
  const share = config.capacity.alarmPercent / 100;
  const dim = (st: NonNullable<Query['MetricStat']>, name: string) =>
    st.Metric.Dimensions?.find((d) => d.Name === name)?.Value;

  it('alarms at the configured share of the account Lambda concurrency quota', () => {
    const a = alarm('LambdaConcurrencyCapacity');
    expect(a.Threshold).toBe(config.capacity.lambdaConcurrentExecutions * share);
    expect(a.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    const [st] = stats(a.queries);
    expect(st?.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'ConcurrentExecutions' });
    expect(st?.Metric.Dimensions ?? []).toEqual([]);
    expect(st?.Stat).toBe('Maximum');
  });

  it('alarms at the share of the lower of stage and account API throttle, per minute', () => {
    expect(apiRateCeiling(config)).toBe(
      Math.min(STAGE_THROTTLE.rateLimit, config.capacity.apiGatewayAccountRps),
    );
    const a = alarm('ApiRequestRateCapacity');
    expect(a.Threshold).toBe(apiRateCeiling(config) * 60 * share);
    const [st] = stats(a.queries);
    expect(st).toMatchObject({ Stat: 'Sum', Period: 60 });
    expect(st?.Metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' });
  });

  it('alarms on the rate-limit cache ECPUs and storage against its usage limits, on the deployed cache', () => {
    const caches = Object.values(resourcesOf(s.template(stage, 'Data'), 'AWS::ElastiCache::ServerlessCache'));
    expect(caches).toHaveLength(1);
    const cacheName = caches[0]?.Properties?.ServerlessCacheName;
    const limits = caches[0]?.Properties?.CacheUsageLimits as {
      DataStorage: { Maximum: number };
      ECPUPerSecond: { Maximum: number };
    };
    const ecpu = alarm('CacheEcpuCapacity');
    expect(ecpu.Threshold).toBe(limits.ECPUPerSecond.Maximum * 60 * share);
    const storage = alarm('CacheStorageCapacity');
    expect(storage.Threshold).toBe(limits.DataStorage.Maximum * BYTES_PER_GB * share);
    for (const [a, metric, stat] of [
      [ecpu, 'ElastiCacheProcessingUnits', 'Sum'],
      [storage, 'BytesUsedForCache', 'Maximum'],
    ] as const) {
      const [st] = stats(a.queries);
      expect(st?.Metric.Namespace).toBe('AWS/ElastiCache');
      expect(st?.Metric.MetricName).toBe(metric);
      expect(st?.Stat).toBe(stat);
      // ElastiCache Serverless publishes under `clusterId` (not CacheClusterId).
      expect(st?.Metric.Dimensions).toEqual([{ Name: 'clusterId', Value: cacheName }]);
    }
  });

  it('alarms on the busiest table against the per-table on-demand quota, and on any throttling, on every deployed table', () => {
    const deployed = Object.values(resourcesOf(s.template(stage, 'Data'), 'AWS::DynamoDB::Table'))
      .map((t) => String(t.Properties?.TableName))
      .sort();
    expect(deployed.length).toBeGreaterThan(0);
    for (const [name, metric, limit] of [
      ['DynamoDbReadCapacity', 'ConsumedReadCapacityUnits', config.capacity.dynamoDbTableReadUnitsPerSec],
      ['DynamoDbWriteCapacity', 'ConsumedWriteCapacityUnits', config.capacity.dynamoDbTableWriteUnitsPerSec],
    ] as const) {
      const a = alarm(name);
      expect(a.Threshold, name).toBe(limit * 60 * share);
      expect(a.queries.find((q) => q.Expression)?.Expression).toMatch(
        /^MAX\(\[FILL\(m0, 0\)(, FILL\(m\d+, 0\))*\]\)$/,
      );
      const st = stats(a.queries);
      expect(st.every((x) => x.Metric.MetricName === metric && x.Stat === 'Sum')).toBe(true);
      expect(st.map((x) => String(dim(x, 'TableName'))).sort()).toEqual(deployed);
    }
    const throttles = alarm('DynamoDbThrottles');
    expect(throttles.Threshold).toBe(0);
    expect(throttles.ComparisonOperator).toBe('GreaterThanThreshold');
    const names = stats(throttles.queries).map((x) => `${dim(x, 'TableName')} ${x.Metric.MetricName}`);
    for (const t of deployed) {
      expect(names).toContain(`${t} ReadThrottleEvents`);
      expect(names).toContain(`${t} WriteThrottleEvents`);
    }
  });

  it('alarms per tier when the busiest tenant reaches the share of the daily usage-plan quota (Contributor Insights)', () => {
    const rules = Object.values(resourcesOf(monitoring(), 'AWS::CloudWatch::InsightRule'));
    const plans = Object.values(resourcesOf(s.template(stage, 'Api'), 'AWS::ApiGateway::UsagePlan'));
    for (const tier of TIERS) {
      const a = alarm(usagePlanQuotaAlarmName(tier));
      expect(a.Threshold, tier).toBe(TIER_TABLE[tier].usagePlan.quotaPerDay * share);
      const [q] = a.queries;
      const ruleName = contributorRuleName(stage, tierTenantsRuleId(tier));
      expect(q?.Expression).toBe(`INSIGHT_RULE_METRIC('${ruleName}', 'MaxContributorValue')`);
      expect(q?.Period).toBe(86_400);
      const rule = rules.find((r) => r.Properties?.RuleName === ruleName);
      const body = JSON.parse(String(rule?.Properties?.RuleBody)) as {
        Contribution: { Keys: string[]; Filters: Array<{ Match: string; In: string[] }> };
      };
      expect(body.Contribution.Keys).toEqual(['$.tenantId']);
      expect(body.Contribution.Filters).toEqual([{ Match: '$.tier', In: [tier] }]);
      // The quota the alarm compares with is the one the deployed usage plan enforces.
      const plan = plans.find((p) => flatten(p.Properties?.UsagePlanName) === `marketedge-${stage}-${tier}`);
      expect((plan?.Properties?.Quota as { Limit?: number } | undefined)?.Limit, tier).toBe(
        TIER_TABLE[tier].usagePlan.quotaPerDay,
      );
    }
  });

  it('every capacity alarm is a ticket with a written reason instead of a drill, on the capacity runbook', () => {
    const capacity = alarmDefinitions(config).filter((d) => d.runbook === 'capacity-near-a-limit');
    expect(capacity.map((d) => d.name)).toEqual([
      'LambdaConcurrencyCapacity',
      'ApiRequestRateCapacity',
      'CacheEcpuCapacity',
      'CacheStorageCapacity',
      'DynamoDbReadCapacity',
      'DynamoDbWriteCapacity',
      'DynamoDbThrottles',
      ...TIERS.map(usagePlanQuotaAlarmName),
    ]);
    for (const d of capacity) {
      expect(d.severity).toBe('ticket');
      expect('reason' in d.drill, d.name).toBe(true);
    }
  });

  it('has a capacity section on the dashboard with every limit and the alarm level', () => {
    const body = flatten(
      Object.values(resourcesOf(monitoring(), 'AWS::CloudWatch::Dashboard'))[0]?.Properties?.DashboardBody,
    );
    expect(body).toContain('## Capacity');
    for (const title of [
      'Lambda concurrent executions',
      'API requests per second',
      'Rate-limit cache ECPUs per second',
      'Rate-limit cache data stored',
      'DynamoDB consumed read units',
      'DynamoDB consumed write units',
      'DynamoDB throttle events per table',
      'Usage-plan quota use per tier',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain(`"value":${config.capacity.lambdaConcurrentExecutions * share}`);
    expect(body).toContain(`"value":${config.cache.maxEcpuPerSecond}`);
    for (const tier of TIERS) expect(body).toContain(`TenantsOfTier-${tier}`);
  });
});
