import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientEventSchema,
  EVENT_BATCH_LIMITS,
  EVENT_CATALOG,
  eventBatchSchema,
} from '../../../lib/config/analytics';
import { CONSOLE_FEATURE_IDS, CONSOLE_PAGE_TEMPLATES } from '../../../lib/config/console-catalog';
import {
  type ClientEventBody,
  CONSOLE_FEATURES,
  createProductEvents,
  type ProductEvents,
  pageTemplate,
} from '../../src/analytics/product-events';
import { createApiClient } from '../../src/api/client';
import { PAGE_META } from '../../src/app/page-meta';
import { TEST_API_URL, testToken } from '../mock-api/handlers';
import { server } from '../setup';

const TOKEN = testToken('acme', 'alice', ['user']);
const api = createApiClient({ baseUrl: TEST_API_URL, getToken: () => TOKEN });

interface Post {
  events: ClientEventBody[];
  bytes: number;
  authorization: string | null;
  keepalive: boolean;
}

/** Answers `POST /v1/events` with `answer` (default 202) and records every request. */
function collector(answer: (n: number) => Response = () => HttpResponse.json({}, { status: 202 })) {
  const posts: Post[] = [];
  server.use(
    http.post(`${TEST_API_URL}/v1/events`, async ({ request }) => {
      const text = await request.text();
      posts.push({
        events: (JSON.parse(text) as { events: ClientEventBody[] }).events,
        bytes: new TextEncoder().encode(text).length,
        authorization: request.headers.get('authorization'),
        keepalive: request.keepalive,
      });
      return answer(posts.length);
    }),
  );
  return posts;
}

let detach: (() => void) | undefined;
afterEach(() => {
  detach?.();
  detach = undefined;
  localStorage.clear();
});

/** A sender whose timer never fires during a test unless asked (flushes are explicit or on hide). */
function sender(opts: Partial<Parameters<typeof createProductEvents>[0]> = {}): ProductEvents {
  const s = createProductEvents({ api: () => api, flushAfterMs: 60_000, storage: null, ...opts });
  detach = s.attach();
  return s;
}

