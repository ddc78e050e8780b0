/**
 * The console's one batching sender for what it reports in the background (real-user monitoring, `rum/rum.ts`, and
 * product analytics events, `analytics/product-events.ts`): an in-memory queue sent in batches off the page's
 * critical path — a few seconds after the first queued item, and at once when the page is hidden
 * (`visibilitychange` → hidden, `pagehide`), so the last batch survives a navigation or a closed tab (the `send`
 * callback posts with `keepalive`). Never throws into the page: a failed batch is dropped and counted.
 */

/** What happened to one batch, as the `send` callback reports it. */
export type BatchOutcome =
  /** Delivered. */
  | { kind: 'sent' }
  /** Refused or failed; dropped (not retried), counted under `reason`. */
  | { kind: 'dropped'; reason: string }
  /** Refused for now (a 429): dropped, counted under `reason`, and nothing is sent for `pauseMs`. */
  | { kind: 'paused'; reason: string; pauseMs: number }
  /** The receiver wants nothing more (e.g. collection off): the queue is discarded and the batcher stops for good. */
  | { kind: 'stopped'; reason: string };

/** Options of {@link createBatcher}. */
export interface BatcherOptions<T> {
  /**
   * Sends one batch (1 to `maxItems` items, at most `maxBytes` serialized). Should not reject; a rejection counts as
   * a drop under `error`.
   */
  send(batch: T[]): Promise<BatchOutcome>;
  /** Items per batch. */
  maxItems: number;
  /**
   * Bytes of one batch's serialized body: the items' JSON joined by commas plus `overheadBytes` (default: no byte
   * limit). An item that alone exceeds it is dropped (`oversize`).
   */
  maxBytes?: number;
  /** Bytes the envelope around the items adds (e.g. `{"events":[]}` = 13). Default 0. */
  overheadBytes?: number;
  /** Longest the queue may grow while sending is impossible; further items are dropped (`overflow`). Default 1000. */
  maxQueued?: number;
  /** Delay from the first queued item to the flush, ms (default 5000). */
  flushAfterMs?: number;
  /** Called right before the flush on hide (e.g. RUM records its final Web Vitals then). */
  onHide?: () => void;
  /** Clock, ms (default `Date.now`). */
  now?: () => number;
  win?: Window & typeof globalThis;
}

/** Counters of a {@link Batcher} (what was sent, what was dropped and why). */
export interface BatcherStats {
  /** Items delivered. */
  sent: number;
  /** Items dropped, by reason (`oversize`, `overflow`, `error`, or a reason from an outcome). */
  dropped: Record<string, number>;
  /** Sending is paused until this time (ms), after a `paused` outcome; 0 = not paused. */
  pausedUntil: number;
  /** A `stopped` outcome ended it: items pushed from then on are ignored. */
  stopped: boolean;
}

/** A running batcher. */
export interface Batcher<T> {
  /** Queues one item (ignored once stopped). */
  push(item: T): void;
  /** Sends what is queued now, unless paused or stopped. Never rejects. */
  flush(): Promise<void>;
  /**
   * Starts the flush timer and the hide listeners; returns the function that removes them (the queue is kept, so a
   * component that mounts twice, as React's StrictMode does, loses nothing).
   */
  attach(): () => void;
  /** Items queued and not yet sent. */
  readonly queued: number;
  readonly stats: Readonly<BatcherStats>;
}

const encoder = new TextEncoder();

/**
 * Creates a batcher (inert until {@link Batcher.attach}: `push` only queues, `flush` sends on demand).
 * @throws never
 */
export function createBatcher<T>(o: BatcherOptions<T>): Batcher<T> {
  const now = o.now ?? Date.now;
  const maxQueued = o.maxQueued ?? 1000;
  const flushAfterMs = o.flushAfterMs ?? 5000;
  const queue: { item: T; bytes: number }[] = [];
  const stats: BatcherStats = { sent: 0, dropped: {}, pausedUntil: 0, stopped: false };
  const drop = (reason: string, n: number) => {
    if (n > 0) stats.dropped[reason] = (stats.dropped[reason] ?? 0) + n;
  };
  let win: (Window & typeof globalThis) | undefined;
  let timer: number | undefined;

  const arm = (delayMs: number) => {
    if (!win || timer !== undefined || queue.length === 0 || stats.stopped) return;
    timer = win.setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
  };

  /** Takes the next batch off the queue: at most `maxItems`, at most `maxBytes`. */
  const take = (): T[] => {
    const out: T[] = [];
    let bytes = o.overheadBytes ?? 0;
    while (queue.length > 0 && out.length < o.maxItems) {
      const next = queue[0]!;
      const add = next.bytes + (out.length > 0 ? 1 : 0);
      if (o.maxBytes !== undefined && bytes + add > o.maxBytes) break;
      queue.shift();
      out.push(next.item);
      bytes += add;
    }
    return out;
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0 && !stats.stopped && now() >= stats.pausedUntil) {
      const batch = take();
      if (batch.length === 0) return; // cannot happen: oversize items never enter the queue
      let outcome: BatchOutcome;
      try {
        outcome = await o.send(batch);
      } catch {
        outcome = { kind: 'dropped', reason: 'error' };
      }
      if (outcome.kind === 'sent') stats.sent += batch.length;
      else if (outcome.kind === 'dropped') drop(outcome.reason, batch.length);
      else if (outcome.kind === 'paused') {
        drop(outcome.reason, batch.length);
        stats.pausedUntil = now() + outcome.pauseMs;
        // Whatever is still queued goes after the pause (the timer is re-armed for it).
        if (timer === undefined) arm(outcome.pauseMs);
        return;
      } else {
        drop(outcome.reason, batch.length + queue.length);
        queue.length = 0;
        stats.stopped = true;
        return;
      }
    }
    if (queue.length > 0 && !stats.stopped) arm(Math.max(flushAfterMs, stats.pausedUntil - now()));
  };

  return {
    push(item) {
      if (stats.stopped) return;
      let bytes = 0;
      if (o.maxBytes !== undefined) {
        try {
          bytes = encoder.encode(JSON.stringify(item)).length;
        } catch {
          drop('oversize', 1);
          return;
        }
        if (bytes + (o.overheadBytes ?? 0) > o.maxBytes) {
          drop('oversize', 1);
          return;
        }
      }
      if (queue.length >= maxQueued) {
        drop('overflow', 1);
        return;
      }
      queue.push({ item, bytes });
      arm(Math.max(flushAfterMs, stats.pausedUntil - now()));
    },
    flush,
    attach() {
      const w = o.win ?? window;
      win = w;
      const hidden = () => {
        try {
          o.onHide?.();
        } catch {
          // a hook never breaks the page
        }
        void flush();
      };
      const onVisibility = () => {
        if (w.document.visibilityState === 'hidden') hidden();
      };
      w.document.addEventListener('visibilitychange', onVisibility);
      w.addEventListener('pagehide', hidden);
      arm(flushAfterMs);
      return () => {
        w.document.removeEventListener('visibilitychange', onVisibility);
        w.removeEventListener('pagehide', hidden);
        if (timer !== undefined) w.clearTimeout(timer);
        timer = undefined;
        win = undefined;
      };
    },
    get queued() {
      return queue.length;
    },
    stats,
  };
}
