import { afterEach, describe, expect, it } from 'vitest';
import { putRumEventsSchema, RUM_EVENT_TYPES } from '../../../lib/config/rum';
import { type RumSender, startRum } from '../../src/rum/rum';

const cfg = { endpoint: 'http://rum.test/_local/rum', appMonitorId: 'console-test', sessionSampleRate: 1 };
let sender: RumSender | undefined;
afterEach(() => sender?.stop());

/** A fetch that records the bodies posted. */
function recorder() {
  const posts: { url: string; body: unknown; keepalive?: boolean }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    posts.push({ url, body: JSON.parse(String(init.body)), keepalive: init.keepalive });
    return new Response('{}');
  }) as unknown as typeof fetch;
  return { posts, fetchFn };
}

describe('RUM sender (PutRumEvents batches)', () => {
  it('posts queued events as valid PutRumEvents batches of at most 100 to <endpoint>/appmonitors/<id>', async () => {
    const { posts, fetchFn } = recorder();
    sender = startRum(cfg, { fetchFn, now: () => 1_700_000_000_000, flushEveryMs: 60_000 });
    for (let i = 0; i < 150; i++)
      sender.record(RUM_EVENT_TYPES.http, { request: { url: `http://api/${i}` } });
    await sender.flush();
    expect(posts.map((p) => p.url)).toEqual([
      'http://rum.test/_local/rum/appmonitors/console-test',
      'http://rum.test/_local/rum/appmonitors/console-test',
    ]);
    const [first, second] = posts.map((p) => putRumEventsSchema.parse(p.body));
    expect(first?.RumEvents).toHaveLength(100);
    expect(second?.RumEvents).toHaveLength(50);
    expect(first?.UserDetails).toEqual({ sessionId: sender.sessionId }); // no user id
    expect(first?.RumEvents[0]?.timestamp).toBe(1_700_000_000);
    expect(posts.every((p) => p.keepalive)).toBe(true);
    await sender.flush();
    expect(posts).toHaveLength(2); // nothing left
  });

  it('records uncaught errors and unhandled rejections (message only, clipped)', async () => {
    const { posts, fetchFn } = recorder();
    sender = startRum(cfg, { fetchFn, flushEveryMs: 60_000 });
    window.dispatchEvent(new ErrorEvent('error', { message: 'x'.repeat(500), error: new TypeError('boom') }));
    const rejection = new Event('unhandledrejection') as Event & { reason: unknown };
    rejection.reason = new Error('nope');
    window.dispatchEvent(rejection);
    await sender.flush();
    const events = putRumEventsSchema.parse(posts[0]?.body).RumEvents;
    expect(events.map((e) => e.type)).toEqual([RUM_EVENT_TYPES.jsError, RUM_EVENT_TYPES.jsError]);
    expect(JSON.parse(events[0]?.details ?? '{}')).toEqual({ type: 'TypeError', message: 'x'.repeat(200) });
    expect(JSON.parse(events[1]?.details ?? '{}')).toEqual({ type: 'UnhandledRejection', message: 'nope' });
  });

  it('sends what is queued when the page is hidden', async () => {
    const { posts, fetchFn } = recorder();
    sender = startRum(cfg, { fetchFn, flushEveryMs: 60_000 });
    sender.record(RUM_EVENT_TYPES.http, { request: { url: 'http://api/v1/me' } });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(posts.length).toBe(1);
  });

  it.each([
    ['Chromium', ['largest-contentful-paint', 'layout-shift'], true],
    ['Firefox (no Layout Instability API)', ['largest-contentful-paint'], false],
  ])('sends CLS on hide only where the browser measures layout shifts: %s', async (_, types, sendsCls) => {
    const { posts, fetchFn } = recorder();
    const g = globalThis as { PerformanceObserver?: unknown };
    const saved = g.PerformanceObserver;
    g.PerformanceObserver = class {
      static supportedEntryTypes = types;
      observe() {}
      disconnect() {}
    };
    try {
      sender = startRum(cfg, { fetchFn, flushEveryMs: 60_000 });
      window.dispatchEvent(new Event('pagehide'));
      await new Promise((r) => setTimeout(r, 0));
    } finally {
      g.PerformanceObserver = saved;
    }
    const types_ = posts.flatMap((p) => putRumEventsSchema.parse(p.body).RumEvents.map((e) => e.type));
    expect(types_.includes(RUM_EVENT_TYPES.cls)).toBe(sendsCls);
  });

  it('an unsampled session sends nothing; a failing post never throws', async () => {
    const { posts, fetchFn } = recorder();
    sender = startRum({ ...cfg, sessionSampleRate: 0.5 }, { fetchFn, random: () => 0.7 });
    expect(sender.sampled).toBe(false);
    sender.record(RUM_EVENT_TYPES.http, {});
    await sender.flush();
    expect(posts).toEqual([]);
    sender.stop();
    const failing = startRum(cfg, {
      fetchFn: (async () => {
        throw new TypeError('offline');
      }) as unknown as typeof fetch,
    });
    failing.record(RUM_EVENT_TYPES.http, {});
    await expect(failing.flush()).resolves.toBeUndefined();
    failing.stop();
  });
});