describe('product events sender', () => {
  it('posts queued events in batches of at most 100 events and 64 KiB, valid against the catalog, with the bearer token and keepalive', async () => {
    const posts = collector();
    const s = sender();
    for (let i = 0; i < 250; i++) s.pageView('/reports');
    await s.flush();
    expect(posts.map((p) => p.events.length)).toEqual([100, 100, 50]);
    for (const p of posts) {
      expect(eventBatchSchema.safeParse({ events: p.events }).success).toBe(true);
      for (const e of p.events) {
        expect(clientEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
        expect(EVENT_CATALOG[e.name].props.safeParse(e.props).success).toBe(true);
      }
      expect(p.authorization).toBe(`Bearer ${TOKEN}`);
      expect(p.keepalive).toBe(true);
    }
    const ids = posts.flatMap((p) => p.events.map((e) => e.event_id));
    expect(new Set(ids).size).toBe(250);
    expect(s.stats.sent).toBe(250);

    // 100 events of ~700 bytes are over 64 KiB: split by size, every body within the limit.
    posts.length = 0;
    for (let i = 0; i < 100; i++) s.pageView(`/${'x'.repeat(650)}`);
    await s.flush();
    expect(posts.length).toBe(2);
    expect(posts.reduce((n, p) => n + p.events.length, 0)).toBe(100);
    for (const p of posts) expect(p.bytes).toBeLessThanOrEqual(EVENT_BATCH_LIMITS.maxBodyBytes);
    expect(posts[0]!.bytes).toBeGreaterThan(EVENT_BATCH_LIMITS.maxBodyBytes - 800);
  });

  it('sends a few seconds after the first event without being asked (timer), and nothing when idle', async () => {
    const posts = collector();
    const s = sender({ flushAfterMs: 30 });
    await new Promise((r) => setTimeout(r, 80));
    expect(posts).toEqual([]);
    s.featureUsed('report.create');
    await expect.poll(() => posts.length).toBe(1);
    expect(posts[0]!.events[0]).toMatchObject({ name: 'feature_used', props: { feature: 'report.create' } });
  });

  it.each([
    [
      'visibilitychange → hidden',
      () => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
        Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      },
    ],
    ['pagehide', () => window.dispatchEvent(new Event('pagehide'))],
  ])('sends at once when the page is hidden: %s', async (_, hide) => {
    const posts = collector();
    const s = sender();
    s.pageView('/limits');
    hide();
    await expect.poll(() => posts.length).toBe(1);
    expect(posts[0]!.events[0]).toMatchObject({ name: 'page_view', props: { page: '/limits' } });
    expect(s.stats.sent).toBe(1);
  });

  it('204 (analytics off): stops sending for the session, drops and counts the rest, never throws', async () => {
    const posts = collector(() => new HttpResponse(null, { status: 204 }));
    const s = sender();
    s.pageView('/');
    await s.flush();
    expect(posts).toHaveLength(1);
    s.pageView('/reports');
    s.featureUsed('audit.filter');
    await s.flush();
    window.dispatchEvent(new Event('pagehide'));
    await new Promise((r) => setTimeout(r, 20));
    expect(posts).toHaveLength(1);
    expect(s.stats).toMatchObject({ stopped: true, sent: 0, dropped: { disabled: 1 } });
  });

  it('429: drops the batch (counted), sends nothing until Retry-After plus one flush delay, then resumes', async () => {
    let clock = Date.parse('2026-12-03T10:00:00Z');
    const posts = collector((n) =>
      n === 1
        ? HttpResponse.json({ title: 'Too Many Requests' }, { status: 429, headers: { 'retry-after': '7' } })
        : HttpResponse.json({}, { status: 202 }),
    );
    const s = sender({ now: () => clock, flushAfterMs: 5000 });
    s.pageView('/');
    await s.flush();
    expect(s.stats.dropped).toEqual({ 'rate-limited': 1 });
    expect(s.stats.pausedUntil).toBe(clock + 7000 + 5000);
    s.pageView('/reports');
    await s.flush();
    window.dispatchEvent(new Event('pagehide'));
    clock += 11_999;
    await s.flush();
    expect(posts).toHaveLength(1); // respected: no request during the pause, not even on hide
    clock += 1;
    await s.flush();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.events.map((e) => e.props.page)).toEqual(['/reports']); // the refused batch is not retried
    expect(s.stats).toMatchObject({ sent: 1, dropped: { 'rate-limited': 1 } });
  });

  it('failures (5xx, network, 400) drop the batch with a counter, never throw, and later events still go', async () => {
    const posts = collector((n) =>
      n === 1
        ? HttpResponse.json({ title: 'Oops' }, { status: 503 })
        : n === 2
          ? HttpResponse.error()
          : n === 3
            ? HttpResponse.json({ title: 'Bad Request', errors: [] }, { status: 400 })
            : HttpResponse.json({}, { status: 202 }),
    );
    const s = sender();
    for (const page of ['/a', '/b', '/c', '/d']) {
      s.pageView(page);
      await expect(s.flush()).resolves.toBeUndefined();
    }
    expect(posts).toHaveLength(4);
    expect(s.stats).toMatchObject({ sent: 1, stopped: false, dropped: { failed: 2, rejected: 1 } });
  });

  it('first_login: once per page load, and not again from this browser once the server accepted one', async () => {
    const posts = collector();
    const s = sender({ storage: localStorage });
    s.firstLogin('acme:alice');
    s.firstLogin('acme:alice');
    await s.flush();
    expect(posts.flatMap((p) => p.events.map((e) => [e.name, e.props]))).toEqual([['first_login', {}]]);
    detach?.();
    const again = sender({ storage: localStorage });
    again.firstLogin('acme:alice');
    again.firstLogin('acme:bob');
    await again.flush();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.events).toHaveLength(1); // bob's only
  });

  it('experiment_exposure: once per experiment per page load, the variant left to the server', async () => {
    const posts = collector();
    const s = sender();
    s.exposure('report_cta');
    s.exposure('report_cta');
    await s.flush();
    expect(posts[0]!.events.map((e) => [e.name, e.props])).toEqual([
      ['experiment_exposure', { experiment: 'report_cta' }],
    ]);
  });

  it('event ids are UUIDs and ts is ISO-8601 UTC', async () => {
    const posts = collector();
    const s = sender({ now: () => Date.parse('2026-12-03T10:00:00.123Z') });
    s.pageView('/');
    await s.flush();
    expect(posts[0]!.events[0]!.ts).toBe('2026-12-03T10:00:00.123Z');
    expect(posts[0]!.events[0]!.event_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('what the console may send', () => {
  it('every page’s template is a catalog page path with parameters as {name}, never a concrete value', () => {
    for (const m of PAGE_META) {
      const page = pageTemplate(m.path);
      expect(EVENT_CATALOG.page_view.props.safeParse({ page }).success, page).toBe(true);
      expect(page).not.toContain(':');
    }
    expect(pageTemplate('')).toBe('/');
    expect(pageTemplate('reports/:reportId')).toBe('/reports/{reportId}');
    expect(pageTemplate('platform/tenants/:tenantId')).toBe('/platform/tenants/{tenantId}');
  });

  it('the page templates the server accepts are exactly the console’s pages (PAGE_META), in order', () => {
    // PAGE_META ⊆ templates is also a compile-time check (`PageMeta.path: ConsolePagePath`); this is both ways.
    expect(PAGE_META.map((m) => pageTemplate(m.path))).toEqual([...CONSOLE_PAGE_TEMPLATES]);
    expect(EVENT_CATALOG.page_view.props.safeParse({ page: '/admin/users/bob' }).success).toBe(false);
    expect(
      EVENT_CATALOG.page_view.props.safeParse({ page: '/reports/01M8Y5GWC5G09MSPE2VNAZQJW3' }).success,
    ).toBe(false);
  });

  it('every console feature is a catalog feature, and nothing else is', () => {
    expect(Object.keys(CONSOLE_FEATURES)).toEqual([...CONSOLE_FEATURE_IDS]);
    for (const feature of Object.keys(CONSOLE_FEATURES)) {
      expect(EVENT_CATALOG.feature_used.props.safeParse({ feature }).success, feature).toBe(true);
    }
    expect(EVENT_CATALOG.feature_used.props.safeParse({ feature: 'export' }).success).toBe(false);
  });
});
