import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../../lib/config';
import { alarmDefinitions } from '../../../lib/config/alarms';
import {
  BURN_RATE_WINDOWS,
  burnRateAlarmNames,
  errorBudget,
  SLO_NAMES,
  sloDefinitions,
  windowLabel,
} from '../../../lib/config/slos';

describe('SLO definitions', () => {
  it('computes the error budget as a fraction of requests without float noise', () => {
    expect(errorBudget({ objectivePercent: 99.9 })).toBe(0.001);
    expect(errorBudget({ objectivePercent: 99.5 })).toBe(0.005);
    expect(errorBudget({ objectivePercent: 99 })).toBe(0.01);
    expect(errorBudget({ objectivePercent: 99.99 })).toBe(0.0001);
  });

  it('labels windows compactly', () => {
    expect([5, 30, 60, 120, 360, 1_440, 43_200].map(windowLabel)).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '30d',
    ]);
  });

  it('pairs every long window with a short one of 1/12 its length, fastest rule first', () => {
    for (const w of BURN_RATE_WINDOWS) expect(w.shortWindowMin * 12).toBe(w.longWindowMin);
    const rates = BURN_RATE_WINDOWS.map((w) => w.burnRate);
    expect([...rates].sort((a, b) => b - a)).toEqual(rates);
    // Budget share each rule spends before it fires, over a 30-day window: 2 %, 5 %, 10 %.
    expect(
      BURN_RATE_WINDOWS.map((w) => Math.round((w.burnRate * w.longWindowMin * 1_000) / (30 * 1_440)) / 10),
    ).toEqual([2, 5, 10]);
  });

  it.each(STAGE_NAMES)(
    '%s: objectives from the stage config, latency threshold = the p99 alarm threshold',
    (stage) => {
      const config = getStageConfig(stage);
      const slos = sloDefinitions(config);
      expect(slos.map((s) => s.name)).toEqual([...SLO_NAMES]);
      const latency = slos.find((s) => s.name === 'Latency');
      expect(latency?.sli).toMatchObject({ kind: 'latencyRank', thresholdMs: config.alarms.p99LatencyMs });
      expect(latency?.objectivePercent).toBe(config.slo.latencyPercent);
      expect(slos.find((s) => s.name === 'Availability')?.objectivePercent).toBe(
        config.slo.availabilityPercent,
      );
      const names = slos.flatMap((s) =>
        BURN_RATE_WINDOWS.flatMap((w) => Object.values(burnRateAlarmNames(s.name, w))),
      );
      const all = [...names, ...alarmDefinitions(config).map((d) => d.name)];
      expect(new Set(all).size).toBe(all.length);
    },
  );
});
