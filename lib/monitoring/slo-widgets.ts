import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { BURN_RATE_WINDOWS, sloDefinitions, windowLabel } from '../config/slos';
import type { MetricFactory } from './metric-factory';
import { badPercent, budgetRemaining, burnRate } from './slo-alarms';

/**
 * The SLO rows of the stage dashboard, one row per SLO of `lib/config/slos.ts`:
 * - error budget remaining over the SLO window (percent of the budget; single value over the last `windowDays`);
 * - the SLI over the same window (percent of good requests, with the objective in the title);
 * - burn rate over the fast rule's long and short windows (1 h, 5 min), with every rule's threshold as an annotation.
 */
export function sloWidgets(metrics: MetricFactory): cw.IWidget[][] {
  const slos = sloDefinitions(metrics.target.config);
  const rows: cw.IWidget[][] = [
    [
      new cw.TextWidget({
        markdown: `## SLOs\n${slos.map((s) => `- **${s.name}**: ${s.summary}`).join('\n')}\n\nBurn-rate alarms: ${BURN_RATE_WINDOWS.map((w) => `${w.burnRate}× over ${windowLabel(w.longWindowMin)} and ${windowLabel(w.shortWindowMin)} (${w.severity})`).join(', ')}. Definitions: \`lib/config/slos.ts\`.`,
        width: 24,
        height: 3,
      }),
    ],
  ];
  for (const slo of slos) {
    const window = Duration.days(slo.windowDays);
    const since = `-P${slo.windowDays}D`;
    const fast = BURN_RATE_WINDOWS[0];
    rows.push([
      new cw.SingleValueWidget({
        title: `${slo.name}: error budget remaining (${slo.windowDays} d)`,
        metrics: [budgetRemaining(metrics, slo, window)],
        start: since,
        setPeriodToTimeRange: true,
        width: 6,
        height: 5,
      }),
      new cw.SingleValueWidget({
        title: `${slo.name}: good requests % (${slo.windowDays} d, objective ${slo.objectivePercent} %)`,
        metrics: [
          new cw.MathExpression({
            expression: '100 - bad',
            usingMetrics: { bad: badPercent(metrics, slo, window) },
            period: window,
            label: `${slo.name} SLI %`,
          }),
        ],
        start: since,
        setPeriodToTimeRange: true,
        width: 6,
        height: 5,
      }),
      new cw.GraphWidget({
        title: `${slo.name}: error-budget burn rate`,
        left: fast
          ? [burnRate(metrics, slo, fast.longWindowMin), burnRate(metrics, slo, fast.shortWindowMin)]
          : [],
        leftAnnotations: BURN_RATE_WINDOWS.map((w) => ({
          value: w.burnRate,
          label: `${w.name} ${w.burnRate}×`,
        })),
        leftYAxis: { min: 0, showUnits: false },
        width: 12,
        height: 5,
      }),
    ]);
  }
  return rows;
}
