import {
  type PutRumEvents,
  RUM_EVENT_TYPES,
  RUM_MAX_EVENTS_PER_BATCH,
  type RumEvent,
  type RumEventType,
} from '../../../lib/config/rum';
import type { ConsoleRuntimeConfig } from '../config';
import { createBatcher } from '../telemetry/batcher';

/** The `rum` section of `config.json`. */
export type RumConfig = NonNullable<ConsoleRuntimeConfig['rum']>;

/** Options of {@link startRum} (tests inject the browser pieces). */
export interface RumOptions {
  /** Origin of the API: its `fetch` resource timings become `http` events (default: none). */
  apiOrigin?: string;
  /** How often queued events are sent, ms (default 5000); also sent when the page is hidden. */
  flushEveryMs?: number;
  fetchFn?: typeof fetch;
  now?: () => number;
  random?: () => number;
  win?: Window & typeof globalThis;
}

/** A running sender. */
export interface RumSender {
  /** Random id of this browser session (sent as `UserDetails.sessionId`; no user id is sent). */
  readonly sessionId: string;
  /** Whether this session was sampled (`sessionSampleRate`); an unsampled sender sends nothing. */
  readonly sampled: boolean;
  /** Queues one event. */
  record(type: RumEventType, details: Record<string, unknown>): void;
  /** Sends what is queued (batches of at most 100). */
  flush(): Promise<void>;
  /** Stops observing and sending. */
  stop(): void;
}

/** Version of the sender (`AppMonitorDetails.version`, event metadata). */
export const RUM_SENDER_VERSION = '1.0.0';

/**
 * Starts real-user monitoring of the console: Web Vitals (LCP, CLS, FID) and the page load from the browser's own
 * performance entries, uncaught errors and unhandled rejections, and the timing of each API call (URL without its
 * query), queued and posted as `PutRumEvents` batches to `<endpoint>/appmonitors/<appMonitorId>` every few seconds
 * and when the page is hidden (`keepalive`, so the last batch survives a navigation). Sampled per session. Never
 * throws; a failed post is dropped (monitoring must not break the console).
 */
export function startRum(cfg: RumConfig, opts: RumOptions = {}): RumSender {
  const win = opts.win ?? window;
  const now = opts.now ?? Date.now;
  const fetchFn = opts.fetchFn ?? ((...a: Parameters<typeof fetch>) => win.fetch(...a));
  const uuid = () => win.crypto.randomUUID();
  const sessionId = uuid();
  const sampled = (opts.random ?? Math.random)() < cfg.sessionSampleRate;
  const url = `${cfg.endpoint}/appmonitors/${encodeURIComponent(cfg.appMonitorId)}`;
  const cleanups: (() => void)[] = [];
  let stopped = !sampled;
  let vitals: ReturnType<typeof observeVitals> | undefined;
  // One batching sender for the console's background reports (telemetry/batcher.ts), shared with product analytics.
  const batcher = createBatcher<RumEvent>({
    maxItems: RUM_MAX_EVENTS_PER_BATCH,
    flushAfterMs: opts.flushEveryMs ?? 5000,
    now,
    win,
    onHide: () => vitals?.final(),
    async send(events) {
      const batch: PutRumEvents = {
        BatchId: uuid(),
        AppMonitorDetails: { id: cfg.appMonitorId, version: RUM_SENDER_VERSION },
        UserDetails: { sessionId },
        RumEvents: events,
      };
      try {
        await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch),
          keepalive: true,
        });
        return { kind: 'sent' };
      } catch {
        return { kind: 'dropped', reason: 'error' }; // monitoring never breaks the console
      }
    },
  });

  const metadata = () =>
    JSON.stringify({ version: RUM_SENDER_VERSION, pageId: win.location.pathname, domain: win.location.host });
  const record = (type: RumEventType, details: Record<string, unknown>) => {
    if (stopped) return;
    batcher.push({
      id: uuid(),
      timestamp: now() / 1000,
      type,
      details: JSON.stringify(details),
      metadata: metadata(),
    });
  };
  const flush = () => batcher.flush();
  const listen = <K extends keyof WindowEventMap>(type: K, fn: (e: WindowEventMap[K]) => void) => {
    win.addEventListener(type, fn);
    cleanups.push(() => win.removeEventListener(type, fn));
  };

  if (sampled) {
    listen('error', (e) =>
      record(RUM_EVENT_TYPES.jsError, { type: e.error?.name ?? 'Error', message: clip(e.message) }),
    );
    listen('unhandledrejection', (e) =>
      record(RUM_EVENT_TYPES.jsError, {
        type: 'UnhandledRejection',
        message: clip(e.reason instanceof Error ? e.reason.message : String(e.reason)),
      }),
    );
    const observed = observeVitals(win, record, opts.apiOrigin, cfg.endpoint);
    vitals = observed;
    cleanups.push(observed.stop);
    cleanups.push(batcher.attach());
    // LCP and the page load are read on a tick (they settle after the first paint); the batcher sends what they queue.
    const timer = win.setInterval(() => observed.interim(), opts.flushEveryMs ?? 5000);
    cleanups.push(() => win.clearInterval(timer));
  }
  return {
    sessionId,
    sampled,
    record,
    flush,
    stop() {
      stopped = true;
      for (const c of cleanups.splice(0)) c();
    },
  };
}

