import { RATE_LIMIT_METRICS, type RateLimitMetric } from '../../lib/config/metrics';
import { percentile } from './statistics';
import type { ApiRequest, MetricStore } from './store';

/** Requests, throttling and errors of one slice of traffic, with its latency percentiles. */
export interface TrafficRow {
  /** What the row is: a route key (`GET /v1/me`), a tenant id, a user type, or `-` for none. */
  key: string;
  requests: number;
  /** Answers with status 429 (limiter denials and usage-plan throttling). */
  status429: number;
  /** Answers with status ≥ 500. */
  status5xx: number;
  /** Other 4xx answers. */
  status4xx: number;
  /** Gateway latency percentiles, ms (`null` without requests). */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** One time bucket of the charts. */
export interface SeriesPoint {
  /** Bucket start, ISO 8601. */
  t: string;
  requests: number;
  status429: number;
  status5xx: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Limiter decisions in the bucket (`RateLimitDenied`, `RateLimitDegraded` data points). */
  denied: number;
  degraded: number;
}

/**
 * The operations view of the last minutes (`GET /_local/operations`, the console's Operations page): per route,
 * per tenant and per user type; limiter decisions; a time series for the charts. Built from the local metric store
 * (access log + EMF), the same figures the CloudWatch dashboard and Logs Insights show in AWS. Tenant ids come from
 * the access log and EMF metadata, never from metric dimensions.
 */
export interface OperationsSummary {
  /** Window, ISO 8601. */
  from: string;
  to: string;
  minutes: number;
  bucketSec: number;
  totals: TrafficRow;
  /** Every route with traffic, busiest first. */
  routes: TrafficRow[];
  /** The busiest tenants (at most {@link TOP_TENANTS}), busiest first; `-` = requests without a tenant. */
  tenants: TrafficRow[];
  /** Per user type (`user`, `service`, `admin`, `-` = unauthenticated), busiest first. */
  userTypes: TrafficRow[];
  /** Limiter decisions in the window, by metric (`RateLimitAllowed`, `RateLimitDenied`, …). */
  limiter: Record<RateLimitMetric, number>;
  /** Limiter decisions by tier: allowed, denied, degraded. */
  limiterByTier: { tier: string; allowed: number; denied: number; degraded: number }[];
  series: SeriesPoint[];
  /** Alarm states, when an evaluator runs next to the store (`GET /_local/operations`). */
  alarms?: { name: string; state: string; severity: string; runbook: string; reason: string }[];
}

/** Tenants listed in {@link OperationsSummary.tenants}. */
export const TOP_TENANTS = 10;

/** Longest window, minutes (the store keeps an hour). */
export const MAX_OPERATIONS_MINUTES = 60;

/**
 * Summarizes the last `minutes` of `store` up to its clock's now, in about 30 buckets of whole seconds.
 * @throws {RangeError} `minutes` outside 1–{@link MAX_OPERATIONS_MINUTES}
 */
export function summarizeOperations(store: MetricStore, minutes: number): OperationsSummary {
  if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_OPERATIONS_MINUTES))
    throw new RangeError(`minutes must be an integer from 1 to ${MAX_OPERATIONS_MINUTES}`);
  const to = store.clock();
  const from = to - minutes * 60_000;
  const bucketSec = Math.max(1, Math.round((minutes * 60) / 30));
  // One pass over the window's requests (read in place, no copy): totals, per route, tenant and user type.
  const totals = new Tally();
  const groups = {
    routes: new Map<string, Tally>(),
    tenants: new Map<string, Tally>(),
    users: new Map<string, Tally>(),
  };
  const into = (m: Map<string, Tally>, key: string, r: ApiRequest) => {
    let t = m.get(key);
    if (!t) {
      t = new Tally();
      m.set(key, t);
    }
    t.add(r);
  };
  store.eachRequest(from, to, (r) => {
    totals.add(r);
    into(groups.routes, r.route === '-' ? '(no route)' : `${r.method} ${r.route}`, r);
    into(groups.tenants, r.tenantId ?? '-', r);
    into(groups.users, r.userType ?? '-', r);
  });
  const rows = (m: Map<string, Tally>) =>
    [...m].map(([k, t]) => t.row(k)).sort((a, b) => b.requests - a.requests || cmp(a.key, b.key));
  const limiter = Object.fromEntries(
    RATE_LIMIT_METRICS.map((name) => [name, total(store, name, from, to)]),
  ) as Record<RateLimitMetric, number>;
  const tiers = new Map<string, { tier: string; allowed: number; denied: number; degraded: number }>();
  const tally = (name: RateLimitMetric, field: 'allowed' | 'denied' | 'degraded') => {
    store.eachPoint(name, from, to, (p) => {
      const tier = p.dimensions.tier ?? '-';
      const t = tiers.get(tier) ?? { tier, allowed: 0, denied: 0, degraded: 0 };
      t[field] += p.value;
      tiers.set(tier, t);
    });
  };
  tally('RateLimitAllowed', 'allowed');
  tally('RateLimitDenied', 'denied');
  tally('RateLimitDegraded', 'degraded');

  const bucketMs = bucketSec * 1000;
  const first = Math.floor(from / bucketMs) * bucketMs;
  const series: SeriesPoint[] = [];
  for (let b = first; b < to; b += bucketMs) {
    const slice = new Tally();
    store.eachRequest(Math.max(b, from), Math.min(b + bucketMs, to), (r) => slice.add(r));
    const r = slice.row('');
    series.push({
      t: new Date(b).toISOString(),
      requests: r.requests,
      status429: r.status429,
      status5xx: r.status5xx,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      denied: total(store, 'RateLimitDenied', b, b + bucketMs),
      degraded: total(store, 'RateLimitDegraded', b, b + bucketMs),
    });
  }
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    minutes,
    bucketSec,
    totals: totals.row('all'),
    routes: rows(groups.routes),
    tenants: rows(groups.tenants).slice(0, TOP_TENANTS),
    userTypes: rows(groups.users),
    limiter,
    limiterByTier: [...tiers.values()].sort((a, b) => cmp(a.tier, b.tier)),
    series,
  };
}

/** Counts and latencies of one slice of requests, added one by one. */
class Tally {
  private status429 = 0;
  private status5xx = 0;
  private status4xx = 0;
  private readonly latencies: number[] = [];

  add(r: ApiRequest): void {
    const status = r.status;
    if (status === 429) this.status429++;
    else if (status >= 500) this.status5xx++;
    else if (status >= 400) this.status4xx++;
    this.latencies.push(r.latencyMs);
  }

  row(key: string): TrafficRow {
    const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
    return {
      key,
      requests: this.latencies.length,
      status429: this.status429,
      status5xx: this.status5xx,
      status4xx: this.status4xx,
      p50Ms: round(percentile(this.latencies, 50)),
      p99Ms: round(percentile(this.latencies, 99)),
    };
  }
}

/** Sum of the values of the points named `name` in `[from, to)`. */
function total(store: MetricStore, name: string, from: number, to: number): number {
  let s = 0;
  store.eachPoint(name, from, to, (p) => {
    s += p.value;
  });
  return s;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
