/**
 * Product analytics: the single source of the event schema (names, property allowlists and size caps), the stored
 * record's columns (the Glue table, the Parquet files and the local DuckDB layout are generated from it), the
 * partition layout and the request limits of `POST /v1/events`. Pure data and zod (`zod/mini`, which the reports and
 * edge Lambdas' bundle budgets need: see `lambdas/reports/schemas.ts`) — imported by CDK, the Lambdas,
 * the local stack and the tests. Every field is described in docs/analytics.md.
 */

import { EVENT_BATCH_LIMITS } from './analytics-limits';
import { CONSOLE_FEATURE_IDS, CONSOLE_PAGE_TEMPLATES } from './console-catalog';
import { SETTINGS } from './settings';
import * as z from './zod';

/** Version of the stored record layout; bump when a column changes meaning (`schema_version` column). */
export const ANALYTICS_SCHEMA_VERSION = 1;

/** Limits of one `POST /v1/events` request (their own zod-free module: the console's event sender imports them). */
export { EVENT_BATCH_LIMITS };

/** Who produced an event: the console (`client`), a Lambda (`server`) or `npm run analytics:backfill`. */
export const EVENT_SOURCES = ['client', 'server', 'backfill'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * A console page template such as `/reports/{reportId}` (`CONSOLE_PAGE_TEMPLATES`, lib/config/console-catalog.ts) —
 * anything else (a concrete URL, an id, a made-up path) is rejected, so no raw value can be stored here.
 */
const pagePath = z.enum(CONSOLE_PAGE_TEMPLATES);
/** A console feature id (`CONSOLE_FEATURES`, lib/config/console-catalog.ts); anything else is rejected. */
const consoleFeature = z.enum(CONSOLE_FEATURE_IDS);
/** A lowercase identifier (experiment and variant names). */
const identifier = z
  .string()
  .check(
    z.regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lowercase identifier (a-z, 0-9, _ . -), at most 64 chars'),
  );

/**
 * The event catalog: per event name, who may send it and the allowlist of its properties (zod, strict objects:
 * unknown properties are rejected, never stored). Properties named in {@link PROMOTED_PROPS} become typed columns;
 * the rest are kept in the `props` JSON column.
 */
export const EVENT_CATALOG = {
  page_view: {
    sources: ['client', 'backfill'],
    props: z.strictObject({ page: pagePath }),
    summary: 'A console page was shown (one of the console page templates).',
  },
  feature_used: {
    sources: ['client'],
    props: z.strictObject({ feature: consoleFeature }),
    summary: 'A console feature was used (one of the console feature ids).',
  },
  report_created: {
    sources: ['server', 'backfill'],
    props: z.strictObject({ tags: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(50))) }),
    summary: 'A report was created (POST /v1/reports answered 201).',
  },
  report_viewed: {
    sources: ['server', 'backfill'],
    props: z.strictObject({}),
    summary: 'A report was read (GET /v1/reports/{reportId} answered 200).',
  },
  report_deleted: {
    sources: ['server', 'backfill'],
    props: z.strictObject({}),
    summary: 'A report was deleted (DELETE /v1/reports/{reportId} answered 204).',
  },
  limit_hit: {
    sources: ['server', 'backfill'],
    props: z.strictObject({
      route: z
        .string()
        .check(z.maxLength(128), z.regex(/^[A-Z]+ \/[A-Za-z0-9/_{}+.-]*$/, 'must be a route key')),
      rules: z.optional(z.string().check(z.maxLength(256))),
    }),
    summary:
      'A request was answered 429 by the rate limiter or the usage plan (route key, rules that denied).',
  },
  first_login: {
    sources: ['client'],
    props: z.strictObject({}),
    summary: "A user's first sign-in to the console (stored once per user: the event id is derived).",
  },
  experiment_exposure: {
    sources: ['client', 'server'],
    props: z.strictObject({ experiment: identifier, variant: z.optional(identifier) }),
    summary:
      'A user saw an experiment; the variant is assigned by the server from the user hash (stored once per user and experiment).',
  },
} as const satisfies Record<
  string,
  { sources: readonly EventSource[]; props: z.ZodMiniType<Record<string, unknown>>; summary: string }
>;

/** Event names, in catalog order. */
export type EventName = keyof typeof EVENT_CATALOG;
export const EVENT_NAMES = Object.keys(EVENT_CATALOG) as EventName[];

/** Type guard for {@link EventName}. */
export function isEventName(v: unknown): v is EventName {
  return typeof v === 'string' && Object.hasOwn(EVENT_CATALOG, v);
}

/** Properties copied into typed columns of the record (so queries need no JSON functions, which differ by engine). */
export const PROMOTED_PROPS = ['page', 'feature', 'experiment', 'variant', 'route'] as const;
export type PromotedProp = (typeof PROMOTED_PROPS)[number];

/** Column types of the stored record, in Glue (Hive) type names. */
export type ColumnType = 'string' | 'int' | 'timestamp';

