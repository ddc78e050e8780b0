import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { alarmName, type MetricRef, RUNBOOK_PATH, type Statistic } from '../config/alarms';
import {
  BURN_RATE_WINDOWS,
  type BurnRateWindow,
  burnRateAlarmNames,
  errorBudget,
  type SloDefinition,
  sloDefinitions,
  windowLabel,
} from '../config/slos';
import { MetricFactory, type MonitoringTarget } from './metric-factory';

/** `FILL(…, 0)` sum of the plain metrics behind `ref` (one per emitting service), registered in `using`. */
function sumTerm(
  metrics: MetricFactory,
  ref: MetricRef,
  statistic: Statistic,
  period: Duration,
  prefix: string,
  using: Record<string, cw.IMetric>,
): string {
  const terms = metrics.leavesOf(ref, statistic, period).map((m, i) => {
    using[`${prefix}${i}`] = m;
    return `FILL(${prefix}${i}, 0)`;
  });
  return terms.length === 1 ? (terms[0] ?? '0') : `(${terms.join(' + ')})`;
}

/** A metric-math expression over plain metrics. */
interface Expr {
  readonly expression: string;
  readonly using: Record<string, cw.IMetric>;
}

/**
 * The bad share of an SLO's requests over one window, as a fraction of requests (0–1), one data point per window:
 * - `errorRatio`: `bad / total` (0 when there was no request);
 * - `latencyRank`: `1 − PR(:thresholdMs) / 100` of the latency metric (0 when there was no request).
 */
function badShareExpr(metrics: MetricFactory, slo: SloDefinition, window: Duration): Expr {
  const using: Record<string, cw.IMetric> = {};
  // Ids carry the window: one graph may show the same SLO over several windows.
  const w = `${window.toMinutes()}m`;
  if (slo.sli.kind === 'errorRatio') {
    const bad = sumTerm(metrics, slo.sli.bad, 'Sum', window, `bad${w}_`, using);
    const total = sumTerm(metrics, slo.sli.total, 'Sum', window, `total${w}_`, using);
    return { expression: `IF(${total} > 0, ${bad} / ${total}, 0)`, using };
  }
  const [latency] = metrics.leavesOf(slo.sli.latency, `PR(:${slo.sli.thresholdMs})`, window);
  if (!latency) throw new Error(`${slo.name}: no latency metric`);
  using[`good${w}`] = latency;
  return { expression: `(100 - FILL(good${w}, 100)) / 100`, using };
}

/** The bad share of an SLO's requests over `window`, percent of requests (see {@link badShareExpr}). */
export function badPercent(metrics: MetricFactory, slo: SloDefinition, window: Duration): cw.MathExpression {
  const e = badShareExpr(metrics, slo, window);
  return new cw.MathExpression({
    expression: `100 * ${e.expression}`,
    usingMetrics: e.using,
    period: window,
    label: `${slo.name} bad %`,
  });
}

/**
 * Burn rate of an SLO's error budget over one window: the bad share divided by the budget (1 = the budget lasts
 * exactly the SLO window; 14.4 = a 30-day budget gone in 50 hours).
 */
export function burnRate(metrics: MetricFactory, slo: SloDefinition, windowMin: number): cw.MathExpression {
  const window = Duration.minutes(windowMin);
  const e = badShareExpr(metrics, slo, window);
  return new cw.MathExpression({
    expression: `${e.expression} / ${errorBudget(slo)}`,
    usingMetrics: e.using,
    period: window,
    label: `${slo.name} burn rate ${windowLabel(windowMin)}`,
  });
}

/**
 * Error budget left over the SLO window, percent of the budget (100 = untouched, ≤ 0 = spent): `100 × (1 − bad share
 * / budget)`, one data point over `window`.
 */
export function budgetRemaining(
  metrics: MetricFactory,
  slo: SloDefinition,
  window: Duration,
): cw.MathExpression {
  const e = badShareExpr(metrics, slo, window);
  return new cw.MathExpression({
    expression: `100 * (1 - ${e.expression} / ${errorBudget(slo)})`,
    usingMetrics: e.using,
    period: window,
    label: `${slo.name} error budget remaining %`,
  });
}

/** Description of a burn-rate composite: SLO, rule, severity, runbook link. */
export function burnRateDescription(slo: SloDefinition, w: BurnRateWindow): string {
  return (
    `${slo.name} SLO (${slo.summary}) burning its error budget at ≥ ${w.burnRate}× over ` +
    `${windowLabel(w.longWindowMin)} and ${windowLabel(w.shortWindowMin)}. Severity: ${w.severity}. ` +
    `Runbook: ${RUNBOOK_PATH}#${slo.runbook}`
  );
}

/** The alarms of the stage's SLOs: composites (which notify) and their window alarms (inputs, no actions). */
export interface SloAlarms {
  /** One composite per SLO × burn-rate rule: ALARM when both its windows are in ALARM. */
  readonly composites: cw.CompositeAlarm[];
  /** The long- and short-window metric alarms the composites combine. */
  readonly windows: cw.Alarm[];
}

/**
 * Creates the multi-window, multi-burn-rate alarms of every SLO of the stage ({@link sloDefinitions} ×
 * {@link BURN_RATE_WINDOWS}): per rule a long- and a short-window alarm (burn rate > rule, one data point of the
 * window length, sliding; no data = not breaching) and the composite `AND` of both, named by
 * {@link burnRateAlarmNames}. Actions are added by the caller, on the composites only.
 */
export function buildSloAlarms(scope: Construct, target: MonitoringTarget): SloAlarms {
  const metrics = new MetricFactory(target);
  const stage = target.config.name;
  const composites: cw.CompositeAlarm[] = [];
  const windows: cw.Alarm[] = [];
  for (const slo of sloDefinitions(target.config)) {
    for (const w of BURN_RATE_WINDOWS) {
      const names = burnRateAlarmNames(slo.name, w);
      const windowAlarm = (name: string, minutes: number) =>
        new cw.Alarm(scope, name, {
          alarmName: alarmName(stage, name),
          alarmDescription: `${windowLabel(minutes)} window of ${alarmName(stage, names.composite)} (${slo.name} burn rate > ${w.burnRate}). No actions: the composite notifies.`,
          metric: burnRate(metrics, slo, minutes),
          threshold: w.burnRate,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        });
      const long = windowAlarm(names.long, w.longWindowMin);
      const short = windowAlarm(names.short, w.shortWindowMin);
      windows.push(long, short);
      composites.push(
        new cw.CompositeAlarm(scope, names.composite, {
          compositeAlarmName: alarmName(stage, names.composite),
          alarmDescription: burnRateDescription(slo, w),
          alarmRule: cw.AlarmRule.allOf(
            cw.AlarmRule.fromAlarm(long, cw.AlarmState.ALARM),
            cw.AlarmRule.fromAlarm(short, cw.AlarmState.ALARM),
          ),
        }),
      );
    }
  }
  return { composites, windows };
}
