/**
 * The admin analytics read API's contract — `GET /admin/analytics/{query}` and `GET /admin/analytics/export` — as
 * zod schemas shared by the admin Lambda (which parses every response through them before sending it), the local
 * stack and the console (`web/`, which may parse what it receives with the same schemas). Pure zod, no AWS imports.
 * Routes: `lib/config/routes.ts`; semantics and examples: docs/analytics.md ("Admin read API").
 *
 * Who sees what (enforced server-side in `lambdas/shared/analytics/scope.ts`, never by the client):
 * - tenant admins: their own tenant only — `tenantId` may be omitted or equal to their own; another tenant → 403;
 * - platform admins: every tenant (no `tenantId`), one tenant, or one `vertical`.
 */
import * as z from 'zod';
import { ANALYTICS_QUERY_NAMES, type AnalyticsQueryName } from './analytics';
import { TENANT_ID_PATTERN, VERTICALS } from './data-model';

/** A UTC day, `yyyy-mm-dd` (a real calendar date). */
export const utcDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date yyyy-mm-dd')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'must be a real date',
  );
const day = utcDaySchema;
/** Counts and ratios: numbers in the response (DuckDB's BIGINTs and Athena's text cells are coerced). */
const num = z.coerce.number();
const nullableNum = z.union([z.null(), z.coerce.number()]);

/** The rows a response covers, after the server applied the caller's confinement. */
export const analyticsScopeSchema = z.object({
  /** `null` = every tenant (platform admins only). */
  tenantId: z.string().nullable(),
  /** `null` = every vertical. */
  vertical: z.string().nullable(),
  /** First UTC day, inclusive. */
  from: day,
  /** Last UTC day, inclusive. */
  to: day,
});
export type AnalyticsScope = z.output<typeof analyticsScopeSchema>;

/**
 * Query-string filters of both routes (all optional; the range defaults to the last 30 days, at most 400 days).
 * Unknown keys → 400 with the key's path (`query.<key>`).
 */
/** The reason a filter range is refused when `from` is after `to` (field `from`): the server's 400 and the console's check. */
export const FROM_AFTER_TO_MESSAGE = 'must not be after to';

export const analyticsFilterShape = {
  tenantId: z.string().regex(TENANT_ID_PATTERN, 'must be a tenant id').optional(),
  vertical: z.enum(VERTICALS).optional(),
  from: day.optional(),
  to: day.optional(),
} as const;

/** Segment columns every standard query returns. */
const segment = { tenant_id: z.string(), vertical: z.string() };

/** One row per standard query (`analytics/queries/<name>.sql`), numbers as numbers. */
export const ANALYTICS_ROW_SCHEMAS = {
  active_users: z.object({
    ...segment,
    /** Days with at least one event. */
    active_days: num,
    /** Average distinct users per active day. */
    dau: num,
    /** Average distinct users per ISO week. */
    wau: num,
    /** Average distinct users per calendar month. */
    mau: num,
    /** dau / mau (0..1). */
    stickiness: nullableNum,
  }),
  feature_adoption: z.object({
    ...segment,
    feature: z.string(),
    /** Distinct users who used the feature. */
    users: num,
    /** `feature_used` events. */
    uses: num,
    /** Distinct active users of the segment. */
    active_users: num,
    /** users / active_users (0..1). */
    adoption: num,
  }),
  retention: z.object({
    ...segment,
    /** Monday of the first-seen week, `yyyy-mm-dd`. */
    cohort_week: z.string(),
    /** Weeks after the cohort week (0 = the cohort week). */
    week_offset: num,
    /** Cohort users active that week. */
    users: num,
    cohort_users: num,
    /** users / cohort_users (0..1). */
    retention: num,
  }),
  funnel: z.object({
    ...segment,
    step_1_page_view: num,
    step_2_report_created: num,
    step_3_report_viewed: num,
    step_4_report_created: num,
    /** Share of step-1 users reaching step N (0..1). */
    conversion_2: num,
    conversion_3: num,
    conversion_4: num,
  }),
  ab_results: z.object({
    ...segment,
    experiment: z.string(),
    variant: z.string(),
    exposed: num,
    converted_report_created: num,
    converted_report_viewed: num,
    converted_feature_used: num,
  }),
  events_per_day: z.object({
    ...segment,
    /** UTC day, `yyyy-mm-dd`. */
    dt: z.string(),
    /** Event name (`lib/config/analytics.ts` catalog). */
    name: z.string(),
    /** Distinct events (duplicates by `event_id` counted once). */
    events: num,
    /** Distinct users. */
    users: num,
  }),
} as const satisfies Record<AnalyticsQueryName, z.ZodType>;

/** One row of query `Q`. */
export type AnalyticsRow<Q extends AnalyticsQueryName> = z.output<(typeof ANALYTICS_ROW_SCHEMAS)[Q]>;

const interval = z.tuple([z.number(), z.number()]);

