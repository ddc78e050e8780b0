import { describe, expect, it } from 'vitest';
import { alarmDefinitions, FAULTS } from '../../../lib/config/alarms';
import { sloDefinitions } from '../../../lib/config/slos';
import { STAGE_NAMES } from '../../../lib/config/stage-names';
import { getStageConfig } from '../../../lib/config/stages';
import { drillCatalog } from '../../../local/drill/catalog';
import { TRAFFIC_IDENTITY } from '../../../local/drill/traffic';
import { AlarmEvaluator, MAX_TIME_SCALE } from '../../../local/metrics/evaluator';
import { MetricStore } from '../../../local/metrics/store';

describe.each(STAGE_NAMES)('drill catalog — %s', (stage) => {
  const config = getStageConfig(stage);
  const catalog = drillCatalog(config);

  it('every alarm of the stage has a drill or a written reason', () => {
    expect(catalog.length).toBe(alarmDefinitions(config).length + 3 * sloDefinitions(config).length);
    for (const e of catalog) {
      if ('reason' in e.drill) expect(e.drill.reason.length, e.name).toBeGreaterThan(40);
      else {
        if (e.drill.fault) expect(Object.keys(FAULTS), e.name).toContain(e.drill.fault.kind);
        expect(Object.keys(TRAFFIC_IDENTITY), e.name).toContain(e.drill.traffic);
        expect(e.drill.ratePerSec, e.name).toBeGreaterThan(0);
      }
      expect(e.timeScale).toBeGreaterThanOrEqual(1);
      expect(e.timeScale).toBeLessThanOrEqual(MAX_TIME_SCALE);
      expect(e.runbook).toMatch(/^docs\/runbooks\.md#[a-z0-9-]+$/);
    }
  });

  it('the local evaluator knows every alarm of the catalog, and evaluates every one that has a drill', () => {
    const ev = new AlarmEvaluator({
      definitions: alarmDefinitions(config),
      slos: sloDefinitions(config),
      store: new MetricStore(),
    });
    const statuses = ev.statuses();
    expect(statuses.map((s) => s.name)).toEqual(catalog.map((e) => e.name));
    const drilled = new Set(catalog.filter((e) => !('reason' in e.drill)).map((e) => e.name));
    expect(statuses.filter((s) => s.state === 'UNSUPPORTED' && drilled.has(s.name))).toEqual([]);
  });
});
