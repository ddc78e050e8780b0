import { EVENT_BATCH_LIMITS } from '../../../lib/config/analytics-limits';
import { CONSOLE_FEATURES, type ConsoleFeature, pageTemplate } from '../../../lib/config/console-catalog';
import type { ExperimentName } from '../../../lib/config/experiments';
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import { type BatcherStats, createBatcher } from '../telemetry/batcher';

/**
 * The console's features whose use is counted and its page templates live in `lib/config/console-catalog.ts`, the
 * list the `POST /v1/events` schema accepts (docs/analytics.md); re-exported here for the console.
 */
export { CONSOLE_FEATURES, type ConsoleFeature, pageTemplate };

/** The client-side events of the catalog (`lib/config/analytics.ts`, `sources` including `client`). */
export type ClientEventName = 'page_view' | 'feature_used' | 'first_login' | 'experiment_exposure';

/** One event of a `POST /v1/events` body (`clientEventSchema`; tenant, user, vertical and tier come from the token). */
export interface ClientEventBody {
  /** UUID (`crypto.randomUUID`); the server's idempotency key. */
  event_id: string;
  name: ClientEventName;
  /** ISO-8601 UTC with milliseconds. */
  ts: string;
  props: Record<string, string>;
}

/** The envelope `{"events":[]}` around a batch's events, bytes. */
const ENVELOPE_BYTES = '{"events":[]}'.length;
/** Pause after a 429 without `Retry-After`, ms. */
const DEFAULT_PAUSE_MS = 60_000;
/** localStorage key prefix of "this browser's first_login of <tenant>:<user> was accepted". */
const FIRST_LOGIN_KEY = 'marketedge.analytics.first-login:';

/** Options of {@link createProductEvents}. */
export interface ProductEventsOptions {
  /** The console's API client (the bearer token and base URL of every other call). */
  api: () => Pick<ApiClient, 'request'>;
  /** Delay from the first queued event to the send, ms (default 5000). */
  flushAfterMs?: number;
  now?: () => number;
  uuid?: () => string;
  /** Where `first_login` is remembered (default `window.localStorage`; `null` = nowhere). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  win?: Window & typeof globalThis;
}

/** The product-analytics sender (see {@link createProductEvents}). */
export interface ProductEvents {
  /** A page was shown: `page` is its route template ({@link pageTemplate}). */
  pageView(page: string): void;
  /** A console feature was used. */
  featureUsed(feature: ConsoleFeature): void;
  /**
   * The signed-in user (`<tenant>:<user>`) opened the console: sends `first_login` unless this browser already had
   * one accepted for them, at most once per page load. The server decides what "first" is (the stored event's id is
   * derived from the user, so one is kept per user whatever browsers send it).
   */
  firstLogin(userKey: string): void;
  /**
   * The console showed the user a variant of `experiment` (once per page load per experiment). The variant is not
   * sent: the server assigns it from the user hash, the same `assignVariant` the analytics use.
   */
  exposure(experiment: ExperimentName): void;
  /** Sends what is queued now. Never rejects. */
  flush(): Promise<void>;
  /** Starts the flush timer and hide listeners; returns their removal. */
  attach(): () => void;
  /** Counters: sent, dropped by reason (`rate-limited`, `rejected`, `failed`, `disabled`, `oversize`, `overflow`). */
  readonly stats: Readonly<BatcherStats>;
}

/**
 * Creates the console's product-analytics sender: events are queued in memory and posted to `POST /v1/events` through
 * the API client (same bearer token) in batches of at most {@link EVENT_BATCH_LIMITS} (100 events, 64 KiB), a few
 * seconds after the first queued event and when the page is hidden (`keepalive`). Off the critical path and never
 * throwing: a failed or refused batch is dropped and counted, never retried and never shown to the user. A 429 pauses
 * sending for its `Retry-After` plus one flush delay (the user's own next request goes first); a 204 (analytics off)
 * stops it for the page's life. Do-not-track (`DNT` / `Sec-GPC`, sent by the browser) is honoured by the server.
 */
export function createProductEvents(o: ProductEventsOptions): ProductEvents {
  const now = o.now ?? Date.now;
  const win = o.win ?? (typeof window === 'undefined' ? undefined : window);
  const uuid = o.uuid ?? (() => (win ?? globalThis).crypto.randomUUID());
  const flushAfterMs = o.flushAfterMs ?? 5000;
  const storage = (): Pick<Storage, 'getItem' | 'setItem'> | null => {
    if (o.storage !== undefined) return o.storage;
    try {
      return win?.localStorage ?? null;
    } catch {
      return null; // storage blocked
    }
  };
  /** `first_login` event id → the user key to remember once it is accepted. */
  const firstLogins = new Map<string, string>();
  const firstLoginSent = new Set<string>();
  const exposed = new Set<string>();

  const batcher = createBatcher<ClientEventBody>({
    maxItems: EVENT_BATCH_LIMITS.maxEvents,
    maxBytes: EVENT_BATCH_LIMITS.maxBodyBytes,
    overheadBytes: ENVELOPE_BYTES,
    flushAfterMs,
    now,
    win,
    async send(events) {
      try {
        const res = await o.api().request('POST', '/v1/events', { body: { events }, keepalive: true });
        if (res.status === 204) return { kind: 'stopped', reason: 'disabled' };
        for (const e of events) {
          const key = firstLogins.get(e.event_id);
          if (key === undefined) continue;
          firstLogins.delete(e.event_id);
          try {
            storage()?.setItem(FIRST_LOGIN_KEY + key, '1');
          } catch {
            // storage full or blocked: the server still keeps one per user
          }
        }
        return { kind: 'sent' };
      } catch (e) {
        if (e instanceof ApiError && e.status === 429) {
          const pauseMs =
            (e.retryAfterSec !== undefined ? e.retryAfterSec * 1000 : DEFAULT_PAUSE_MS) + flushAfterMs;
          return { kind: 'paused', reason: 'rate-limited', pauseMs };
        }
        const rejected = e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401;
        return { kind: 'dropped', reason: rejected ? 'rejected' : 'failed' };
      }
    },
  });

  const push = (name: ClientEventName, props: Record<string, string>): string => {
    const event_id = uuid();
    batcher.push({ event_id, name, ts: new Date(now()).toISOString(), props });
    return event_id;
  };

  return {
    pageView(page) {
      push('page_view', { page });
    },
    featureUsed(feature) {
      push('feature_used', { feature });
    },
    firstLogin(userKey) {
      if (firstLoginSent.has(userKey)) return;
      firstLoginSent.add(userKey);
      let known = false;
      try {
        known = storage()?.getItem(FIRST_LOGIN_KEY + userKey) === '1';
      } catch {
        known = false;
      }
      if (known) return;
      firstLogins.set(push('first_login', {}), userKey);
    },
    exposure(experiment) {
      if (exposed.has(experiment)) return;
      exposed.add(experiment);
      push('experiment_exposure', { experiment });
    },
    flush: () => batcher.flush(),
    attach: () => batcher.attach(),
    stats: batcher.stats,
  };
}