/** One data column of the stored record. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** What it holds (docs/analytics.md lists the same text with the legal basis). */
  comment: string;
}

/**
 * Data columns of the stored record, in file order (Glue table columns, Parquet schema, DuckDB read schema).
 * The partition columns ({@link PARTITION_KEYS}) are not in the files: they come from the object path.
 */
export const EVENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'event_id', type: 'string', comment: 'UUID; the idempotency key (duplicates count once)' },
  { name: 'schema_version', type: 'int', comment: 'record layout version' },
  { name: 'name', type: 'string', comment: 'event name from the catalog' },
  { name: 'ts', type: 'timestamp', comment: 'when it happened (UTC)' },
  { name: 'received_at', type: 'timestamp', comment: 'when the platform received it (UTC)' },
  { name: 'vertical', type: 'string', comment: "tenant's industry vertical (from the token)" },
  { name: 'tier', type: 'string', comment: "tenant's tier (from the token)" },
  { name: 'user_hash', type: 'string', comment: 'HMAC-SHA256 of tenant and user id, per-stage secret' },
  { name: 'session_hash', type: 'string', comment: 'HMAC-SHA256 of tenant, user id and UTC day' },
  { name: 'source', type: 'string', comment: 'client | server | backfill' },
  { name: 'page', type: 'string', comment: 'page path template (page_view)' },
  { name: 'feature', type: 'string', comment: 'feature identifier (feature_used)' },
  { name: 'experiment', type: 'string', comment: 'experiment name (experiment_exposure)' },
  { name: 'variant', type: 'string', comment: 'assigned variant (experiment_exposure)' },
  { name: 'route', type: 'string', comment: 'route key (limit_hit)' },
  { name: 'props', type: 'string', comment: 'other allowlisted properties, JSON object' },
];

/** Partition columns, in path order: `tenant_id=<id>/dt=<yyyy-mm-dd>/`. */
export const PARTITION_KEYS: readonly ColumnSpec[] = [
  { name: 'tenant_id', type: 'string', comment: 'tenant id (from the token); the isolation boundary' },
  { name: 'dt', type: 'string', comment: 'UTC date of ts, yyyy-mm-dd' },
];

/** Object key prefix of delivered events (S3 and `.local/analytics/`). */
export const EVENTS_PREFIX = 'events/';
/** Object key prefix of records Firehose could not deliver or convert. */
export const ERRORS_PREFIX = 'errors/';
/**
 * The unscoped table: the Glue table in Athena, the DuckDB view locally. The SQL files never read it: they read
 * `events`, which the runner defines as this table filtered to the caller's scope (`scopedSql`).
 */
export const EVENTS_TABLE = 'events_all';

/** Glue database of a stage (`marketedge_<stage>_analytics`). */
export function analyticsDatabaseName(stage: string): string {
  return `marketedge_${stage}_analytics`;
}

/** Secrets Manager name of a stage's user-hashing secret (Lambdas get this name, and read access to it). */
export function analyticsSecretName(stage: string): string {
  return `marketedge/${stage}/analytics-hash-secret`;
}

/**
 * Environment contract of the analytics emitters (read by `lambdas/shared/analytics/runtime.ts`; set by CDK in AWS —
 * `lib/stacks/analytics-stack.ts` — and by `npm start` locally):
 * - `ANALYTICS_SINK`: `log` (default: marked stdout lines → subscription → Firehose), `file` (local hive layout under
 *   `ANALYTICS_DIR`) or `none`;
 * - `ANALYTICS_HASH_SECRET`: the hashing secret itself (local stack, scripts), else `ANALYTICS_HASH_SECRET_NAME`: its
 *   Secrets Manager name, {@link analyticsSecretName} (AWS; read once per container). Neither set → nothing is
 *   collected.
 */
export const ANALYTICS_ENV = {
  sink: SETTINGS.analyticsSink.name,
  dir: SETTINGS.analyticsDir.name,
  secret: SETTINGS.analyticsHashSecret.name,
  secretName: SETTINGS.analyticsHashSecretName.name,
} as const;

/** One stored record as the emitters write it (before partitioning: `tenant_id` and `dt` are still fields). */
export interface AnalyticsRecord {
  event_id: string;
  schema_version: number;
  name: EventName;
  /** ISO-8601 UTC with milliseconds. */
  ts: string;
  /** ISO-8601 UTC with milliseconds. */
  received_at: string;
  tenant_id: string;
  /** yyyy-mm-dd of `ts`. */
  dt: string;
  vertical: string;
  tier: string;
  user_hash: string;
  session_hash: string;
  source: EventSource;
  page: string | null;
  feature: string | null;
  experiment: string | null;
  variant: string | null;
  route: string | null;
  /** JSON object text of the non-promoted properties (`{}` when none). */
  props: string;
}

