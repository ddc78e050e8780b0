import { LOCAL_RUM_APP_MONITOR_ID } from '../../lib/config/console';
import { type PutRumEvents, putRumEventsSchema, type RumEvent } from '../../lib/config/rum';
import type { ControlHandler } from '../control/router';

/** One stored event, with its batch's session and when it arrived. */
export interface StoredRumEvent extends RumEvent {
  appMonitorId: string;
  sessionId: string;
  /** Receive time, ISO 8601. */
  receivedAt: string;
}

/** Most events kept (the oldest go first). */
export const MAX_RUM_EVENTS = 2_000;

/**
 * The local stand-in for a CloudWatch RUM app monitor: keeps the events of valid `PutRumEvents` batches in memory.
 */
export class RumCollector {
  private readonly events: StoredRumEvent[] = [];
  private batches = 0;
  private rejected = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps a valid batch's events. */
  add(appMonitorId: string, batch: PutRumEvents): void {
    this.batches++;
    const receivedAt = new Date(this.now()).toISOString();
    for (const e of batch.RumEvents)
      this.events.push({ ...e, appMonitorId, sessionId: batch.UserDetails.sessionId, receivedAt });
    if (this.events.length > MAX_RUM_EVENTS) this.events.splice(0, this.events.length - MAX_RUM_EVENTS);
  }

  /** Counts a refused batch. */
  reject(): void {
    this.rejected++;
  }

  /** What it holds: events oldest first (optionally of one type), batch counts. */
  view(type?: string): { batches: number; rejected: number; events: StoredRumEvent[] } {
    return {
      batches: this.batches,
      rejected: this.rejected,
      events: type ? this.events.filter((e) => e.type === type) : [...this.events],
    };
  }

  /** Forgets everything. */
  clear(): void {
    this.events.length = 0;
    this.batches = 0;
    this.rejected = 0;
  }
}

/**
 * `/_local/rum`: `POST /_local/rum/appmonitors/<id>` takes a `PutRumEvents` body (the RUM data plane's path under
 * `rum.endpoint` of the console's `config.json`) → 200 `{}`; 400 with field paths for a body that does not match
 * (`lib/config/rum.ts`) or an id that is not the URL's, 404 for another app monitor. `GET /_local/rum[?type=…]` lists
 * the events kept; `DELETE /_local/rum` forgets them.
 */
export function rumControl(collector: RumCollector, appMonitorId = LOCAL_RUM_APP_MONITOR_ID): ControlHandler {
  return async (method, body, query, rest = '') => {
    if (rest === '') {
      if (method === 'GET') return { status: 200, body: collector.view(query.get('type') ?? undefined) };
      if (method === 'DELETE') {
        collector.clear();
        return { status: 200, body: collector.view() };
      }
      return { status: 405, body: { title: 'Method Not Allowed', status: 405 } };
    }
    const m = /^appmonitors\/([^/]+)\/?$/.exec(rest);
    if (!m || m[1] !== appMonitorId) return { status: 404, body: { title: 'Not Found', status: 404 } };
    if (method !== 'POST') return { status: 405, body: { title: 'Method Not Allowed', status: 405 } };
    const parsed = putRumEventsSchema.safeParse(body);
    const errors = parsed.success
      ? parsed.data.AppMonitorDetails.id === appMonitorId
        ? []
        : [{ path: 'AppMonitorDetails.id', message: 'must be the app monitor of the URL' }]
      : parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    if (!parsed.success || errors.length) {
      collector.reject();
      return { status: 400, body: { title: 'Bad Request', status: 400, errors } };
    }
    collector.add(appMonitorId, parsed.data);
    return { status: 200, body: {} };
  };
}
