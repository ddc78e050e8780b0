/**
 * Capacity alarms: each fires when a resource reaches `capacity.alarmPercent` (80 %) of its limit, a ticket for
 * capacity planning before the limit throttles anyone. Part of the alarm catalog (`alarmDefinitions` in
 * `./alarms.ts`); limits come from the stage config (`capacity`, `cache`), the tier table (usage-plan quotas) and the
 * gateway contract (stage throttle). Every one reads an AWS service metric the local stack does not have, so each
 * carries a written reason instead of a drill. Pure data: no `aws-cdk-lib` import.
 */
import type { AlarmDefinition, AlarmSignal, MetricRef } from './alarms';
import { tierTenantsRuleId } from './contributors';
import { TABLES, type TableName } from './data-model';
import { STAGE_THROTTLE } from './gateway';
import type { StageConfig } from './stages';
import { TIER_TABLE, TIERS } from './tiers';

/** Runbook section of every capacity alarm. */
export const CAPACITY_RUNBOOK = 'capacity-near-a-limit';

/** Bytes per GB as ElastiCache counts its `dataStorage` limit (decimal: the smaller, so the alarm is early). */
export const BYTES_PER_GB = 1e9;

/** The reason capacity alarms have no local drill. */
const NO_DRILL =
  'Reads an AWS service metric (Lambda, API Gateway account throttle, ElastiCache, DynamoDB or Contributor ' +
  'Insights) the local stack does not produce; the metric, statistic, period and the threshold at the configured ' +
  'share of the limit are asserted on every stage template (test/infra/capacity.test.ts).';

/**
 * Why `ApiRequestRateCapacity` has no drill although the local stack evaluates it (from the stage request count it
 * derives, like `Api5xxRate`): none is written yet — it would need traffic at the configured share of the API
 * throttle for 3 minutes of (scaled) time.
 */
const API_RATE_NO_DRILL =
  'No drill written yet: the local stack evaluates this alarm from the stage request count it derives, but reaching ' +
  'the threshold needs traffic at the configured share of the API throttle for 3 evaluation periods; the metric, ' +
  'statistic, period and threshold are asserted on every stage template (test/infra/capacity.test.ts).';

/** The limit a capacity alarm guards, for the dashboard and descriptions. */
export interface CapacityLimit {
  /** Alarm short name. */
  readonly alarm: string;
  /** The limit, in the unit of `unit`. */
  readonly limit: number;
  /** Unit of `limit` (e.g. `requests/s`). */
  readonly unit: string;
  /** Where the limit is set. */
  readonly source: string;
}

/**
 * The API request-rate ceiling of the stage, requests per second: the lower of the stage's default method throttle
 * (`STAGE_THROTTLE.rateLimit`) and the account's regional throttle (`capacity.apiGatewayAccountRps`).
 */
export function apiRateCeiling(config: StageConfig): number {
  return Math.min(STAGE_THROTTLE.rateLimit, config.capacity.apiGatewayAccountRps);
}

/** Every limit the capacity alarms guard (one per alarm), in the limit's own unit. */
export function capacityLimits(config: StageConfig): CapacityLimit[] {
  const c = config.capacity;
  return [
    {
      alarm: 'LambdaConcurrencyCapacity',
      limit: c.lambdaConcurrentExecutions,
      unit: 'concurrent executions',
      source: 'stage config capacity.lambdaConcurrentExecutions (account quota)',
    },
    {
      alarm: 'ApiRequestRateCapacity',
      limit: apiRateCeiling(config),
      unit: 'requests/s',
      source: 'min(STAGE_THROTTLE.rateLimit, capacity.apiGatewayAccountRps)',
    },
    {
      alarm: 'CacheEcpuCapacity',
      limit: config.cache.maxEcpuPerSecond,
      unit: 'ECPU/s',
      source: 'stage config cache.maxEcpuPerSecond (cache usage limit)',
    },
    {
      alarm: 'CacheStorageCapacity',
      limit: config.cache.maxDataStorageGb,
      unit: 'GB',
      source: 'stage config cache.maxDataStorageGb (cache usage limit)',
    },
    {
      alarm: 'DynamoDbReadCapacity',
      limit: c.dynamoDbTableReadUnitsPerSec,
      unit: 'read units/s per table',
      source: 'stage config capacity.dynamoDbTableReadUnitsPerSec (on-demand table quota)',
    },
    {
      alarm: 'DynamoDbWriteCapacity',
      limit: c.dynamoDbTableWriteUnitsPerSec,
      unit: 'write units/s per table',
      source: 'stage config capacity.dynamoDbTableWriteUnitsPerSec (on-demand table quota)',
    },
    ...TIERS.map((tier) => ({
      alarm: usagePlanQuotaAlarmName(tier),
      limit: TIER_TABLE[tier].usagePlan.quotaPerDay,
      unit: 'requests/day per tenant',
      source: `tier table ${tier}.usagePlan.quotaPerDay`,
    })),
  ];
}

/** Name of the usage-plan quota alarm of a tier: `UsagePlanQuota-<tier>`. */
export function usagePlanQuotaAlarmName(tier: string): string {
  return `UsagePlanQuota-${tier}`;
}

const TABLE_NAMES = Object.keys(TABLES) as TableName[];
const tableRefs = (metric: 'ConsumedReadCapacityUnits' | 'ConsumedWriteCapacityUnits'): MetricRef[] =>
  TABLE_NAMES.map((table) => ({ source: 'table', metric, table }));

