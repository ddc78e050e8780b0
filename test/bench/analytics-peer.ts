/**
 * The benchmark peer of `npm run bench:analytics`: every standard query (`analytics/queries/*.sql`) written as a
 * plain in-process aggregation over rows already in memory (Maps and loops, no engine), with the same semantics as
 * the SQL — scope filter, distinct counts, ISO weeks, the ordered 7-day funnel, conversion after exposure — and the
 * same output rows and order, so the two results can be compared value by value (`test/unit/analytics/peer.test.ts`).
 */
import type { QueryScope } from '../../lambdas/shared/analytics/scope';
import type { AnalyticsQueryName } from '../../lib/config/analytics';

/** One event as the peer holds it (the columns the queries read). */
export interface PeerEvent {
  event_id: string;
  name: string;
  /** ms since epoch, UTC. */
  ts: number;
  tenant_id: string;
  vertical: string;
  user_hash: string;
  feature: string | null;
  experiment: string | null;
  variant: string | null;
}

/** One result row (numbers as numbers, dates as `yyyy-mm-dd`). */
export type PeerRow = Record<string, string | number>;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday: Monday-start weeks are offset by 4 days.
const MONDAY_OFFSET_MS = 4 * DAY_MS;

const dayOf = (ts: number) => Math.floor(ts / DAY_MS) * DAY_MS;
const weekOf = (ts: number) => Math.floor((ts - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS;
const monthOf = (ts: number) => {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** SQL `round(x, n)`: half away from zero. */
export function round(x: number, n: number): number {
  const f = 10 ** n;
  return (Math.sign(x) * Math.round(Math.abs(x) * f)) / f;
}
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Rows inside the scope (the `events` CTE of `scopedSql`). */
export function inScope(events: readonly PeerEvent[], scope: QueryScope): PeerEvent[] {
  const from = Date.parse(`${scope.from}T00:00:00Z`);
  const to = Date.parse(`${scope.to}T00:00:00Z`) + DAY_MS;
  return events.filter(
    (e) =>
      e.ts >= from &&
      e.ts < to &&
      (scope.tenantId === null || e.tenant_id === scope.tenantId) &&
      (scope.vertical === null || e.vertical === scope.vertical),
  );
}

/** Map from key to a value created on first use. */
function upsert<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

const tv = (e: PeerEvent) => `${e.tenant_id}\u0000${e.vertical}`;
const split = (k: string) => k.split('\u0000');

function eventsPerDay(ev: readonly PeerEvent[]): PeerRow[] {
  const g = new Map<string, { ids: Set<string>; users: Set<string> }>();
  for (const e of ev) {
    const s = upsert(g, `${tv(e)}\u0000${isoDay(e.ts)}\u0000${e.name}`, () => ({
      ids: new Set(),
      users: new Set(),
    }));
    s.ids.add(e.event_id);
    s.users.add(e.user_hash);
  }
  return [...g.keys()].sort().map((k) => {
    const [tenant_id = '', vertical = '', dt = '', name = ''] = split(k);
    const s = g.get(k)!;
    return { tenant_id, vertical, dt, name, events: s.ids.size, users: s.users.size };
  });
}

function activeUsers(ev: readonly PeerEvent[]): PeerRow[] {
  const by = (bucket: (ts: number) => number) => {
    const g = new Map<string, Map<number, Set<string>>>();
    for (const e of ev)
      upsert(
        upsert(g, tv(e), () => new Map()),
        bucket(e.ts),
        () => new Set(),
      ).add(e.user_hash);
    const out = new Map<string, { n: number; avg: number }>();
    for (const [k, buckets] of g) {
      let sum = 0;
      for (const users of buckets.values()) sum += users.size;
      out.set(k, { n: buckets.size, avg: sum / buckets.size });
    }
    return out;
  };
  const d = by(dayOf);
  const w = by(weekOf);
  const m = by(monthOf);
  return [...d.keys()].sort().map((k) => {
    const [tenant_id = '', vertical = ''] = split(k);
    const dd = d.get(k)!;
    const mau = m.get(k)!.avg;
    return {
      tenant_id,
      vertical,
      active_days: dd.n,
      dau: round(dd.avg, 2),
      wau: round(w.get(k)!.avg, 2),
      mau: round(mau, 2),
      stickiness: round(dd.avg / mau, 4),
    };
  });
}

function featureAdoption(ev: readonly PeerEvent[]): PeerRow[] {
  const active = new Map<string, Set<string>>();
  const used = new Map<string, { users: Set<string>; ids: Set<string> }>();
  for (const e of ev) {
    upsert(active, tv(e), () => new Set()).add(e.user_hash);
    if (e.name === 'feature_used' && e.feature !== null) {
      const u = upsert(used, `${tv(e)}\u0000${e.feature}`, () => ({ users: new Set(), ids: new Set() }));
      u.users.add(e.user_hash);
      u.ids.add(e.event_id);
    }
  }
  const rows: PeerRow[] = [];
  for (const [k, u] of used) {
    const [tenant_id = '', vertical = '', feature = ''] = split(k);
    const a = active.get(`${tenant_id}\u0000${vertical}`)!.size;
    rows.push({
      tenant_id,
      vertical,
      feature,
      users: u.users.size,
      uses: u.ids.size,
      active_users: a,
      adoption: round(u.users.size / a, 4),
    });
  }
  return rows.sort(
    (x, y) =>
      cmp(x.tenant_id!, y.tenant_id!) ||
      cmp(x.vertical!, y.vertical!) ||
      cmp(y.adoption!, x.adoption!) ||
      cmp(x.feature!, y.feature!),
  );
}

function retention(ev: readonly PeerEvent[]): PeerRow[] {
  const users = new Map<string, { first: number; weeks: Set<number> }>();
  for (const e of ev) {
    const u = upsert(users, `${tv(e)}\u0000${e.user_hash}`, () => ({ first: e.ts, weeks: new Set() }));
    if (e.ts < u.first) u.first = e.ts;
    u.weeks.add(weekOf(e.ts));
  }
  const sizes = new Map<string, number>();
  const cells = new Map<string, number>();
  for (const [k, u] of users) {
    const [tenant_id = '', vertical = ''] = split(k);
    const cohort = weekOf(u.first);
    const base = `${tenant_id}\u0000${vertical}\u0000${isoDay(cohort)}`;
    sizes.set(base, (sizes.get(base) ?? 0) + 1);
    for (const w of u.weeks) {
      const key = `${base}\u0000${String(Math.round((w - cohort) / WEEK_MS)).padStart(4, '0')}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
  }
  return [...cells.keys()].sort().map((k) => {
    const [tenant_id = '', vertical = '', cohort_week = '', offset = '0'] = split(k);
    const n = cells.get(k)!;
    const size = sizes.get(`${tenant_id}\u0000${vertical}\u0000${cohort_week}`)!;
    return {
      tenant_id,
      vertical,
      cohort_week,
      week_offset: Number(offset),
      users: n,
      cohort_users: size,
      retention: round(n / size, 4),
    };
  });
}

/** Per user, the timestamps of the events the funnel and A/B queries look at. */
interface UserTrail {
  tenant: string;
  vertical: string;
  pageViews: number[];
  created: number[];
  viewed: number[];
  featureUsed: number[];
  exposures: Map<string, number>;
}

function trails(ev: readonly PeerEvent[]): Map<string, UserTrail> {
  const out = new Map<string, UserTrail>();
  for (const e of ev) {
    const t = upsert(out, `${e.tenant_id}\u0000${e.user_hash}`, () => ({
      tenant: e.tenant_id,
      vertical: e.vertical,
      pageViews: [],
      created: [],
      viewed: [],
      featureUsed: [],
      exposures: new Map(),
    }));
    switch (e.name) {
      case 'page_view':
        t.pageViews.push(e.ts);
        break;
      case 'report_created':
        t.created.push(e.ts);
        break;
      case 'report_viewed':
        t.viewed.push(e.ts);
        break;
      case 'feature_used':
        t.featureUsed.push(e.ts);
        break;
      case 'experiment_exposure':
        if (e.experiment !== null && e.variant !== null) {
          const k = `${e.experiment}\u0000${e.variant}\u0000${e.vertical}`;
          const at = t.exposures.get(k);
          if (at === undefined || e.ts < at) t.exposures.set(k, e.ts);
        }
        break;
    }
  }
  return out;
}

/** Four counters (funnel steps; exposed and three conversions). */
type Counts = [number, number, number, number];

/** Earliest value in `xs` with `after < x <= until`, or undefined. */
function firstBetween(xs: readonly number[], after: number, until: number): number | undefined {
  let best: number | undefined;
  for (const x of xs) if (x > after && x <= until && (best === undefined || x < best)) best = x;
  return best;
}

function funnel(ev: readonly PeerEvent[]): PeerRow[] {
  const g = new Map<string, Counts>();
  for (const t of trails(ev).values()) {
    if (t.pageViews.length === 0) continue;
    const c = upsert(g, `${t.tenant}\u0000${t.vertical}`, (): Counts => [0, 0, 0, 0]);
    const t1 = Math.min(...t.pageViews);
    const until = t1 + WEEK_MS;
    c[0]++;
    const t2 = firstBetween(t.created, t1, until);
    if (t2 === undefined) continue;
    c[1]++;
    const t3 = firstBetween(t.viewed, t2, until);
    if (t3 === undefined) continue;
    c[2]++;
    if (firstBetween(t.created, t3, until) !== undefined) c[3]++;
  }
  return [...g.keys()].sort().map((k) => {
    const [tenant_id = '', vertical = ''] = split(k);
    const [a, b, c, d] = g.get(k)!;
    return {
      tenant_id,
      vertical,
      step_1_page_view: a,
      step_2_report_created: b,
      step_3_report_viewed: c,
      step_4_report_created: d,
      conversion_2: round(b / a, 4),
      conversion_3: round(c / a, 4),
      conversion_4: round(d / a, 4),
    };
  });
}

function abResults(ev: readonly PeerEvent[]): PeerRow[] {
  const g = new Map<string, Counts>();
  const after = (xs: readonly number[], at: number) => (xs.some((x) => x > at) ? 1 : 0);
  for (const t of trails(ev).values()) {
    for (const [k, at] of t.exposures) {
      const [experiment = '', variant = '', vertical = ''] = split(k);
      const c = upsert(
        g,
        `${experiment}\u0000${variant}\u0000${t.tenant}\u0000${vertical}`,
        (): Counts => [0, 0, 0, 0],
      );
      c[0]++;
      c[1] += after(t.created, at);
      c[2] += after(t.viewed, at);
      c[3] += after(t.featureUsed, at);
    }
  }
  return [...g.keys()].sort().map((k) => {
    const [experiment = '', variant = '', tenant_id = '', vertical = ''] = split(k);
    const [n, created, viewed, used] = g.get(k)!;
    return {
      experiment,
      variant,
      tenant_id,
      vertical,
      exposed: n,
      converted_report_created: created,
      converted_report_viewed: viewed,
      converted_feature_used: used,
    };
  });
}

const QUERIES: Record<AnalyticsQueryName, (ev: readonly PeerEvent[]) => PeerRow[]> = {
  active_users: activeUsers,
  feature_adoption: featureAdoption,
  retention,
  funnel,
  ab_results: abResults,
  events_per_day: eventsPerDay,
};

/** Runs one standard query in process on `events`, scoped like the SQL runner does. */
export function peerQuery(
  name: AnalyticsQueryName,
  events: readonly PeerEvent[],
  scope: QueryScope,
): PeerRow[] {
  return QUERIES[name](inScope(events, scope));
}

/**
 * Normalises an engine's rows for comparison with the peer's: numeric strings (DuckDB's BIGINT JSON form) become
 * numbers, everything else stays.
 */
export function normaliseRows(rows: readonly Record<string, unknown>[]): PeerRow[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'number'
          ? v
          : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)
            ? Number(v)
            : String(v),
      ]),
    ),
  );
}
