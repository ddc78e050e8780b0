import { describe, expect, it } from 'vitest';
import {
  ANOMALY_FIGURES,
  effectiveStd,
  evaluateHour,
  figuresOf,
  foldIn,
  hourStart,
  MemoryActivityStore,
  type TenantBaseline,
  type TenantHour,
} from '../../../lambdas/shared/security/anomaly';
import { FailedAuthDetector, isFailedAuth } from '../../../lambdas/shared/security/failed-auth';
import {
  MemoryWindowStore,
  markerKey,
  RedisWindowStore,
  slidingCount,
  windowKey,
} from '../../../lambdas/shared/security/sliding-window';
import { testSecurityConfig } from './fakes';

describe('sliding window (memory store)', () => {
  const spec = { windowMs: 60_000, threshold: 5, cooldownMs: 300_000 };

  it('trips exactly once at the threshold, then stays quiet for the cool-down', async () => {
    let now = 1_000_000 * 60_000; // bucket boundary
    const store = new MemoryWindowStore(() => now);
    const trips: boolean[] = [];
    for (let i = 0; i < 8; i++) trips.push((await store.hit('ip:198.51.100.1', spec)).tripped);
    expect(trips).toEqual([false, false, false, false, true, false, false, false]);
    now += 301_000;
    for (let i = 0; i < 4; i++) await store.hit('ip:198.51.100.1', spec);
    // after 5 min the old buckets are gone: a new burst must reach the threshold again
    expect((await store.hit('ip:198.51.100.1', spec)).tripped).toBe(true);
  });

  it('weights the previous bucket by the part of it still inside the window', async () => {
    let now = 1_000_000 * 60_000;
    const store = new MemoryWindowStore(() => now);
    for (let i = 0; i < 4; i++) await store.hit('s', spec);
    now += 60_000 + 15_000; // next bucket, 25 % elapsed → 75 % of the previous 4
    const h = await store.hit('s', spec);
    expect(h.count).toBeCloseTo(1 + 4 * 0.75, 6);
    expect(slidingCount(75_000, 60_000, 1, 4)).toBeCloseTo(4, 6);
    now += 120_000; // two buckets later: all gone
    expect((await store.hit('s', spec)).count).toBe(1);
  });

  it('keeps subjects apart and forgets expired ones (bounded memory)', async () => {
    let now = 0;
    const store = new MemoryWindowStore(() => now);
    for (let i = 0; i < 999; i++) await store.hit(`ip:${i}`, spec);
    expect(store.size).toBe(999);
    now = 10 * 60_000 * 60; // far later: the 1000th hit sweeps
    await store.hit('ip:new', spec);
    expect(store.size).toBe(1);
  });

  it('Redis keys share the subject as hash tag (one slot) and are encoded', () => {
    expect(windowKey('ip:2001:db8::1')).toBe('sec:fa:{ip%3A2001%3Adb8%3A%3A1}');
    expect(markerKey('tenant:{x}')).toBe('sec:fa:{tenant%3A%7Bx%7D}:trip');
  });

  it('Redis store parses the script reply and rejects a malformed one', async () => {
    const calls: unknown[][] = [];
    const store = new RedisWindowStore({
      eval: async (...args) => {
        calls.push(args);
        return [5250, 1];
      },
    });
    expect(await store.hit('ip:1.2.3.4', spec)).toEqual({ count: 5.25, tripped: true });
    expect(calls[0]?.slice(1)).toEqual([
      2,
      'sec:fa:{ip%3A1.2.3.4}',
      'sec:fa:{ip%3A1.2.3.4}:trip',
      60_000,
      5,
      300_000,
    ]);
    const bad = new RedisWindowStore({ eval: async () => 'OK' });
    await expect(bad.hit('x', spec)).rejects.toThrow('unexpected reply');
  });
});

describe('failed-auth detector', () => {
  it('classifies access-log records: 401s and auth 403s count; WAF blocks and unknown routes do not', () => {
    expect(isFailedAuth({ status: '401', errorType: 'UNAUTHORIZED' })).toBe(true);
    expect(isFailedAuth({ status: '403', errorType: 'ACCESS_DENIED' })).toBe(true);
    expect(isFailedAuth({ status: '403', errorType: 'INVALID_API_KEY' })).toBe(true);
    expect(isFailedAuth({ status: '403', errorType: '-' })).toBe(true); // admin API refusal
    expect(isFailedAuth({ status: '403', errorType: 'WAF_FILTERED' })).toBe(false);
    expect(isFailedAuth({ status: '403', errorType: 'MISSING_AUTHENTICATION_TOKEN' })).toBe(false);
    expect(isFailedAuth({ status: '200' })).toBe(false);
    expect(isFailedAuth({ status: '429', errorType: 'THROTTLED' })).toBe(false);
  });

  it('reports the IP and the tenant windows separately, each once per cool-down', async () => {
    const cfg = { windowSec: 60, perIpThreshold: 3, perTenantThreshold: 5, cooldownSec: 600 };
    const detector = new FailedAuthDetector({ store: new MemoryWindowStore(() => 42_000), config: cfg });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      for (const d of await detector.observe({ ip: '198.51.100.7', tenantId: 'acme' })) {
        seen.push(`${i}:${d.subject}:${d.value}:${d.count}/${d.threshold}`);
      }
    }
    expect(seen).toEqual(['2:ip:198.51.100.7:3/3', '4:tenant:acme:5/5']);
    expect(await detector.observe({ ip: '-', tenantId: undefined })).toEqual([]);
  });

  it('uses the stage thresholds (config)', () => {
    const cfg = testSecurityConfig().failedAuth;
    expect(cfg.perIpThreshold).toBeGreaterThan(1);
    expect(cfg.perTenantThreshold).toBeGreaterThan(cfg.perIpThreshold);
  });
});

