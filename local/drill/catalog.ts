import { type AlarmDefinition, alarmDefinitions, type DrillSpec, runbookRef } from '../../lib/config/alarms';
import { BURN_RATE_WINDOWS, burnRateAlarmNames, sloDefinitions } from '../../lib/config/slos';
import type { StageConfig } from '../../lib/config/stages';
import { MAX_TIME_SCALE } from '../metrics/evaluator';

/** Seconds of clock a drill aims at for the alarm's own timing (its datapoints to alarm, or its short window). */
export const DRILL_TARGET_SEC = 3;

/** One alarm of the stage's catalog as the drill tool sees it. */
export interface DrillEntry {
  /** Short alarm name (`MarketEdge-<stage>-<name>` in AWS), as `GET /_local/alarms` lists it. */
  name: string;
  kind: 'metric' | 'burn-rate';
  summary: string;
  /** `docs/runbooks.md#<anchor>`. */
  runbook: string;
  /** How to provoke it, or the written reason it has no drill. */
  drill: DrillSpec | { readonly reason: string };
  /**
   * Time scale the drill runs at: the alarm's time to fire (`periodSec × datapointsToAlarm`; a burn-rate composite:
   * its short window, which also decides how soon it clears) brought to about {@link DRILL_TARGET_SEC} s.
   */
  timeScale: number;
  /** What the drill waits for at that scale: the time the condition needs to raise the alarm, s of clock. */
  expectedSec: number;
}

/**
 * Every alarm of the stage — the metric alarms of `alarmDefinitions` and the SLO burn-rate composites of
 * `sloDefinitions` × `BURN_RATE_WINDOWS` — with its drill (or reason) and the time scale its drill uses.
 */
export function drillCatalog(config: StageConfig): DrillEntry[] {
  const scale = (sec: number) => Math.min(MAX_TIME_SCALE, Math.max(1, Math.ceil(sec / DRILL_TARGET_SEC)));
  const metric = alarmDefinitions(config).map((d: AlarmDefinition): DrillEntry => {
    const k = scale(d.periodSec * d.datapointsToAlarm);
    return {
      name: d.name,
      kind: 'metric',
      summary: d.summary,
      runbook: runbookRef(d.runbook),
      drill: d.drill,
      timeScale: k,
      expectedSec: (d.periodSec * d.datapointsToAlarm) / k,
    };
  });
  const burn = sloDefinitions(config).flatMap((slo) =>
    BURN_RATE_WINDOWS.map((w): DrillEntry => {
      const k = scale(w.shortWindowMin * 60);
      return {
        name: burnRateAlarmNames(slo.name, w).composite,
        kind: 'burn-rate',
        summary: `${slo.name} SLO burning its error budget at more than ${w.burnRate}× (${w.severity})`,
        runbook: runbookRef(slo.runbook),
        drill: slo.drill,
        timeScale: k,
        expectedSec: (w.shortWindowMin * 60) / k,
      };
    }),
  );
  return [...metric, ...burn];
}
