import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRIC } from '../config/metrics';
import { MetricFactory, type MonitoringTarget } from './metric-factory';

/** Runbook file the alarm descriptions point to (sections by anchor). */
export const RUNBOOK_PATH = 'docs/runbooks.md';

/** One alarm of a stage. */
export interface AlarmSpec {
  id: string;
  /** Runbook section anchor in {@link RUNBOOK_PATH} (GitHub heading slug). */
  runbook: string;
  summary: string;
  threshold: number;
  metric: cw.IMetric;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

/**
 * The alarms of a stage, thresholds from the stage config `alarms`:
 * - API p99 latency > `p99LatencyMs` (ms) for 3 of 5 minutes;
 * - 5XX > `error5xxPercent` % of requests over 5 minutes;
 * - `AuthFailure` > `authFailuresPerMinute` per minute, 3 minutes running;
 * - `RateLimitDenied` > `rateLimitDeniedPerMinute` per minute, 3 minutes running;
 * - `RateLimitDegraded` > `rateLimitDegradedPerMinute` per minute, 2 minutes running.
 */
export function alarmSpecs(target: MonitoringTarget): AlarmSpec[] {
  const metrics = new MetricFactory(target);
  const { alarms } = target.config;
  const fiveMin = Duration.minutes(5);
  return [
    {
      id: 'ApiLatencyP99',
      runbook: 'api-p99-latency-high',
      summary: `API p99 latency above ${alarms.p99LatencyMs} ms`,
      threshold: alarms.p99LatencyMs,
      metric: metrics.apiMetric('Latency', 'p99'),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    },
    {
      id: 'Api5xxRate',
      runbook: 'api-5xx-rate-high',
      summary: `5XX above ${alarms.error5xxPercent} % of requests`,
      threshold: alarms.error5xxPercent,
      metric: metrics.api5xxPercent(fiveMin),
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    },
    {
      id: 'AuthFailures',
      runbook: 'auth-failures-spike',
      summary: `more than ${alarms.authFailuresPerMinute} authorizer failures per minute`,
      threshold: alarms.authFailuresPerMinute,
      metric: metrics.stageSum(METRIC.AuthFailure),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    },
    {
      id: 'RateLimitDenied',
      runbook: 'rate-limit-denials-high',
      summary: `more than ${alarms.rateLimitDeniedPerMinute} rate-limit denials per minute`,
      threshold: alarms.rateLimitDeniedPerMinute,
      metric: metrics.stageSum(METRIC.RateLimitDenied),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    },
    {
      id: 'RateLimitDegraded',
      runbook: 'rate-limiter-degraded',
      summary: `more than ${alarms.rateLimitDegradedPerMinute} degraded limiter decisions per minute (Redis unavailable)`,
      threshold: alarms.rateLimitDegradedPerMinute,
      metric: metrics.stageSum(METRIC.RateLimitDegraded),
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    },
  ];
}

/** Creates the alarms of {@link alarmSpecs}; each description names its runbook section. */
export function buildAlarms(scope: Construct, target: MonitoringTarget): cw.Alarm[] {
  return alarmSpecs(target).map(
    (spec) =>
      new cw.Alarm(scope, spec.id, {
        alarmName: `MarketEdge-${target.config.name}-${spec.id}`,
        alarmDescription: `${spec.summary}. Runbook: ${RUNBOOK_PATH}#${spec.runbook}`,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      }),
  );
}
