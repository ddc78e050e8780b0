import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { TableMetricName } from '../config/alarms';
import { BYTES_PER_GB, CAPACITY_RUNBOOK, capacityLimits } from '../config/capacity-alarms';
import { tierTenantsRuleId } from '../config/contributors';
import { TABLES, type TableName } from '../config/data-model';
import { STAGE_THROTTLE } from '../config/gateway';
import { TIER_TABLE, TIERS } from '../config/tiers';
import type { MetricFactory } from './metric-factory';

/** Per-second rate of a per-minute `Sum` metric (`<id> / 60`); `id` must be unique within its graph. */
function perSecond(metric: cw.IMetric, id: string, label: string): cw.MathExpression {
  return new cw.MathExpression({
    expression: `${id} / 60`,
    usingMetrics: { [id]: metric },
    label,
    period: Duration.minutes(1),
  });
}

/**
 * The capacity-planning rows of the stage dashboard: every resource the capacity alarms watch, against its limit and
 * the alarm level (`capacity.alarmPercent` of the limit) —
 * - Lambda concurrent executions (account-wide and per function) against the account quota;
 * - API requests per second against the stage throttle and the account throttle;
 * - rate-limit cache ECPUs per second and data stored against the cache usage limits;
 * - DynamoDB consumed read/write units per second per table against the per-table on-demand quota, and throttle
 *   events per table;
 * - usage-plan quota use per tier: the busiest tenant's requests over a day as a percentage of the tier's quota.
 */
export function capacityWidgets(metrics: MetricFactory): cw.IWidget[][] {
  const { config } = metrics.target;
  const share = config.capacity.alarmPercent / 100;
  const limit = new Map(capacityLimits(config).map((l) => [l.alarm, l.limit]));
  const lines = (value: number | undefined, what: string): cw.HorizontalAnnotation[] =>
    value === undefined
      ? []
      : [
          { value, label: `${what} limit`, color: '#d62728' },
          { value: value * share, label: `alarm (${config.capacity.alarmPercent} %)`, color: '#ff7f0e' },
        ];
  const fns = Object.entries(metrics.target.functionNames);
  const tables = Object.keys(TABLES) as TableName[];
  const minute = Duration.minutes(1);
  const table = (t: TableName, metric: TableMetricName) =>
    metrics.leafOf({ source: 'table', table: t, metric }, 'Sum', minute);
  const perTable = (metric: 'ConsumedReadCapacityUnits' | 'ConsumedWriteCapacityUnits') =>
    tables.map((t) => perSecond(table(t, metric), `units_${t}`, t));
  return [
    [
      new cw.TextWidget({
        markdown: `## Capacity\nEach resource against its limit (red) and the capacity alarm at ${config.capacity.alarmPercent} % (orange). Limits: stage config \`capacity\` and \`cache\`, tier quotas in \`lib/config/tiers.ts\`, stage throttle in \`lib/config/gateway.ts\`. Runbook: \`docs/runbooks.md#${CAPACITY_RUNBOOK}\`.`,
        width: 24,
        height: 2,
      }),
    ],
    [
      new cw.GraphWidget({
        title: 'Lambda concurrent executions (account and per function)',
        left: [
          metrics.awsMetric(
            'AWS/Lambda',
            'ConcurrentExecutions',
            {},
            'Maximum',
            Duration.minutes(1),
            'account',
          ),
          ...fns.map(([name, fn]) =>
            metrics.awsMetric(
              'AWS/Lambda',
              'ConcurrentExecutions',
              { FunctionName: fn },
              'Maximum',
              Duration.minutes(1),
              name,
            ),
          ),
        ],
        leftAnnotations: lines(limit.get('LambdaConcurrencyCapacity'), 'account'),
        width: 12,
      }),
      new cw.GraphWidget({
        title: 'API requests per second',
        left: [perSecond(metrics.apiMetric('Count', 'Sum'), 'count', 'requests/s')],
        leftAnnotations: [
          ...lines(limit.get('ApiRequestRateCapacity'), 'throttle'),
          { value: STAGE_THROTTLE.rateLimit, label: 'stage throttle' },
          { value: config.capacity.apiGatewayAccountRps, label: 'account throttle' },
        ],
        width: 12,
      }),
    ],
    [
      new cw.GraphWidget({
        title: 'Rate-limit cache ECPUs per second',
        left: [
          perSecond(
            metrics.leafOf({ source: 'cache', metric: 'ElastiCacheProcessingUnits' }, 'Sum'),
            'ecpu',
            'ECPU/s',
          ),
        ],
        leftAnnotations: lines(limit.get('CacheEcpuCapacity'), 'ECPU'),
        width: 12,
      }),
      new cw.GraphWidget({
        title: 'Rate-limit cache data stored (GB)',
        left: [
          new cw.MathExpression({
            expression: `b / ${BYTES_PER_GB}`,
            usingMetrics: {
              b: metrics.leafOf(
                { source: 'cache', metric: 'BytesUsedForCache' },
                'Maximum',
                Duration.minutes(5),
              ),
            },
            label: 'GB',
            period: Duration.minutes(5),
          }),
        ],
        leftAnnotations: lines(limit.get('CacheStorageCapacity'), 'storage'),
        width: 12,
      }),
    ],
    [
      new cw.GraphWidget({
        title: 'DynamoDB consumed read units per second, per table',
        left: perTable('ConsumedReadCapacityUnits'),
        leftAnnotations: lines(limit.get('DynamoDbReadCapacity'), 'per-table'),
        width: 8,
      }),
      new cw.GraphWidget({
        title: 'DynamoDB consumed write units per second, per table',
        left: perTable('ConsumedWriteCapacityUnits'),
        leftAnnotations: lines(limit.get('DynamoDbWriteCapacity'), 'per-table'),
        width: 8,
      }),
      new cw.GraphWidget({
        title: 'DynamoDB throttle events per table',
        left: tables.flatMap((t) => [table(t, 'ReadThrottleEvents'), table(t, 'WriteThrottleEvents')]),
        width: 8,
      }),
    ],
    [
      new cw.GraphWidget({
        title: 'Usage-plan quota use per tier: busiest tenant, % of the daily quota',
        left: TIERS.map(
          (tier) =>
            new cw.MathExpression({
              expression: `100 * top_${tier} / ${TIER_TABLE[tier].usagePlan.quotaPerDay}`,
              usingMetrics: {
                [`top_${tier}`]: metrics.ruleMetric(
                  tierTenantsRuleId(tier),
                  'MaxContributorValue',
                  Duration.days(1),
                ),
              },
              label: tier,
              period: Duration.days(1),
            }),
        ),
        leftAnnotations: [{ value: config.capacity.alarmPercent, label: 'alarm', color: '#ff7f0e' }],
        leftYAxis: { min: 0, max: 100, showUnits: false },
        width: 24,
      }),
    ],
  ];
}
