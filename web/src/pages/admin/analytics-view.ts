import type { AnalyticsRow } from '../../../../lib/config/analytics-api';

/**
 * What the Analytics page draws, computed from the rows of the admin analytics API (one row per tenant and vertical
 * segment). Tenants have disjoint users, so counts of several tenants add up; shares are recomputed from the sums.
 */

/** How rows are grouped: by vertical (platform admins over all tenants) or by tenant. */
export type SegmentBy = 'vertical' | 'tenant';

/** Active users of one segment: averages over the range (DAU per active day, WAU per week, MAU per month). */
export interface ActiveUsers {
  segment: string;
  dau: number;
  wau: number;
  mau: number;
  /** dau / mau (0..1), `null` without monthly users. */
  stickiness: number | null;
}

function segmentOf(r: { tenant_id: string; vertical: string }, by: SegmentBy): string {
  return by === 'vertical' ? r.vertical : r.tenant_id;
}

/** DAU/WAU/MAU per segment, largest MAU first. */
export function activeUsers(rows: readonly AnalyticsRow<'active_users'>[], by: SegmentBy): ActiveUsers[] {
  const sums = new Map<string, ActiveUsers>();
  for (const r of rows) {
    const key = segmentOf(r, by);
    const s = sums.get(key) ?? { segment: key, dau: 0, wau: 0, mau: 0, stickiness: null };
    s.dau += r.dau;
    s.wau += r.wau;
    s.mau += r.mau;
    sums.set(key, s);
  }
  return [...sums.values()]
    .map((s) => ({ ...s, stickiness: s.mau > 0 ? s.dau / s.mau : null }))
    .sort((a, b) => b.mau - a.mau || a.segment.localeCompare(b.segment));
}

/** Adoption of one feature over the scope. */
export interface Adoption {
  feature: string;
  users: number;
  uses: number;
  /** users / active users of the scope (0..1). */
  adoption: number;
}

/**
 * Feature adoption over the whole scope: users of each feature over the active users of every segment (a segment's
 * active users are counted once, even when it used no feature). Most adopted first.
 */
export function adoption(rows: readonly AnalyticsRow<'feature_adoption'>[]): Adoption[] {
  const active = new Map<string, number>();
  const features = new Map<string, { users: number; uses: number }>();
  for (const r of rows) {
    active.set(`${r.tenant_id}/${r.vertical}`, r.active_users);
    const f = features.get(r.feature) ?? { users: 0, uses: 0 };
    f.users += r.users;
    f.uses += r.uses;
    features.set(r.feature, f);
  }
  const total = [...active.values()].reduce((a, b) => a + b, 0);
  return [...features.entries()]
    .map(([feature, f]) => ({ feature, ...f, adoption: total > 0 ? f.users / total : 0 }))
    .sort((a, b) => b.adoption - a.adoption || a.feature.localeCompare(b.feature));
}

/** The funnel's steps, in order (`analytics/queries/funnel.sql`; a report created twice counts as step 4). */
export const FUNNEL_STEPS = [
  { key: 'step_1_page_view', label: 'Viewed a page' },
  { key: 'step_2_report_created', label: 'Created a report' },
  { key: 'step_3_report_viewed', label: 'Viewed a report' },
  { key: 'step_4_report_created', label: 'Created another report' },
] as const;

/** One step of the funnel over the scope. */
export interface FunnelStep {
  label: string;
  users: number;
  /** Share of step-1 users who reached this step (0..1). */
  conversion: number;
}

/** The funnel summed over the scope's segments. */
export function funnel(rows: readonly AnalyticsRow<'funnel'>[]): FunnelStep[] {
  const users = FUNNEL_STEPS.map((s) => rows.reduce((n, r) => n + r[s.key], 0));
  const first = users[0] ?? 0;
  return FUNNEL_STEPS.map((s, i) => ({
    label: s.label,
    users: users[i] ?? 0,
    conversion: first > 0 ? (users[i] ?? 0) / first : 0,
  }));
}

/** One weekly cohort: its first-seen week, size and the share active each week after. */
export interface Cohort {
  week: string;
  size: number;
  /** Share of the cohort active in week `offset` (index), `null` where the range has no such week yet. */
  retained: (number | null)[];
}

/** Weekly retention cohorts summed over the scope's segments, oldest cohort first; `offsets` = 0..max. */
export function retention(rows: readonly AnalyticsRow<'retention'>[]): {
  offsets: number[];
  cohorts: Cohort[];
} {
  const maxOffset = rows.reduce((m, r) => Math.max(m, r.week_offset), -1);
  const offsets = Array.from({ length: maxOffset + 1 }, (_, i) => i);
  const byWeek = new Map<string, { size: Map<string, number>; users: number[]; seen: boolean[] }>();
  for (const r of rows) {
    const c = byWeek.get(r.cohort_week) ?? {
      size: new Map<string, number>(),
      users: offsets.map(() => 0),
      seen: offsets.map(() => false),
    };
    c.size.set(`${r.tenant_id}/${r.vertical}`, r.cohort_users);
    c.users[r.week_offset] = (c.users[r.week_offset] ?? 0) + r.users;
    c.seen[r.week_offset] = true;
    byWeek.set(r.cohort_week, c);
  }
  const cohorts = [...byWeek.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([week, c]) => {
      const size = [...c.size.values()].reduce((a, b) => a + b, 0);
      return {
        week,
        size,
        retained: offsets.map((o) => (c.seen[o] && size > 0 ? (c.users[o] ?? 0) / size : null)),
      };
    });
  return { offsets, cohorts };
}

/** A share 0..1 as a whole percentage, "42 %". */
export function percent(v: number | null): string {
  return v === null ? '–' : `${Math.round(v * 100)} %`;
}
