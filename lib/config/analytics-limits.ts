/**
 * The request limits of `POST /v1/events` — pure data without imports, so the console's event sender
 * (`web/src/analytics/product-events.ts`) can batch by them without bundling the zod catalog. Re-exported by
 * `lib/config/analytics.ts`, where the rest of the analytics schema lives.
 */

/** Limits of one `POST /v1/events` request. */
export const EVENT_BATCH_LIMITS = {
  /** Events per request. */
  maxEvents: 100,
  /** Request body, bytes (64 KiB); larger → 413. */
  maxBodyBytes: 64 * 1024,
  /** One event's `props` serialized as JSON, bytes. */
  maxPropsBytes: 1024,
  /** How far in the past a client `ts` may be, ms (7 days; older events are backfills, not client events). */
  maxAgeMs: 7 * 24 * 3600 * 1000,
  /** How far in the future a client `ts` may be, ms (clock skew). */
  maxSkewMs: 5 * 60 * 1000,
} as const;
