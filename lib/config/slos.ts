/**
 * Service level objectives as data: the one home of each SLO of a stage (SLI, objective, compliance window) and of the
 * multi-window, multi-burn-rate alarm policy over them (Google SRE workbook, "Alerting on SLOs"). CDK builds the
 * burn-rate alarms and the error-budget widgets from these definitions (`lib/monitoring/slo-alarms.ts`,
 * `lib/monitoring/slo-widgets.ts`); the local evaluator can read the same definitions. Objectives come from the stage
 * config (`slo`), the latency threshold from `alarms.p99LatencyMs`. Pure data: no `aws-cdk-lib` import.
 */
import type { DrillSpec, MetricRef } from './alarms';
import type { StageConfig } from './stages';

/** The SLOs every stage has. */
export const SLO_NAMES = ['Availability', 'Latency'] as const;
/** One of {@link SLO_NAMES}. */
export type SloName = (typeof SLO_NAMES)[number];

/** What an SLO counts as a good request (its service level indicator), over API Gateway metrics of the stage. */
export type Sli =
  /** Good = not a 5XX: bad share = `Sum(bad) / Sum(total)` over the window. */
  | { readonly kind: 'errorRatio'; readonly bad: MetricRef; readonly total: MetricRef }
  /**
   * Good = answered within `thresholdMs`: good share = the percentile rank `PR(:thresholdMs)` of `latency` (the
   * percentage of requests whose latency is ≤ the threshold) over the window.
   */
  | { readonly kind: 'latencyRank'; readonly latency: MetricRef; readonly thresholdMs: number };

/** One SLO of a stage. */
export interface SloDefinition {
  readonly name: SloName;
  /** One line for descriptions and the dashboard, e.g. `99.9 % of requests answered without a 5XX over 30 days`. */
  readonly summary: string;
  readonly sli: Sli;
  /** Share of good requests promised over the window, percent (e.g. 99.9). */
  readonly objectivePercent: number;
  /** Compliance window (error-budget period), days. */
  readonly windowDays: number;
  /** Section anchor in docs/runbooks.md (one per SLO, shared by its burn-rate alarms). */
  readonly runbook: string;
  /** How a drill burns the budget on the local stack, or why it cannot. */
  readonly drill: DrillSpec | { readonly reason: string };
}

/** One burn-rate rule: alarm when both windows burn the budget at least `burnRate` times faster than sustainable. */
export interface BurnRateWindow {
  /** `Fast`, `Medium`, `Slow`: part of the alarm names. */
  readonly name: 'Fast' | 'Medium' | 'Slow';
  /** Multiple of the sustainable burn rate (1 = the budget lasts exactly the window). */
  readonly burnRate: number;
  /** The window that measures the burn, minutes. */
  readonly longWindowMin: number;
  /** The window that makes the alarm reset soon after the burn stops, minutes (1/12 of the long one). */
  readonly shortWindowMin: number;
  /** `page` wakes someone, `ticket` is looked at in working hours. */
  readonly severity: 'page' | 'ticket';
}

/**
 * The burn-rate policy of every SLO: 14.4× over 1 h and 5 min (2 % of a 30-day budget in an hour), 6× over 6 h and
 * 30 min (5 % in 6 hours), 3× over 1 day and 2 h (10 % in a day). Each rule is a composite alarm of its long- and
 * short-window alarms.
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { name: 'Fast', burnRate: 14.4, longWindowMin: 60, shortWindowMin: 5, severity: 'page' },
  { name: 'Medium', burnRate: 6, longWindowMin: 360, shortWindowMin: 30, severity: 'page' },
  { name: 'Slow', burnRate: 3, longWindowMin: 1_440, shortWindowMin: 120, severity: 'ticket' },
];

/** The error budget of an SLO as a fraction of requests (99.9 % → 0.001). */
export function errorBudget(slo: Pick<SloDefinition, 'objectivePercent'>): number {
  return Math.round((100 - slo.objectivePercent) * 1e6) / 1e8;
}

/** Compact window label: 5 → `5m`, 60 → `1h`, 1440 → `1d`. */
export function windowLabel(minutes: number): string {
  if (minutes % 1_440 === 0) return `${minutes / 1_440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Short names (the CloudWatch alarm is `MarketEdge-<stage>-<name>`) of one burn-rate rule of one SLO. */
export function burnRateAlarmNames(
  slo: SloName,
  w: BurnRateWindow,
): { composite: string; long: string; short: string } {
  const composite = `Slo${slo}${w.name}Burn`;
  return {
    composite,
    long: `${composite}${windowLabel(w.longWindowMin)}`,
    short: `${composite}${windowLabel(w.shortWindowMin)}`,
  };
}

/**
 * The SLOs of a stage (objectives and window from `config.slo`):
 * - `Availability`: share of API requests not answered with a 5XX (`AWS/ApiGateway` `5XXError` / `Count`);
 * - `Latency`: share of API requests answered within `alarms.p99LatencyMs` (percentile rank of `Latency`).
 */
export function sloDefinitions(config: StageConfig): SloDefinition[] {
  const { slo } = config;
  const total: MetricRef = { source: 'api', metric: 'Count' };
  return [
    {
      name: 'Availability',
      summary: `${slo.availabilityPercent} % of requests answered without a 5XX over ${slo.windowDays} days`,
      sli: { kind: 'errorRatio', bad: { source: 'api', metric: '5XXError' }, total },
      objectivePercent: slo.availabilityPercent,
      windowDays: slo.windowDays,
      runbook: 'slo-availability-burn',
      drill: { fault: { kind: 'upstream-failing' }, traffic: 'market', ratePerSec: 20 },
    },
    {
      name: 'Latency',
      summary: `${slo.latencyPercent} % of requests answered within ${config.alarms.p99LatencyMs} ms over ${slo.windowDays} days`,
      sli: {
        kind: 'latencyRank',
        latency: { source: 'api', metric: 'Latency' },
        thresholdMs: config.alarms.p99LatencyMs,
      },
      objectivePercent: slo.latencyPercent,
      windowDays: slo.windowDays,
      runbook: 'slo-latency-burn',
      drill: {
        fault: { kind: 'upstream-slow', delayMs: config.alarms.p99LatencyMs + 500 },
        traffic: 'market',
        ratePerSec: 10,
      },
    },
  ];
}
