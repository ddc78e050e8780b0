import { describe, expect, it, vi } from 'vitest';
import { sloDefinitions } from '../../../lib/config/slos';
import { getStageConfig } from '../../../lib/config/stages';
import { AlarmEvaluator } from '../../../local/metrics/evaluator';
import { MetricStore } from '../../../local/metrics/store';

const point = (name: string, value: number, dimensions: Record<string, string> = { service: 's' }) => ({
  namespace: 'MarketEdge',
  name,
  unit: 'Count',
  value,
  dimensions,
});

describe('MetricStore columns (typed arrays, interned fields)', () => {
  it('reads back every request and point exactly, in order, across growth and after old ones are dropped', () => {
    let now = 0;
    const store = new MetricStore({ clock: () => now, retentionMs: 10_000 });
    for (let i = 0; i < 5_000; i++) {
      now = i * 10; // 50 s: the first 40 s leave the 10 s retention as the store prunes
      store.addAccessLog({
        method: i % 2 ? 'POST' : 'GET',
        route: `/r${i % 7}`,
        status: String(200 + (i % 400)),
        latency: String(i / 4),
        ...(i % 3 ? { tenantId: `t${i % 5}`, integrationLatency: String(i % 11) } : {}),
      });
      store.addPoint(point(i % 2 ? 'A' : 'B', i, { service: `s${i % 3}`, tier: 'pro' }));
    }
    const reqs = store.requests(40_000, 50_000);
    expect(reqs).toHaveLength(1_000);
    const i = 4_003; // a request with a tenant and an integration latency
    expect(reqs[i - 4_000]).toEqual({
      t: i * 10,
      method: 'POST',
      route: `/r${i % 7}`,
      status: 200 + (i % 400),
      latencyMs: i / 4,
      integrationLatencyMs: i % 11,
      tenantId: `t${i % 5}`,
    });
    expect(reqs[2]).not.toHaveProperty('tenantId'); // 4 002 % 3 = 0: none
    expect(store.points('A', 49_980, 50_000)).toEqual([
      {
        namespace: 'MarketEdge',
        name: 'A',
        unit: 'Count',
        value: 4_999,
        dimensions: { service: 's1', tier: 'pro' },
        t: 49_990,
      },
    ]);
    // Older data was pruned (1 024 arrivals per prune at most late), never more than retention + one prune's worth.
    expect(store.stats().requests).toBeLessThan(1_000 + 1_024);
    expect(store.requests(0, 30_000)).toEqual([]);
  });

  it('keeps at most maxEntries requests and points (the oldest go first) and its capacity stops growing', () => {
    let now = 0;
    const store = new MetricStore({ clock: () => now, maxEntries: 1_000 });
    const capacity = () => (store as unknown as { reqs: { ring: { mask: number } } }).reqs.ring.mask + 1;
    let settled = 0;
    for (let i = 0; i < 20_000; i++) {
      now = i;
      store.addAccessLog({ method: 'GET', route: '/a', status: '200', latency: '1' });
      store.addPoint(point('M', 1));
      if (i === 5_000) settled = capacity();
    }
    const { requests, points } = store.stats();
    expect(requests).toBeLessThanOrEqual(1_000);
    expect(points).toBeLessThanOrEqual(1_000);
    expect(store.requests(0, 20_000).at(-1)?.t).toBe(19_999);
    expect(capacity()).toBe(settled);
    expect(capacity()).toBeLessThanOrEqual(2_048);
  });

  it('a request counter sums any window like a scan does, for data stored before and after it, until cleared', () => {
    let now = 0;
    const store = new MetricStore({ clock: () => now, retentionMs: 30_000 });
    const add = (status: number) =>
      store.addAccessLog({ method: 'GET', route: '/a', status: String(status), latency: '1' });
    for (let i = 0; i < 3_000; i++) {
      now = i * 20;
      add(i % 7 === 0 ? 503 : 200);
    }
    const bad = store.requestCounter('5xx', (r) => (r.status >= 500 ? 1 : 0));
    expect(store.requestCounter('5xx', () => 0)).toBe(bad); // one counter per name
    for (let i = 3_000; i < 6_000; i++) {
      now = i * 20;
      add(i % 5 === 0 ? 500 : 204);
    }
    const scan = (from: number, to: number) => store.requests(from, to).filter((r) => r.status >= 500).length;
    for (const [from, to] of [
      [0, 200_000],
      [95_013, 100_007],
      [59_990, 60_010],
      [119_980, 120_000],
      [5, 5],
    ] as const)
      expect(store.requestSum(bad, from, to)).toBe(scan(from, to));
    expect(store.requestSum(bad, 100_000, 120_000)).toBe(200);
    store.clear();
    now = 200_000;
    add(500);
    expect(store.requestSum(bad, 0, 300_000)).toBe(1);
  });

  it('eachRequest and eachPoint pass one view that reads the same fields as the copies', () => {
    const store = new MetricStore({ clock: () => 5 });
    store.addAccessLog({
      method: 'PUT',
      route: '/x',
      status: '404',
      latency: '3',
      userType: 'admin',
      tier: 'pro',
    });
    store.addEmfLine(
      JSON.stringify({
        _aws: {
          Timestamp: 1,
          CloudWatchMetrics: [
            { Namespace: 'N', Dimensions: [['service']], Metrics: [{ Name: 'M', Unit: 'Milliseconds' }] },
          ],
        },
        service: 'svc',
        M: [1.5, 2.5],
        tenantId: 'acme',
      }),
    );
    const seen: unknown[] = [];
    store.eachRequest(0, 10, (r) =>
      seen.push({
        ...pick(r, ['t', 'method', 'route', 'status', 'latencyMs', 'userType', 'tier', 'tenantId']),
      }),
    );
    store.eachPoint('M', 0, 10, (p) => seen.push(pick(p, ['value', 'unit', 'tenantId', 'dimensions'])));
    expect(seen).toEqual([
      {
        t: 5,
        method: 'PUT',
        route: '/x',
        status: 404,
        latencyMs: 3,
        userType: 'admin',
        tier: 'pro',
        tenantId: undefined,
      },
      { value: 1.5, unit: 'Milliseconds', tenantId: 'acme', dimensions: { service: 'svc' } },
      { value: 2.5, unit: 'Milliseconds', tenantId: 'acme', dimensions: { service: 'svc' } },
    ]);
  });
});

describe('alarm evaluator reads on the store', () => {
  it('reads each complete period once, and the SLO burn windows from counters, not by scanning requests', () => {
    let now = 1_700_000_000_000;
    const store = new MetricStore({ clock: () => now });
    const dev = getStageConfig('dev');
    const ev = new AlarmEvaluator({ definitions: [], store, slos: sloDefinitions(dev) });
    const scans = vi.spyOn(store, 'eachRequest');
    for (let minute = 0; minute < 30; minute++) {
      for (let i = 0; i < 50; i++)
        store.addAccessLog({ method: 'GET', route: '/v1/me', status: i < 10 ? '500' : '200', latency: '20' });
      now += 60_000;
      ev.evaluate();
    }
    expect(scans).not.toHaveBeenCalled();
    const fast = ev.statuses().find((s) => s.name === 'SloAvailabilityFastBurn');
    // 20 % bad over both windows, budget 1 % (dev): burn rate 20.
    expect(fast?.datapoints).toEqual([20, 20]);
    expect(fast?.state).toBe('ALARM');
  });
});

function pick<T extends object>(o: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) out[k] = o[k];
  return out;
}
