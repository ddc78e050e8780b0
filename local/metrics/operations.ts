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
  const reqs = store.requests(from, to);
  const group = (keyOf: (r: ApiRequest) => string) => {
    const m = new Map<string, ApiRequest[]>();
    for (const r of reqs) {
      const k = keyOf(r);
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    }
    return [...m]
      .map(([k, list]) => row(k, list))
      .sort((a, b) => b.requests - a.requests || cmp(a.key, b.key));
  };
  const limiter = Object.fromEntries(
    RATE_LIMIT_METRICS.map((name) => [name, total(store.points(name, from, to))]),
  ) as Record<RateLimitMetric, number>;
  const tiers = new Map<string, { tier: string; allowed: number; denied: number; degraded: number }>();
  const tally = (name: RateLimitMetric, field: 'allowed' | 'denied' | 'degraded') => {
    for (const p of store.points(name, from, to)) {
      const tier = p.dimensions.tier ?? '-';
      const t = tiers.get(tier) ?? { tier, allowed: 0, denied: 0, degraded: 0 };
      t[field] += p.value;
      tiers.set(tier, t);
    }
  };
  tally('RateLimitAllowed', 'allowed');
  tally('RateLimitDenied', 'denied');
  tally('RateLimitDegraded', 'degraded');

  const bucketMs = bucketSec * 1000;
  const first = Math.floor(from / bucketMs) * bucketMs;
  const series: SeriesPoint[] = [];
  for (let b = first; b < to; b += bucketMs) {
    const slice = store.requests(Math.max(b, from), Math.min(b + bucketMs, to));
    const r = row('', slice);
    series.push({
      t: new Date(b).toISOString(),
      requests: r.requests,
      status429: r.status429,
      status5xx: r.status5xx,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      denied: total(store.points('RateLimitDenied', b, b + bucketMs)),
      degraded: total(store.points('RateLimitDegraded', b, b + bucketMs)),
    });
  }
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    minutes,
    bucketSec,
    totals: row('all', reqs),
    routes: group((r) => (r.route === '-' ? '(no route)' : `${r.method} ${r.route}`)),
    tenants: group((r) => r.tenantId ?? '-').slice(0, TOP_TENANTS),
    userTypes: group((r) => r.userType ?? '-'),
    limiter,
    limiterByTier: [...tiers.values()].sort((a, b) => cmp(a.tier, b.tier)),
    series,
  };
}

function row(key: string, reqs: readonly ApiRequest[]): TrafficRow {
  let status429 = 0;
  let status5xx = 0;
  let status4xx = 0;
  for (const r of reqs) {
    if (r.status === 429) status429++;
    else if (r.status >= 500) status5xx++;
    else if (r.status >= 400) status4xx++;
  }
  const latencies = reqs.map((r) => r.latencyMs);
  const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
  return {
    key,
    requests: reqs.length,
    status429,
    status5xx,
    status4xx,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

function total(points: readonly { value: number }[]): number {
  let s = 0;
  for (const p of points) s += p.value;
  return s;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
