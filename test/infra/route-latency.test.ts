import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getStageConfig, ROUTES, routeKey, STAGE_NAMES } from '../../lib/config';
import {
  alarmName,
  ROUTE_LATENCY_ALARM_PREFIX,
  ROUTE_LATENCY_RUNBOOK,
  routeLatencyAlarmName,
} from '../../lib/config/alarms';
import { ROUTE_P99_ALARM } from '../../lib/config/load-baselines';
import { synthesized } from './support/synth';
import { flatten, resourcesOf } from './support/template';

/** The data file as written by `npm run load -- --write`, read raw (not through the module under test). */
const DATA = JSON.parse(
  readFileSync(new URL('../../lib/config/load-baselines.json', import.meta.url), 'utf8'),
) as { routes: Array<{ route: string; p99Ms?: number; skipped?: string }> };

/** `max(floor, ceil(p99 × headroom + allowance[backend kind]))`, restated from docs/load-testing.md. */
function expectedThreshold(p99Ms: number, kind: 'lambda' | 'http', floorMs: number): number {
  return Math.max(
    floorMs,
    Math.ceil(p99Ms * ROUTE_P99_ALARM.headroomFactor + ROUTE_P99_ALARM.awsAllowanceMs[kind]),
  );
}

describe('route latency alarm names', () => {
  it('are unique per route and name the method and the path', () => {
    const names = ROUTES.map(routeLatencyAlarmName);
    expect(new Set(names).size).toBe(ROUTES.length);
    expect(routeLatencyAlarmName({ method: 'GET', path: '/v1/reports/{reportId}' })).toBe(
      'RouteLatencyP99-GET-v1-reports-reportId',
    );
    expect(routeLatencyAlarmName({ method: 'ANY', path: '/v1/market/{proxy+}' })).toBe(
      'RouteLatencyP99-ANY-v1-market-proxy',
    );
  });
});

describe.each(STAGE_NAMES)('route p99 latency alarms — %s', (stage) => {
  const config = getStageConfig(stage);
  const alarms = () =>
    Object.values(resourcesOf(synthesized().template(stage, 'Monitoring'), 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties ?? {},
    );

  it('each measured route has one alarm on its own Latency p99 with exactly the threshold its baseline derives', () => {
    const byName = new Map(alarms().map((a) => [String(a.AlarmName), a]));
    const measured = DATA.routes.filter((r) => r.p99Ms !== undefined);
    expect(measured.length).toBeGreaterThan(0);
    const expectedNames: string[] = [];
    for (const route of ROUTES) {
      const entry = DATA.routes.find((r) => r.route === routeKey(route));
      const name = alarmName(stage, routeLatencyAlarmName(route));
      if (entry?.p99Ms === undefined) {
        expect(byName.has(name), `${routeKey(route)} has no baseline, so no alarm`).toBe(false);
        continue;
      }
      expectedNames.push(name);
      const a = byName.get(name);
      expect(a, routeKey(route)).toBeDefined();
      expect(a?.Threshold, routeKey(route)).toBe(
        expectedThreshold(entry.p99Ms, route.backend.kind, config.alarms.routeP99FloorMs),
      );
      expect(a?.ComparisonOperator).toBe('GreaterThanThreshold');
      expect([a?.EvaluationPeriods, a?.DatapointsToAlarm, a?.TreatMissingData]).toEqual([
        3,
        3,
        'notBreaching',
      ]);
      const metric = flatten(a?.Metrics ?? { n: a?.MetricName, d: a?.Dimensions, s: a?.ExtendedStatistic });
      expect(metric, routeKey(route)).toContain('AWS/ApiGateway');
      expect(metric).toContain('"Latency"');
      expect(metric).toContain('p99');
      expect(metric).toContain(`{"Name":"Method","Value":"${route.method}"}`);
      expect(metric).toContain(`{"Name":"Resource","Value":"${route.path}"}`);
      expect(metric).toContain(`{"Name":"Stage","Value":"${stage}"}`);
      expect(a?.Period ?? metric.match(/"Period":(\d+)/)?.[1]).toBe(a?.Period ? 300 : '300');
      expect(String(a?.AlarmDescription)).toContain(`#${ROUTE_LATENCY_RUNBOOK}`);
    }
    // Nothing else carries the prefix (no alarm for a route the data file does not measure).
    const got = [...byName.keys()].filter((n) => n.startsWith(alarmName(stage, ROUTE_LATENCY_ALARM_PREFIX)));
    expect(got.sort()).toEqual(expectedNames.sort());
  });

  it('the stage floor holds: no route threshold below alarms.routeP99FloorMs', () => {
    const thresholds = alarms()
      .filter((a) => String(a.AlarmName).startsWith(alarmName(stage, ROUTE_LATENCY_ALARM_PREFIX)))
      .map((a) => Number(a.Threshold));
    expect(thresholds.length).toBeGreaterThan(0);
    for (const t of thresholds) expect(t).toBeGreaterThanOrEqual(config.alarms.routeP99FloorMs);
  });
});