/** Statistics of one experiment over the scope (`ab_results` only; see `lambdas/shared/analytics/stats.ts`). */
export const experimentReportSchema = z.union([
  z.object({
    experiment: z.string(),
    conversionEvent: z.string(),
    control: z.object({
      variant: z.string(),
      exposed: z.number(),
      converted: z.number(),
      conversion: z.number(),
    }),
    treatments: z.array(
      z.object({
        variant: z.string(),
        exposed: z.number(),
        converted: z.number(),
        conversion: z.number(),
        /** Relative lift over the control; `null` when the control converts nobody. */
        lift: z.number().nullable(),
        liftCi: interval.nullable(),
        difference: z.number(),
        /** Newcombe hybrid score interval of the difference (within [-1, 1]). */
        differenceCi: interval,
        pValue: z.number(),
        /** `differenceCi` excludes 0 at the `confidence` level. */
        significant: z.boolean(),
      }),
    ),
    /** Sample-ratio mismatch: chi-squared test against the catalog weights, flagged below p = 0.001. */
    srm: z.object({ chiSquared: z.number(), df: z.number(), pValue: z.number(), mismatch: z.boolean() }),
    confidence: z.number(),
  }),
  /** Not enough data (e.g. a variant without exposures in the scope). */
  z.object({ experiment: z.string(), conversionEvent: z.string(), error: z.string() }),
]);
export type ExperimentReportBody = z.output<typeof experimentReportSchema>;

/** Where a query ran: embedded DuckDB on the local store, or Athena in AWS. */
export const ANALYTICS_ENGINES = ['duckdb', 'athena'] as const;

function queryResponse<Q extends AnalyticsQueryName>(query: Q) {
  return z.object({
    query: z.literal(query),
    scope: analyticsScopeSchema,
    engine: z.enum(ANALYTICS_ENGINES),
    /** Server time spent on the query, ms. */
    elapsedMs: z.number(),
    rows: z.array(ANALYTICS_ROW_SCHEMAS[query]),
    /** `ab_results` only: one entry per catalog experiment found in the rows. */
    experiments: z.array(experimentReportSchema).optional(),
  });
}

/**
 * `200` body of `GET /admin/analytics/{query}` — a union discriminated by `query`, so `rows` is typed per query.
 * Example: `{"query":"funnel","scope":{"tenantId":"acme","vertical":null,"from":"2026-11-03","to":"2026-12-02"},
 * "engine":"duckdb","elapsedMs":41,"rows":[{"tenant_id":"acme","vertical":"retail","step_1_page_view":12,…}]}`.
 * Errors are RFC 9457 problems: 400 `errors: [{path: "query.from" | "path.query" | …, message}]`, 401, 403 (another
 * tenant, or not an admin), 503 when the engine is unavailable.
 */
export const analyticsQueryResponseSchema = z.discriminatedUnion('query', [
  queryResponse('active_users'),
  queryResponse('feature_adoption'),
  queryResponse('retention'),
  queryResponse('funnel'),
  queryResponse('ab_results'),
  queryResponse('events_per_day'),
]);
export type AnalyticsQueryResponse = z.output<typeof analyticsQueryResponseSchema>;

/** Query-string of `GET /admin/analytics/{query}`. */
export const analyticsQueryParamsSchema = z.object(analyticsFilterShape).strict();

/** Path parameter of `GET /admin/analytics/{query}`: one of the standard queries. */
export const analyticsQueryPathSchema = z
  .object({ query: z.enum(ANALYTICS_QUERY_NAMES as [AnalyticsQueryName, ...AnalyticsQueryName[]]) })
  .strict();

/** Export file formats. */
export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Query-string of `GET /admin/analytics/export` (`format` defaults to `csv`). */
export const analyticsExportParamsSchema = z
  .object({ ...analyticsFilterShape, format: z.enum(EXPORT_FORMATS).default('csv') })
  .strict();

/**
 * How long the admin API waits for one Athena query or export (`GET /admin/analytics/…`), ms, before it answers 503
 * with `Retry-After`: under the admin Lambda's timeout (`ADMIN_TIMEOUT_SEC`, 28 s, `lib/config/lambdas.ts`), itself
 * under API Gateway's 29 s integration timeout, leaving 4 s for the rest of the request.
 */
export const ANALYTICS_QUERY_WAIT_MS = 24_000;

/** How long an export's download links stay valid, seconds. */
export const EXPORT_URL_TTL_SEC = 900;

/**
 * `200` body of `GET /admin/analytics/export`: the scoped raw events (stored columns, `tenant_id` and `dt` included; never a raw
 * user id — `user_hash` is pseudonymised) as one or more files to download with a plain GET, no token needed until
 * `expiresAt`. Locally one file streamed from disk by the local stack; in AWS the objects an Athena `UNLOAD` wrote,
 * as S3 presigned URLs (Athena may split a large export into several files — download each, in order).
 */
export const analyticsExportResponseSchema = z.object({
  scope: analyticsScopeSchema,
  format: z.enum(EXPORT_FORMATS),
  engine: z.enum(ANALYTICS_ENGINES),
  /** Download links, valid until `expiresAt` (ISO-8601 UTC). */
  files: z.array(z.object({ url: z.string(), bytes: z.number().int().nonnegative().optional() })),
  expiresAt: z.string(),
  /** Rows exported (when the engine reports it). */
  rows: z.number().int().nonnegative().optional(),
  /** Server time spent, ms. */
  elapsedMs: z.number(),
});
export type AnalyticsExportResponse = z.output<typeof analyticsExportResponseSchema>;