/** One event of a `POST /v1/events` body (`tenant_id`, vertical, tier and user come from the token, never from here). */
export const clientEventSchema = z.strictObject({
  event_id: z.uuid(),
  name: z.enum(EVENT_NAMES as [EventName, ...EventName[]]),
  ts: z.iso.datetime({ offset: true }),
  props: z._default(z.record(z.string(), z.unknown()), {}),
});
export type ClientEvent = z.output<typeof clientEventSchema>;

/** The `POST /v1/events` body: `{ "events": [ … ] }`, 1 to {@link EVENT_BATCH_LIMITS}.maxEvents events. */
export const eventBatchSchema = z.strictObject({
  events: z.array(z.unknown()).check(z.minLength(1), z.maxLength(EVENT_BATCH_LIMITS.maxEvents)),
});

/**
 * The standard queries: one SQL file each in `analytics/queries/<name>.sql`, written in the SQL subset Athena
 * (Trino) and DuckDB share (docs/analytics.md). Named queries in Athena, `npm run analytics -- <name>` locally,
 * `GET /admin/analytics/{query}` for the console. A test checks this list against the files.
 */
export const ANALYTICS_QUERIES = {
  active_users: 'DAU, WAU, MAU and stickiness (DAU / MAU) per tenant and vertical',
  feature_adoption: 'Share of active users using each feature, per tenant and vertical',
  retention: 'Weekly retention cohorts (first-seen week, users active N weeks later)',
  funnel: 'Report funnel: page_view → report_created → report_viewed → report_created within 7 days',
  ab_results: 'Exposed and converted users per experiment and variant (statistics computed on top)',
  events_per_day: 'Events and users per day and event name',
} as const;

/** One standard query name. */
export type AnalyticsQueryName = keyof typeof ANALYTICS_QUERIES;
export const ANALYTICS_QUERY_NAMES = Object.keys(ANALYTICS_QUERIES) as AnalyticsQueryName[];

/** Type guard for {@link AnalyticsQueryName}. */
export function isAnalyticsQueryName(v: unknown): v is AnalyticsQueryName {
  return typeof v === 'string' && Object.hasOwn(ANALYTICS_QUERIES, v);
}

/**
 * The scheduled weekly report (`lambdas/analytics-report/`): its Lambda's timeout and how long each of its three
 * Athena queries may run. The queries run one after another: 3 × `queryWaitMs` stays under the timeout.
 */
export const WEEKLY_REPORT_LIMITS = {
  /** Lambda timeout, seconds (Lambda's maximum is 900). */
  timeoutSec: 600,
  /** Athena wait per query, ms. */
  queryWaitMs: 180_000,
  /** Poll interval while a query runs, ms. */
  pollMs: 1_000,
} as const;

/** Key prefix of the weekly reports in their bucket: `weekly/<monday>/weekly-<monday>.{html,csv}`. */
export const WEEKLY_REPORT_PREFIX = 'weekly/';

/**
 * When and how EventBridge Scheduler runs the weekly report (`lib/constructs/weekly-report.ts`). The report covers
 * the last complete ISO week in UTC, so the schedule is in UTC too: Monday 06:00, six hours after the week closed
 * (Firehose buffers at most 900 s, so the week's last events are in S3 by then).
 */
export const WEEKLY_REPORT_SCHEDULE = {
  /** EventBridge Scheduler cron expression (minutes, hours, day of month, month, day of week, year). */
  cron: 'cron(0 6 ? * MON *)',
  /** IANA time zone of the cron expression. */
  timezone: 'Etc/UTC',
  /**
   * Scheduler retries when invoking the Lambda fails (throttled, service error); the run itself is retried by
   * Lambda's asynchronous invocation ({@link WEEKLY_REPORT_SCHEDULE.lambdaRetryAttempts}).
   */
  retryAttempts: 5,
  /** How long Scheduler keeps retrying one invocation, seconds (60–86 400), then dead-letters it. */
  maxEventAgeSec: 2 * 3600,
  /**
   * Lambda's retries of a failed run (asynchronous invocation, 0–2), about 1 and 2 minutes apart; a retry writes the
   * same week to the same keys. Then the event goes to the dead-letter queue.
   */
  lambdaRetryAttempts: 2,
} as const;

/** Physical names of a stage's weekly-report resources (CDK builds them; the alarm and the runbook read them). */
export function weeklyReportNames(stage: string): {
  /** EventBridge Scheduler schedule (in the `default` schedule group). */
  readonly schedule: string;
  /** SNS topic notified with the links of each report. */
  readonly topic: string;
  /**
   * Dead-letter queue of failed runs: the schedule's target (invocations Scheduler gave up on), the Lambda's
   * asynchronous invocations (runs that failed after their retries) and the topic's undeliverable notifications.
   */
  readonly deadLetterQueue: string;
} {
  return {
    schedule: `marketedge-${stage}-analytics-weekly-report`,
    topic: `marketedge-${stage}-analytics-reports`,
    deadLetterQueue: `marketedge-${stage}-analytics-report-dlq`,
  };
}
