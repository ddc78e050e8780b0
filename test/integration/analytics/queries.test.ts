import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsEngine, listPartitions } from '../../../local/analytics/engine';
import { FIXTURE_SCOPE, writeFixtureStore } from '../../unit/analytics/fixture';

let root: string;
let engine: AnalyticsEngine;

beforeAll(async () => {
  root = writeFixtureStore('analytics-q-');
  engine = await AnalyticsEngine.open(root);
});
afterAll(() => {
  engine?.close();
  rmSync(root, { recursive: true, force: true });
});

const num = (rows: Record<string, unknown>[], key: string) => rows.map((r) => Number(r[key]));

describe.each(['ndjson', 'parquet'])('standard queries on the fixed data set (%s)', (format) => {
  beforeAll(async () => {
    if (format === 'parquet') {
      expect(await engine.compact()).toBe(6);
      for (const p of listPartitions(root)) expect(p.files.every((f) => f.endsWith('.parquet'))).toBe(true);
    }
  });

  it('active_users: DAU, WAU, MAU and stickiness per tenant', async () => {
    const rows = await engine.query('active_users', FIXTURE_SCOPE);
    expect(rows.map((r) => r.tenant_id)).toEqual(['acme', 'globex']);
    expect(rows[0]).toMatchObject({ vertical: 'retail', dau: 1.4, wau: 2.5, mau: 3, stickiness: 0.4667 });
    expect(num(rows, 'active_days')).toEqual([5, 1]);
    expect(rows[1]).toMatchObject({ vertical: 'hospitality', dau: 1, wau: 1, mau: 1, stickiness: 1 });
  });

  it('funnel: ordered steps inside 7 days, the same event twice', async () => {
    const rows = await engine.query('funnel', FIXTURE_SCOPE);
    expect(rows).toHaveLength(2);
    const [acme, globex] = rows;
    expect(
      ['step_1_page_view', 'step_2_report_created', 'step_3_report_viewed', 'step_4_report_created'].map(
        (k) => Number(acme?.[k]),
      ),
    ).toEqual([3, 2, 1, 1]);
    expect(acme).toMatchObject({ conversion_2: 0.6667, conversion_3: 0.3333, conversion_4: 0.3333 });
    expect(Number(globex?.step_1_page_view)).toBe(1);
    expect(Number(globex?.step_2_report_created)).toBe(0);
  });

  it('retention: weekly cohorts', async () => {
    const rows = await engine.query('retention', { ...FIXTURE_SCOPE, tenantId: 'acme' });
    expect(rows.map((r) => [r.cohort_week, Number(r.week_offset), Number(r.users), r.retention])).toEqual([
      ['2026-11-02', 0, 3, 1],
      ['2026-11-02', 1, 2, 0.6667],
    ]);
  });

  it('feature_adoption: share of active users, duplicates counted once', async () => {
    const rows = await engine.query('feature_adoption', FIXTURE_SCOPE);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant_id: 'acme', feature: 'report.create', adoption: 0.6667 });
    expect(num(rows, 'users')).toEqual([2]);
    expect(num(rows, 'uses')).toEqual([3]);
  });

  it('ab_results: exposed and converted-after-exposure users per variant', async () => {
    const rows = await engine.query('ab_results', FIXTURE_SCOPE);
    expect(
      rows.map((r) => [
        r.variant,
        r.tenant_id,
        Number(r.exposed),
        Number(r.converted_report_created),
        Number(r.converted_report_viewed),
        Number(r.converted_feature_used),
      ]),
    ).toEqual([
      ['control', 'acme', 1, 1, 1, 1],
      ['control', 'globex', 1, 0, 0, 0],
      ['prominent', 'acme', 2, 1, 1, 1],
    ]);
  });

  it('events_per_day: event_id duplicates count once', async () => {
    const rows = await engine.query('events_per_day', { ...FIXTURE_SCOPE, tenantId: 'acme' });
    const created = rows.find((r) => r.dt === '2026-11-02' && r.name === 'report_created');
    expect(Number(created?.events)).toBe(3);
    expect(Number(created?.users)).toBe(2);
    expect(rows.every((r) => r.tenant_id === 'acme')).toBe(true);
  });

  it('scope: dates and vertical narrow the rows', async () => {
    const rows = await engine.query('events_per_day', {
      ...FIXTURE_SCOPE,
      from: '2026-11-10',
      to: '2026-11-10',
    });
    expect(rows.map((r) => [r.tenant_id, r.dt, r.name, Number(r.events)])).toEqual([
      ['acme', '2026-11-10', 'page_view', 1],
    ]);
    const hosp = await engine.query('active_users', { ...FIXTURE_SCOPE, vertical: 'hospitality' });
    expect(hosp.map((r) => r.tenant_id)).toEqual(['globex']);
  });
});
