import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSink } from '../../../lambdas/shared/analytics/file-sink';
import { derivedUuid } from '../../../lambdas/shared/analytics/hash';
import { type AnalyticsIdentity, buildRecord } from '../../../lambdas/shared/analytics/record';
import type { AnalyticsRecord, EventName } from '../../../lib/config/analytics';

/** The fixed secret of the small data set (test only). */
export const FIXTURE_SECRET = 'fixture-secret-0123456789abcdef0123456789abcdef';

const who = (tenantId: string, userId: string, vertical: string): AnalyticsIdentity => ({
  tenantId,
  userId,
  vertical,
  tier: 'standard',
});
const u1 = who('acme', 'u1', 'retail');
const u2 = who('acme', 'u2', 'retail');
const u3 = who('acme', 'u3', 'retail');
const g1 = who('globex', 'g1', 'hospitality');

let n = 0;
function ev(
  w: AnalyticsIdentity,
  ts: string,
  name: EventName,
  props: Record<string, unknown> = {},
  id?: string,
): AnalyticsRecord {
  n++;
  return buildRecord(
    FIXTURE_SECRET,
    w,
    { eventId: id ?? derivedUuid(`fixture:${n}`), name, ts: new Date(ts), props, source: 'server' },
    new Date(ts),
  );
}

const dupId = derivedUuid('fixture:dup');

/**
 * The small fixed data set with hand-computed answers (2026-11-02 is a Monday):
 * - acme (retail): u1 goes through the whole funnel on 11-02 (view, create, view report, create again) and returns
 *   on 11-10; u2 views and creates on 11-02 but views the report on 11-12 (outside the 7-day window); u3 creates
 *   before their first page view on 11-03. u1's first report_created is stored twice (same event_id).
 *   Feature `report.create`: u1 once, u3 twice. Experiment report_cta: u1 control (converts), u2 prominent (converts), u3
 *   prominent (created before exposure: not converted).
 * - globex (hospitality): g1 one page view and a control exposure on 11-02.
 */
export function fixtureRecords(): AnalyticsRecord[] {
  n = 0;
  return [
    ev(u1, '2026-11-02T08:00:00Z', 'experiment_exposure', { experiment: 'report_cta', variant: 'control' }),
    ev(u1, '2026-11-02T09:00:00Z', 'page_view', { page: '/reports' }),
    ev(u1, '2026-11-02T09:05:00Z', 'report_created', { tags: 1 }, dupId),
    ev(u1, '2026-11-02T09:05:00Z', 'report_created', { tags: 1 }, dupId),
    ev(u1, '2026-11-02T09:10:00Z', 'report_viewed'),
    ev(u1, '2026-11-02T09:20:00Z', 'report_created'),
    ev(u1, '2026-11-03T10:00:00Z', 'feature_used', { feature: 'report.create' }),
    ev(u1, '2026-11-10T10:00:00Z', 'page_view', { page: '/' }),
    ev(u2, '2026-11-02T12:00:00Z', 'page_view', { page: '/reports' }),
    ev(u2, '2026-11-02T12:01:00Z', 'experiment_exposure', { experiment: 'report_cta', variant: 'prominent' }),
    ev(u2, '2026-11-02T12:05:00Z', 'report_created'),
    ev(u2, '2026-11-12T12:00:00Z', 'report_viewed'),
    ev(u3, '2026-11-03T08:00:00Z', 'report_created'),
    ev(u3, '2026-11-03T08:01:00Z', 'page_view', { page: '/reports' }),
    ev(u3, '2026-11-03T08:30:00Z', 'experiment_exposure', { experiment: 'report_cta', variant: 'prominent' }),
    ev(u3, '2026-11-04T09:00:00Z', 'feature_used', { feature: 'report.create' }),
    ev(u3, '2026-11-04T09:30:00Z', 'feature_used', { feature: 'report.create' }),
    ev(g1, '2026-11-02T10:00:00Z', 'page_view', { page: '/' }),
    ev(g1, '2026-11-02T10:30:00Z', 'experiment_exposure', { experiment: 'report_cta', variant: 'control' }),
  ];
}

/** Scope covering the whole fixture for every tenant. */
export const FIXTURE_SCOPE = {
  tenantId: null,
  vertical: null,
  from: '2026-11-01',
  to: '2026-11-30',
} as const;

/**
 * Writes {@link fixtureRecords} through the file sink into a fresh temporary directory (the local store's hive
 * layout) and returns its path; the caller removes it (`rmSync(root, { recursive: true, force: true })`).
 * @param prefix name prefix of the temporary directory, e.g. `analytics-q-`
 */
export function writeFixtureStore(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const sink = fileSink({ root });
  sink.write(fixtureRecords());
  sink.flush();
  return root;
}