describe('tenant activity anomaly (EWMA / z-score)', () => {
  const cfg = { alpha: 0.3, zThreshold: 4, minVolume: 50, minHistoryHours: 3, cooldownSec: 3600 };
  const hour = (h: number, requests: number, extra: Partial<TenantHour['figures']> = {}): TenantHour => ({
    tenantId: 'acme',
    hourStartMs: h * 3_600_000,
    figures: { requests, throttled: 0, unauthorized: 0, bytesOut: 0, ...extra },
  });
  const run = (series: number[], c = cfg) => {
    let b: TenantBaseline | undefined;
    const flagged: number[] = [];
    series.forEach((x, h) => {
      const v = evaluateHour(hour(h, x), b, c);
      if (v.anomalies.length) flagged.push(h);
      b = v.next;
    });
    return { flagged, baseline: b };
  };

  it('EWMA mean/variance fold-in', () => {
    let b = foldIn(undefined, 100, 0.5);
    expect(b).toEqual({ mean: 100, variance: 0, hours: 1 });
    b = foldIn(b, 200, 0.5);
    expect(b.mean).toBe(150);
    expect(b.variance).toBe(2500);
    expect(effectiveStd({ mean: 100, variance: 0, hours: 5 })).toBe(10); // √mean floor
  });

  it('flags a jump against the tenant’s own baseline with the numbers', () => {
    let b: TenantBaseline | undefined;
    for (let h = 0; h < 6; h++) b = evaluateHour(hour(h, 1000 + (h % 2) * 20), b, cfg).next;
    const v = evaluateHour(hour(6, 5000), b, cfg);
    expect(v.anomalies).toHaveLength(1);
    expect(v.anomalies[0]).toMatchObject({ figure: 'requests', value: 5000 });
    expect(v.anomalies[0]?.z).toBeGreaterThan(4);
    expect(v.anomalies[0]?.mean).toBeGreaterThan(1000);
  });

  it('does not flag ordinary variation, small tenants (min volume) or new tenants (min history)', () => {
    expect(run([1000, 1100, 950, 1050, 1000, 1080, 990]).flagged).toEqual([]);
    expect(run([2, 3, 2, 3, 2, 40]).flagged).toEqual([]); // 40 < minVolume
    expect(run([100, 5000]).flagged).toEqual([]); // history 1 < 3
  });

  it('cool-down: a sustained incident flags once per cool-down, not every hour', () => {
    const series = [1000, 1000, 1000, 1000, 9000, 20000, 45000, 100000];
    const { flagged } = run(series, { ...cfg, cooldownSec: 3 * 3600 });
    expect(flagged).toEqual([4, 7]);
  });

  it('an hour already folded in is ignored (re-delivery)', () => {
    const first = evaluateHour(hour(5, 1000), undefined, cfg);
    const again = evaluateHour(hour(5, 9999), first.next, cfg);
    expect(again.next).toBe(first.next);
    expect(again.anomalies).toEqual([]);
  });

  it('every figure is tracked: 401s and 429s jump too', () => {
    let b: TenantBaseline | undefined;
    for (let h = 0; h < 5; h++)
      b = evaluateHour(hour(h, 1000, { unauthorized: 10, throttled: 5 }), b, cfg).next;
    const v = evaluateHour(hour(5, 1000, { unauthorized: 400, throttled: 5 }), b, cfg);
    expect(v.anomalies.map((a) => a.figure)).toEqual(['unauthorized']);
    expect(ANOMALY_FIGURES).toEqual(['requests', 'throttled', 'unauthorized', 'bytesOut']);
  });

  it('aggregates access-log records per tenant hour and drains each hour once', async () => {
    const store = new MemoryActivityStore();
    const h = hourStart(Date.parse('2026-12-02T02:34:00Z'));
    expect(h).toBe(Date.parse('2026-12-02T02:00:00Z'));
    await store.add('acme', h, figuresOf({ status: '200', responseLength: '120' }));
    await store.add('acme', h, figuresOf({ status: '429', responseLength: '-' }));
    await store.add('acme', h, figuresOf({ status: '401', responseLength: '30' }));
    await store.add('beta', h, figuresOf({ status: '200', responseLength: '5' }));
    const drained = await store.drain(h);
    expect(drained.find((t) => t.tenantId === 'acme')?.figures).toEqual({
      requests: 3,
      throttled: 1,
      unauthorized: 1,
      bytesOut: 150,
    });
    expect(await store.drain(h)).toEqual([]);
  });
});
