import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { batchedLines } from '../../../local/gateway/access-log';
import { MetricStore } from '../../../local/metrics/store';

const EMF = (name: string, value: number) =>
  JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [{ Namespace: 'MarketEdge', Dimensions: [[]], Metrics: [{ Name: name }] }],
    },
    [name]: value,
  });

describe('batchedLines (the local access log on stdout)', () => {
  it('writes the lines of one turn as one chunk at the next setImmediate, in order, one newline each', async () => {
    const chunks: string[] = [];
    const out = batchedLines((c) => chunks.push(c));
    out.push('{"a":1}');
    out.push('{"a":2}');
    expect(chunks).toEqual([]);
    await nextTurn();
    expect(chunks).toEqual(['{"a":1}\n{"a":2}\n']);
    out.push('{"a":3}');
    await nextTurn();
    expect(chunks).toEqual(['{"a":1}\n{"a":2}\n', '{"a":3}\n']);
  });

  it('flush writes what is queued at once and nothing when the queue is empty', async () => {
    const chunks: string[] = [];
    const out = batchedLines((c) => chunks.push(c));
    out.flush();
    expect(chunks).toEqual([]);
    out.push('x');
    out.flush();
    expect(chunks).toEqual(['x\n']);
    await nextTurn();
    expect(chunks).toEqual(['x\n']);
  });
});

describe('MetricStore taps queued on the request path', () => {
  it('a reader in the same turn sees what was enqueued, stamped with its arrival time, in order', () => {
    let now = 1_000;
    const store = new MetricStore({ clock: () => now });
    store.enqueueAccessLog({ method: 'GET', route: '/health', status: '200', latency: '1.5' });
    now = 1_010;
    store.enqueueEmfLine(EMF('RateLimitAllowed', 1));
    store.enqueueAccessLog('{"method":"GET","route":"/v1/me","status":"429","latency":"2"}');
    store.enqueueAccessLog('not json');
    now = 5_000; // read later: the arrival times stay
    expect(store.requests(0, 6_000)).toEqual([
      { t: 1_000, method: 'GET', route: '/health', status: 200, latencyMs: 1.5 },
      { t: 1_010, method: 'GET', route: '/v1/me', status: 429, latencyMs: 2 },
    ]);
    expect(store.points('RateLimitAllowed', 1_010, 1_011).map((p) => p.value)).toEqual([1]);
    expect(store.stats()).toMatchObject({ requests: 2, points: 1, emfLines: 1 });
  });

  it('every read drains the queue: eachRequest, eachPoint, stats; a synchronous add keeps the order', () => {
    const store = new MetricStore({ clock: () => 7 });
    store.enqueueAccessLog({ method: 'GET', route: '/a', status: '200', latency: '1' });
    const seen: string[] = [];
    store.eachRequest(0, 10, (r) => seen.push(r.route));
    store.enqueueEmfLine(EMF('M', 2));
    store.eachPoint('M', 0, 10, (p) => seen.push(`M=${p.value}`));
    store.enqueueAccessLog({ method: 'GET', route: '/b', status: '200', latency: '1' });
    store.addAccessLog({ method: 'GET', route: '/c', status: '200', latency: '1' });
    expect(seen).toEqual(['/a', 'M=2']);
    expect(store.requests(0, 10).map((r) => r.route)).toEqual(['/a', '/b', '/c']);
  });

  it('stores the queue at the next setImmediate without a reader; clear drops what is queued', async () => {
    const store = new MetricStore({ clock: () => 1 });
    store.enqueueAccessLog({ method: 'GET', route: '/a', status: '200', latency: '1' });
    await nextTurn();
    // Drained by the turn, not by this read: the queue is empty, the request is stored.
    expect((store as unknown as { queue: unknown[] }).queue).toEqual([]);
    expect(store.stats().requests).toBe(1);
    store.enqueueAccessLog({ method: 'GET', route: '/b', status: '200', latency: '1' });
    store.clear();
    expect(store.stats()).toMatchObject({ requests: 0, points: 0 });
    await nextTurn();
    expect(store.stats().requests).toBe(0);
  });
});
