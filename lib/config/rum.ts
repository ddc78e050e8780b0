import * as z from 'zod';
import type { ConsoleRuntimeConfig } from './console';
import type { StageConfig } from './stages';

/**
 * Real-user monitoring of the console, in CloudWatch RUM's `PutRumEvents` wire format (`POST
 * <endpoint>/appmonitors/<id>`): the console's sender (`web/src/rum/`) builds these batches and the local stack's
 * collector (`local/rum/collector.ts`) validates and keeps them, so the browser path is tested end to end without the
 * AWS client library.
 * @see https://docs.aws.amazon.com/cloudwatchrum/latest/APIReference/API_PutRumEvents.html
 */

/** Event types the console sends (the names aws-rum-web uses), with what `details` holds. */
export const RUM_EVENT_TYPES = {
  /** `{ value }`: Largest Contentful Paint, ms from navigation start. */
  lcp: 'com.amazon.rum.largest_contentful_paint_event',
  /** `{ value }`: Cumulative Layout Shift (largest session window). */
  cls: 'com.amazon.rum.cumulative_layout_shift_event',
  /** `{ value }`: First Input Delay, ms. */
  fid: 'com.amazon.rum.first_input_delay_event',
  /** `{ duration, ttfb, domContentLoaded, load }`: the page load, ms. */
  navigation: 'com.amazon.rum.performance_navigation_event',
  /** `{ type, message }`: an uncaught error or unhandled rejection (no stack: it may carry data). */
  jsError: 'com.amazon.rum.js_error_event',
  /** `{ request: { method, url }, response: { status }, duration }`: one API call (URL without query). */
  http: 'com.amazon.rum.http_event',
} as const;

/** One RUM event type name. */
export type RumEventType = (typeof RUM_EVENT_TYPES)[keyof typeof RUM_EVENT_TYPES];

/** Most events in one batch (the RUM web client's default batch limit). */
export const RUM_MAX_EVENTS_PER_BATCH = 100;

/** One `PutRumEvents` request body. `details` and `metadata` are JSON documents as strings, as the API takes them. */
export const putRumEventsSchema = z
  .object({
    BatchId: z.string().min(1).max(64),
    AppMonitorDetails: z
      .object({
        id: z.string().min(1).max(64),
        name: z.string().max(255).optional(),
        version: z.string().max(32),
      })
      .strict(),
    UserDetails: z
      .object({ sessionId: z.string().min(1).max(64), userId: z.string().max(64).optional() })
      .strict(),
    RumEvents: z
      .array(
        z
          .object({
            id: z.string().min(1).max(64),
            /** Epoch seconds. */
            timestamp: z.number().nonnegative(),
            type: z.enum(Object.values(RUM_EVENT_TYPES) as [RumEventType, ...RumEventType[]]),
            details: z.string().max(16_384),
            metadata: z.string().max(4_096).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(RUM_MAX_EVENTS_PER_BATCH),
  })
  .strict();

/** A parsed `PutRumEvents` body. */
export type PutRumEvents = z.output<typeof putRumEventsSchema>;

/** One event of a batch. */
export type RumEvent = PutRumEvents['RumEvents'][number];

/** Name of a stage's CloudWatch RUM app monitor (the console's). */
export function rumAppMonitorName(stage: string): string {
  return `marketedge-${stage}-console`;
}

/** The RUM data plane of a region: where the console posts its batches (`<endpoint>/appmonitors/<id>`). */
export function rumDataPlaneEndpoint(region: string): string {
  return `https://dataplane.rum.${region}.amazonaws.com`;
}

/**
 * The console's `rum` section of `config.json` on a deployed stage — the one place it is built from the stage config
 * (`rum.sessionSampleRate`), the app monitor's id and the region's data plane.
 */
export function deployedRumClientConfig(
  config: Pick<StageConfig, 'rum'>,
  appMonitorId: string,
  region: string,
): NonNullable<ConsoleRuntimeConfig['rum']> {
  return {
    endpoint: rumDataPlaneEndpoint(region),
    appMonitorId,
    sessionSampleRate: config.rum.sessionSampleRate,
  };
}