/**
 * The capacity alarms of a stage (threshold = `alarmPercent` % of the limit, in the signal's unit per period):
 * - `LambdaConcurrencyCapacity`: account-wide `ConcurrentExecutions` (Maximum per minute), 3 minutes running;
 * - `ApiRequestRateCapacity`: stage requests per minute against {@link apiRateCeiling} × 60, 3 minutes running;
 * - `CacheEcpuCapacity`: ECPUs consumed per minute against `cache.maxEcpuPerSecond` × 60, 3 minutes running;
 * - `CacheStorageCapacity`: bytes stored (Maximum per 5 minutes) against `cache.maxDataStorageGb`;
 * - `DynamoDbReadCapacity`, `DynamoDbWriteCapacity`: the busiest table's consumed units per minute against the
 *   per-table on-demand quota × 60, 3 minutes running;
 * - `DynamoDbThrottles`: any read or write throttle event on any table, 3 of 5 minutes;
 * - `UsagePlanQuota-<tier>`: the busiest tenant of the tier (Contributor Insights `TenantsOfTier-<tier>`,
 *   `MaxContributorValue`) over the last 24 hours against the tier's daily usage-plan quota.
 */
export function capacityAlarmDefinitions(config: StageConfig): AlarmDefinition[] {
  const share = config.capacity.alarmPercent / 100;
  const pct = `${config.capacity.alarmPercent} %`;
  const limits = new Map(capacityLimits(config).map((l) => [l.alarm, l]));
  const alarm = (
    name: string,
    summary: string,
    signal: AlarmSignal,
    periodSec: number,
    threshold: number,
    datapoints: { of: number; alarm: number } = { of: 3, alarm: 3 },
    noDrill: string = NO_DRILL,
  ): AlarmDefinition => {
    const limit = limits.get(name);
    return {
      name,
      summary: limit ? `${summary} (${pct} of ${limit.limit} ${limit.unit}, ${limit.source})` : summary,
      runbook: CAPACITY_RUNBOOK,
      signal,
      periodSec,
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: Math.round(threshold * 1000) / 1000,
      evaluationPeriods: datapoints.of,
      datapointsToAlarm: datapoints.alarm,
      treatMissingData: 'notBreaching',
      severity: 'ticket',
      drill: { reason: noDrill },
    };
  };
  const perMinute = (limitPerSec: number) => limitPerSec * 60 * share;
  return [
    alarm(
      'LambdaConcurrencyCapacity',
      'Lambda concurrent executions of the account near the quota',
      { kind: 'metric', metric: { source: 'lambda', metric: 'ConcurrentExecutions' }, statistic: 'Maximum' },
      60,
      config.capacity.lambdaConcurrentExecutions * share,
    ),
    alarm(
      'ApiRequestRateCapacity',
      'API requests per second near the throttle',
      { kind: 'metric', metric: { source: 'api', metric: 'Count' }, statistic: 'Sum' },
      60,
      perMinute(apiRateCeiling(config)),
      undefined,
      API_RATE_NO_DRILL,
    ),
    alarm(
      'CacheEcpuCapacity',
      'rate-limit cache ECPUs per second near its usage limit',
      { kind: 'metric', metric: { source: 'cache', metric: 'ElastiCacheProcessingUnits' }, statistic: 'Sum' },
      60,
      perMinute(config.cache.maxEcpuPerSecond),
    ),
    alarm(
      'CacheStorageCapacity',
      'rate-limit cache data stored near its usage limit',
      { kind: 'metric', metric: { source: 'cache', metric: 'BytesUsedForCache' }, statistic: 'Maximum' },
      300,
      config.cache.maxDataStorageGb * BYTES_PER_GB * share,
      { of: 1, alarm: 1 },
    ),
    alarm(
      'DynamoDbReadCapacity',
      'busiest DynamoDB table read units per second near the per-table quota',
      { kind: 'max', metrics: tableRefs('ConsumedReadCapacityUnits'), statistic: 'Sum' },
      60,
      perMinute(config.capacity.dynamoDbTableReadUnitsPerSec),
    ),
    alarm(
      'DynamoDbWriteCapacity',
      'busiest DynamoDB table write units per second near the per-table quota',
      { kind: 'max', metrics: tableRefs('ConsumedWriteCapacityUnits'), statistic: 'Sum' },
      60,
      perMinute(config.capacity.dynamoDbTableWriteUnitsPerSec),
    ),
    {
      ...alarm(
        'DynamoDbThrottles',
        'DynamoDB throttled reads or writes on a table (on-demand scaling or a hot partition)',
        {
          kind: 'sum',
          metrics: TABLE_NAMES.flatMap((table): MetricRef[] => [
            { source: 'table', metric: 'ReadThrottleEvents', table },
            { source: 'table', metric: 'WriteThrottleEvents', table },
          ]),
        },
        60,
        0,
        { of: 5, alarm: 3 },
      ),
      comparison: 'GreaterThanThreshold',
    },
    ...TIERS.map((tier) =>
      alarm(
        usagePlanQuotaAlarmName(tier),
        `a ${tier} tenant's requests over 24 hours near the tier's daily usage-plan quota`,
        {
          kind: 'metric',
          metric: { source: 'contributors', rule: tierTenantsRuleId(tier), metric: 'MaxContributorValue' },
          statistic: 'Sum',
        },
        86_400,
        TIER_TABLE[tier].usagePlan.quotaPerDay * share,
        { of: 1, alarm: 1 },
      ),
    ),
  ];
}