interface Entry {
  startTime: number;
  duration: number;
  name: string;
  value?: number;
  hadRecentInput?: boolean;
  processingStart?: number;
  initiatorType?: string;
  responseStatus?: number;
}

/**
 * Web Vitals from the browser's performance entries (web.dev's definitions): LCP (the last candidate, sent once),
 * CLS (largest session window: shifts < 1 s apart within 5 s, sent when the page is hidden; only by browsers with the
 * Layout Instability API), FID (the first input),
 * the navigation timing (once loaded), and API `fetch` timings. Without `PerformanceObserver` (old browsers, jsdom):
 * nothing.
 */
function observeVitals(
  win: Window & typeof globalThis,
  record: (type: RumEventType, details: Record<string, unknown>) => void,
  apiOrigin: string | undefined,
  rumEndpoint: string,
): { interim(): void; final(): void; stop(): void } {
  const PO = (win as unknown as { PerformanceObserver?: typeof PerformanceObserver }).PerformanceObserver;
  const observers: PerformanceObserver[] = [];
  let lcp: number | undefined;
  let lcpSent = false;
  let cls = 0;
  let window_: { value: number; first: number; last: number } | undefined;
  let clsSent = false;
  let navigationSent = false;
  const observe = (type: string, fn: (e: Entry) => void) => {
    if (!PO || !(PO.supportedEntryTypes ?? []).includes(type)) return;
    const o = new PO((list) => {
      for (const e of list.getEntries()) fn(e as unknown as Entry);
    });
    o.observe({ type, buffered: true });
    observers.push(o);
  };
  observe('largest-contentful-paint', (e) => {
    lcp = e.startTime;
  });
  observe('layout-shift', (e) => {
    if (e.hadRecentInput) return;
    const v = e.value ?? 0;
    if (window_ && e.startTime - window_.last < 1000 && e.startTime - window_.first < 5000) {
      window_.value += v;
      window_.last = e.startTime;
    } else window_ = { value: v, first: e.startTime, last: e.startTime };
    cls = Math.max(cls, window_.value);
  });
  observe('first-input', (e) => {
    record(RUM_EVENT_TYPES.fid, {
      version: RUM_SENDER_VERSION,
      value: round((e.processingStart ?? e.startTime) - e.startTime),
    });
  });
  observe('resource', (e) => {
    if (e.initiatorType !== 'fetch' || !apiOrigin || e.name.startsWith(rumEndpoint)) return;
    let u: URL;
    try {
      u = new URL(e.name);
    } catch {
      return;
    }
    if (u.origin !== apiOrigin) return;
    record(RUM_EVENT_TYPES.http, {
      version: RUM_SENDER_VERSION,
      request: { url: `${u.origin}${u.pathname}` },
      ...(e.responseStatus ? { response: { status: e.responseStatus } } : {}),
      duration: round(e.duration),
    });
  });
  const navigation = () => {
    if (navigationSent) return;
    const nav = win.performance?.getEntriesByType?.('navigation')[0] as
      | (Entry & { responseStart: number; domContentLoadedEventEnd: number; loadEventEnd: number })
      | undefined;
    if (!nav?.loadEventEnd) return;
    navigationSent = true;
    record(RUM_EVENT_TYPES.navigation, {
      version: RUM_SENDER_VERSION,
      duration: round(nav.duration),
      ttfb: round(nav.responseStart),
      domContentLoaded: round(nav.domContentLoadedEventEnd),
      load: round(nav.loadEventEnd),
    });
  };
  const interim = () => {
    navigation();
    if (lcp !== undefined && !lcpSent) {
      lcpSent = true;
      record(RUM_EVENT_TYPES.lcp, { version: RUM_SENDER_VERSION, value: round(lcp) });
    }
  };
  return {
    interim,
    final() {
      interim();
      // Only where the browser measures layout shifts: Firefox has no Layout Instability API, and a CLS of 0 from
      // it would be a made-up figure that pulls the p75 down.
      if (!clsSent && PO && (PO.supportedEntryTypes ?? []).includes('layout-shift')) {
        clsSent = true;
        record(RUM_EVENT_TYPES.cls, { version: RUM_SENDER_VERSION, value: Math.round(cls * 1e4) / 1e4 });
      }
    },
    stop() {
      for (const o of observers) o.disconnect();
    },
  };
}

function clip(s: string | undefined): string {
  return (s ?? '').slice(0, 200);
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
