import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type AlarmDefinition, alarmDefinitions, alarmName, RUNBOOK_PATH } from '../config/alarms';
import { MetricFactory, type MonitoringTarget } from './metric-factory';

export { RUNBOOK_PATH };

/** CloudWatch `TreatMissingData` of a definition's missing-data rule. */
const MISSING: Record<AlarmDefinition['treatMissingData'], cw.TreatMissingData> = {
  notBreaching: cw.TreatMissingData.NOT_BREACHING,
  breaching: cw.TreatMissingData.BREACHING,
  missing: cw.TreatMissingData.MISSING,
  ignore: cw.TreatMissingData.IGNORE,
};

const COMPARISON: Record<AlarmDefinition['comparison'], cw.ComparisonOperator> = {
  GreaterThanThreshold: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
  GreaterThanOrEqualToThreshold: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  LessThanThreshold: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
  GreaterThanUpperThreshold: cw.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
  LessThanLowerThreshold: cw.ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
  LessThanLowerOrGreaterThanUpperThreshold:
    cw.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
};

/** The alarm description: summary, severity, drill, runbook link (`Runbook: docs/runbooks.md#<anchor>`). */
export function alarmDescription(def: AlarmDefinition): string {
  const gate = def.gatedBy
    ? ` Metric gated by ${def.gatedBy.flag} (guarded by ${def.gatedBy.guardedBy}).`
    : '';
  return `${def.summary}. Severity: ${def.severity}.${gate} Runbook: ${RUNBOOK_PATH}#${def.runbook}`;
}

/**
 * Creates one CloudWatch alarm per definition of `lib/config/alarms.ts` (`MarketEdge-<stage>-<name>`), with the
 * definition's metric (or metric math), statistic, period, threshold, M of N datapoints and missing-data rule.
 * Actions are added by the caller (the monitoring stack: the stage topic on ALARM and OK).
 */
export function buildAlarms(scope: Construct, target: MonitoringTarget): cw.Alarm[] {
  const metrics = new MetricFactory(target);
  return alarmDefinitions(target.config).map((def) => {
    const common = {
      alarmName: alarmName(target.config.name, def.name),
      alarmDescription: alarmDescription(def),
      metric: metrics.signalMetric(def.signal, Duration.seconds(def.periodSec), def.name),
      comparisonOperator: COMPARISON[def.comparison],
      evaluationPeriods: def.evaluationPeriods,
      datapointsToAlarm: def.datapointsToAlarm,
      treatMissingData: MISSING[def.treatMissingData],
    };
    // Anomaly signals: the threshold is the band width (ANOMALY_DETECTION_BAND(signal, stdDevs), ThresholdMetricId).
    if (def.signal.kind === 'anomaly') {
      return new cw.AnomalyDetectionAlarm(scope, def.name, { ...common, stdDevs: def.threshold });
    }
    return new cw.Alarm(scope, def.name, { ...common, threshold: def.threshold });
  });
}
