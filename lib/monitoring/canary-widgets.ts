import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { alarmDefinitions } from '../config/alarms';
import { CANARY_CHECKS, CANARY_SCHEDULE_MINUTES, canaryName } from '../config/canary';
import type { MetricFactory } from './metric-factory';

/**
 * The canary row of the stage dashboard — uptime as the canary measures it from outside (`SuccessPercent` of
 * `marketedge-<stage>-api`, every run calling `/health` and `/v1/me` with an M2M token):
 * - uptime over the availability SLO window (single value, objective in the title);
 * - uptime per 5 minutes with the `CanaryFailing` threshold;
 * - run duration p50/p99 (token + every check, ms).
 */
export function canaryWidgets(metrics: MetricFactory): cw.IWidget[][] {
  const { config } = metrics.target;
  const name = canaryName(config.name);
  const windowDays = config.slo.windowDays;
  const failing = alarmDefinitions(config).find((d) => d.name === 'CanaryFailing');
  const steps = CANARY_CHECKS.map((c) => `\`${c.method} ${c.path}\``).join(', ');
  return [
    [
      new cw.TextWidget({
        markdown: `## Canary (uptime)\nSynthetics canary \`${name}\` every ${CANARY_SCHEDULE_MINUTES} min: ${steps} (client-credentials token). A failed run is downtime seen from outside; \`CanaryFailing\` pages, \`GatewayHeartbeatMissing\` fires when no request reaches the gateway at all.`,
        width: 24,
        height: 2,
      }),
    ],
    [
      new cw.SingleValueWidget({
        title: `Uptime measured by the canary (${windowDays} d, availability objective ${config.slo.availabilityPercent} %)`,
        metrics: [
          metrics
            .canaryMetric('SuccessPercent', 'Average', Duration.days(windowDays))
            .with({ label: 'uptime %' }),
        ],
        start: `-P${windowDays}D`,
        setPeriodToTimeRange: true,
        width: 6,
        height: 5,
      }),
      new cw.GraphWidget({
        title: 'Canary uptime (SuccessPercent, 5 min)',
        left: [metrics.canaryMetric('SuccessPercent', 'Average', Duration.minutes(5))],
        leftAnnotations: failing ? [{ value: failing.threshold, label: 'CanaryFailing below' }] : [],
        leftYAxis: { min: 0, max: 100, showUnits: false },
        width: 9,
        height: 5,
      }),
      new cw.GraphWidget({
        title: 'Canary run duration (ms)',
        left: [metrics.canaryMetric('Duration', 'p50'), metrics.canaryMetric('Duration', 'p99')],
        width: 9,
        height: 5,
      }),
    ],
  ];
}
