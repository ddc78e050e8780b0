import { describe, expect, it } from 'vitest';
import { routeLatencyAlarms } from '../../../lib/config/alarms';
import {
  betweenMarkers,
  LOAD_BASELINES,
  LOAD_BASELINES_DOC,
  LOAD_BASELINES_MARKERS,
  type LoadBaselines,
  loadBaselinesSchema,
  measuredBaseline,
  ROUTE_P99_ALARM,
  renderLoadBaselines,
  replaceBetweenMarkers,
  routeP99ThresholdMs,
} from '../../../lib/config/load-baselines';
import { ROUTES, type Route, routeKey } from '../../../lib/config/routes';
import { STAGE_NAMES } from '../../../lib/config/stage-names';
import { getStageConfig } from '../../../lib/config/stages';
import { readRepoFile } from '../../helpers/markdown';

const stages = STAGE_NAMES.map((s) => getStageConfig(s));
const route = (key: string): Route => {
  const r = ROUTES.find((x) => routeKey(x) === key);
  if (!r) throw new Error(`no route ${key}`);
  return r;
};

/** A copy of the stored baselines with one route's p99 replaced. */
function withP99(key: string, p99Ms: number): LoadBaselines {
  const copy = structuredClone(LOAD_BASELINES);
  copy.routes = copy.routes.map((r) =>
    r.route === key
      ? {
          route: key,
          request: `GET ${key}`,
          role: 'user',
          ratePerSec: 40,
          connections: 4,
          requests: 200,
          rps: 40,
          p50Ms: 1,
          p99Ms,
          maxMs: p99Ms,
          errors: 0,
          statuses: { '200': 200 },
        }
      : r,
  );
  return copy;
}

describe('load baselines data file (lib/config/load-baselines.json)', () => {
  it('covers every route of the route table exactly once, GET /health (the bare baseline) first', () => {
    const keys = LOAD_BASELINES.routes.map((r) => r.route);
    expect([...keys].sort()).toEqual(ROUTES.map(routeKey).sort());
    expect(keys[0]).toBe('GET /health');
    expect(measuredBaseline(route('GET /health'))).toBeDefined();
  });

  it('says when, where and on what it was measured (date, machine, load average, commit)', () => {
    expect(Date.parse(LOAD_BASELINES.measuredAt)).toBeGreaterThan(Date.parse('2026-12-01T00:00:00Z'));
    expect(LOAD_BASELINES.commit).toMatch(/^[0-9a-f]{7,40}(\+dirty)?$/);
    expect(LOAD_BASELINES.machine.cpus).toBeGreaterThan(0);
    expect(LOAD_BASELINES.loadAverage.start).toHaveLength(3);
  });

  it('rejects a file whose routes lack figures or reasons', () => {
    const bad = { ...LOAD_BASELINES, routes: [{ route: 'GET /health' }] };
    expect(loadBaselinesSchema.safeParse(bad).success).toBe(false);
  });
});

describe('routeP99ThresholdMs: max(stage floor, ceil(p99 × headroom + AWS allowance))', () => {
  const prod = getStageConfig('prod');

  it('applies the headroom factor and the allowance of the backend kind above the floor', () => {
    const b = withP99('GET /v1/me', 200);
    const expected = Math.ceil(200 * ROUTE_P99_ALARM.headroomFactor + ROUTE_P99_ALARM.awsAllowanceMs.lambda);
    expect(expected).toBeGreaterThan(prod.alarms.routeP99FloorMs);
    expect(routeP99ThresholdMs(route('GET /v1/me'), prod, b)).toBe(expected);
    const market = withP99('ANY /v1/market/{proxy+}', 200);
    expect(routeP99ThresholdMs(route('ANY /v1/market/{proxy+}'), prod, market)).toBe(
      Math.ceil(200 * ROUTE_P99_ALARM.headroomFactor + ROUTE_P99_ALARM.awsAllowanceMs.http),
    );
  });

  it('never goes below the stage floor, and rounds up to a whole ms', () => {
    expect(routeP99ThresholdMs(route('GET /v1/me'), prod, withP99('GET /v1/me', 0.5))).toBe(
      prod.alarms.routeP99FloorMs,
    );
    const odd = routeP99ThresholdMs(route('GET /v1/me'), prod, withP99('GET /v1/me', 100.01));
    expect(odd).toBe(Math.ceil(100.01 * 3 + 150));
  });

  it('gives no threshold (and no alarm) to a route the run could not measure', () => {
    const skipped = LOAD_BASELINES.routes.filter((r) => 'skipped' in r).map((r) => r.route);
    for (const key of skipped) expect(routeP99ThresholdMs(route(key), prod)).toBeUndefined();
    const names = routeLatencyAlarms(prod).map((a) => a.summary);
    for (const key of skipped) expect(names.some((n) => n.startsWith(`${key} `))).toBe(false);
    expect(routeLatencyAlarms(prod)).toHaveLength(LOAD_BASELINES.routes.length - skipped.length);
  });
});

describe(`the table in ${LOAD_BASELINES_DOC}`, () => {
  it('is exactly what the data file renders (regenerate: npm run load -- --write)', () => {
    const doc = readRepoFile(LOAD_BASELINES_DOC);
    expect(betweenMarkers(doc)).toBe(renderLoadBaselines(LOAD_BASELINES, stages, ROUTES));
  });

  it('changes when a figure of the data file changes (the comparison can fail)', () => {
    const doc = readRepoFile(LOAD_BASELINES_DOC);
    expect(betweenMarkers(doc)).not.toBe(
      renderLoadBaselines(withP99('GET /v1/me', 12_345.6), stages, ROUTES),
    );
  });

  it('renders one row per measured route with its thresholds per stage, and each skipped route with its reason', () => {
    const text = renderLoadBaselines(LOAD_BASELINES, stages, ROUTES);
    for (const r of LOAD_BASELINES.routes) {
      expect(text).toContain(`\`${r.route}\``);
      if ('skipped' in r) expect(text).toContain(r.skipped);
    }
    for (const s of stages) expect(text).toContain(`p99 alarm ${s.name}`);
    const me = measuredBaseline(route('GET /v1/me'));
    const row = text.split('\n').find((l) => l.startsWith('| `GET /v1/me`'));
    expect(row).toContain(me?.p99Ms.toFixed(1));
    for (const s of stages) expect(row).toContain(String(routeP99ThresholdMs(route('GET /v1/me'), s)));
  });

  it('replaces only what is between the markers', () => {
    const { start, end } = LOAD_BASELINES_MARKERS;
    const doc = `# T\n\n${start}\nold\n${end}\n\nrest\n`;
    expect(replaceBetweenMarkers(doc, 'new')).toBe(`# T\n\n${start}\n\nnew\n\n${end}\n\nrest\n`);
    expect(betweenMarkers(replaceBetweenMarkers(doc, 'new'))).toBe('new');
    expect(() => replaceBetweenMarkers('# no markers\n', 'x')).toThrow(/markers/);
  });
});
