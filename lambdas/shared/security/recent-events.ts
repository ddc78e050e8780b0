import type { SecurityEvent } from './event-schema';

/**
 * The newest security events, for the console's security page (`GET /admin/security`): the security-events
 * pipeline appends every event it writes to the security log group except `AuthAllowed` (one per request), in one
 * capped Redis list; the admin API reads it. The log group stays the audit record; this is a short window of it.
 */

/** Redis key of the list (one hash tag: one cluster slot). */
export const RECENT_EVENTS_KEY = 'sec:{recent}:events';
/** Events kept, newest first. */
export const RECENT_EVENTS_CAPACITY = 500;
/** The list expires this long after its last write, seconds (a quiet stage shows nothing stale forever). */
export const RECENT_EVENTS_TTL_SEC = 7 * 86_400;

/** `false` for event types too frequent to keep (an allow per request). */
export function keptAsRecent(e: Pick<SecurityEvent, 'type'>): boolean {
  return e.type !== 'AuthAllowed';
}

/** The window of recent security events. */
export interface RecentEventStore {
  /** Appends events (oldest first as given); keeps the newest {@link RECENT_EVENTS_CAPACITY}. */
  add(events: readonly SecurityEvent[]): Promise<void>;
  /** Up to `limit` events, newest first. */
  list(limit: number): Promise<SecurityEvent[]>;
}

/** The ioredis commands the store uses (standalone or cluster client). */
export interface RecentEventsRedis {
  multi(): {
    lpush(key: string, ...values: string[]): unknown;
    ltrim(key: string, start: number, stop: number): unknown;
    expire(key: string, sec: number): unknown;
    exec(): Promise<unknown>;
  };
  lrange(key: string, start: number, stop: number): Promise<string[]>;
}

/** {@link RecentEventStore} in Redis: `LPUSH` + `LTRIM` + `EXPIRE` in one transaction per batch. */
export class RedisRecentEvents implements RecentEventStore {
  constructor(private readonly redis: RecentEventsRedis) {}

  async add(events: readonly SecurityEvent[]): Promise<void> {
    const kept = events.filter(keptAsRecent);
    if (kept.length === 0) return;
    const tx = this.redis.multi();
    tx.lpush(RECENT_EVENTS_KEY, ...kept.map((e) => JSON.stringify(e)));
    tx.ltrim(RECENT_EVENTS_KEY, 0, RECENT_EVENTS_CAPACITY - 1);
    tx.expire(RECENT_EVENTS_KEY, RECENT_EVENTS_TTL_SEC);
    await tx.exec();
  }

  async list(limit: number): Promise<SecurityEvent[]> {
    const raw = await this.redis.lrange(RECENT_EVENTS_KEY, 0, Math.max(0, limit - 1));
    const out: SecurityEvent[] = [];
    for (const r of raw) {
      try {
        out.push(JSON.parse(r) as SecurityEvent);
      } catch {
        // A value this module did not write: skipped.
      }
    }
    return out;
  }
}

/** {@link RecentEventStore} in memory (the local stack without Redis; unit tests). */
export class MemoryRecentEvents implements RecentEventStore {
  private events: SecurityEvent[] = [];

  async add(events: readonly SecurityEvent[]): Promise<void> {
    const kept = events.filter(keptAsRecent);
    this.events = [...[...kept].reverse(), ...this.events].slice(0, RECENT_EVENTS_CAPACITY);
  }

  async list(limit: number): Promise<SecurityEvent[]> {
    return this.events.slice(0, Math.max(0, limit));
  }

  /** Forgets every event (tests). */
  clear(): void {
    this.events = [];
  }
}

/**
 * The process's in-memory window: the local stack without Redis runs the pipeline and the admin API in one process,
 * and both use this instance.
 */
export const processRecentEvents = new MemoryRecentEvents();
