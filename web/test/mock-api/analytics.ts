import type { APIGatewayProxyResult } from 'aws-lambda';
import { experimentReports } from '../../../lambdas/shared/analytics/ab';
import { type QueryScope, resolveScope, ScopeError } from '../../../lambdas/shared/analytics/scope';
import { badRequest, fieldErrors, problem } from '../../../lambdas/shared/http/problem';
import type { AnalyticsQueryName } from '../../../lib/config/analytics';
import {
  type AnalyticsRow,
  analyticsExportParamsSchema,
  analyticsExportResponseSchema,
  analyticsQueryParamsSchema,
  analyticsQueryPathSchema,
  analyticsQueryResponseSchema,
  EXPORT_URL_TTL_SEC,
} from '../../../lib/config/analytics-api';
import type { Role } from '../../../lib/config/roles';
import type { Tenant } from '../../src/api/types';

/** Rows of every standard query over all tenants (what the engine would read; the handler applies the scope). */
export type AnalyticsRows = { [Q in AnalyticsQueryName]: AnalyticsRow<Q>[] };

/** A small deterministic number from a string (seeded sample data). */
function seed(s: string): number {
  let h = 7;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) % 9973;
  return h;
}

/** Mondays (UTC, `yyyy-mm-dd`) of the `n` ISO weeks up to the one holding `now`, oldest first. */
function mondays(now: number, n: number): string[] {
  const d = new Date(now);
  const monday =
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * 864e5;
  return Array.from({ length: n }, (_, i) =>
    new Date(monday - (n - 1 - i) * 7 * 864e5).toISOString().slice(0, 10),
  );
}

/** Plausible analytics rows for `tenants` (deterministic from their ids and `now`): the gallery's and tests' default. */
export function sampleAnalytics(tenants: readonly Tenant[], now: number): AnalyticsRows {
  const rows: AnalyticsRows = {
    active_users: [],
    feature_adoption: [],
    retention: [],
    funnel: [],
    ab_results: [],
    events_per_day: [],
  };
  const weeks = mondays(now, 4);
  for (const t of tenants) {
    const segment = { tenant_id: t.tenantId, vertical: t.vertical };
    const h = seed(t.tenantId);
    const dau = 4 + (h % 9);
    const mau = dau * 3 + (h % 5);
    rows.active_users.push({ ...segment, active_days: 20, dau, wau: dau * 2, mau, stickiness: dau / mau });
    ['report_export', 'usage_view', 'report_search'].forEach((feature, i) => {
      const users = Math.max(1, Math.round(mau / (i + 2)));
      rows.feature_adoption.push({
        ...segment,
        feature,
        users,
        uses: users * 3,
        active_users: mau,
        adoption: users / mau,
      });
    });
    const s2 = Math.round(mau * 0.6);
    const s3 = Math.round(s2 * 0.7);
    const s4 = Math.round(s3 * 0.5);
    rows.funnel.push({
      ...segment,
      step_1_page_view: mau,
      step_2_report_created: s2,
      step_3_report_viewed: s3,
      step_4_report_created: s4,
      conversion_2: s2 / mau,
      conversion_3: s3 / mau,
      conversion_4: s4 / mau,
    });
    weeks.forEach((cohort_week, w) => {
      const cohort_users = 5 + ((h + w) % 6);
      for (let week_offset = 0; week_offset < weeks.length - w; week_offset++) {
        const users = Math.max(0, cohort_users - week_offset * 2);
        rows.retention.push({
          ...segment,
          cohort_week,
          week_offset,
          users,
          cohort_users,
          retention: users / cohort_users,
        });
      }
    });
  }
  return rows;
}

function inScope(
  r: { tenant_id: string; vertical: string },
  s: { tenantId: string | null; vertical: string | null },
) {
  return (
    (s.tenantId === null || r.tenant_id === s.tenantId) && (s.vertical === null || r.vertical === s.vertical)
  );
}

/** The caller's scope by the server's own rules, or the answer refusing it (400 `query.<field>`, 403). */
function scopeOf(
  caller: { tenantId: string; roles: readonly Role[] },
  filters: Record<string, unknown>,
  now: number,
): QueryScope | APIGatewayProxyResult {
  try {
    return resolveScope(caller, filters, now);
  } catch (e) {
    if (!(e instanceof ScopeError)) throw e;
    if (e.status === 403) return problem(403, 'Forbidden', { detail: 'Forbidden.' });
    return badRequest([{ path: `query.${e.path}`, message: e.message }]);
  }
}

function ok(body: unknown): APIGatewayProxyResult {
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * `GET /admin/analytics/{query}` of the mock: the server's own scope resolution (`resolveScope`: a tenant admin is
 * confined to its tenant, another tenant's id is 403), 400 with `path.query` / `query.<field>` paths, rows filtered to
 * the scope and the body checked against the API's response schema.
 */
export function analyticsQuery(
  rows: AnalyticsRows,
  caller: { tenantId: string; roles: readonly Role[] },
  params: Record<string, string>,
  url: URL,
  now: number,
): APIGatewayProxyResult {
  const path = analyticsQueryPathSchema.safeParse(params);
  if (!path.success) return badRequest(fieldErrors(path.error.issues, 'path'));
  const filters = analyticsQueryParamsSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!filters.success) return badRequest(fieldErrors(filters.error.issues, 'query'));
  const scope = scopeOf(caller, filters.data, now);
  if ('statusCode' in scope) return scope;
  const query = path.data.query;
  const shown = (rows[query] as { tenant_id: string; vertical: string }[]).filter((r) => inScope(r, scope));
  return ok(
    analyticsQueryResponseSchema.parse({
      query,
      scope,
      engine: 'duckdb',
      elapsedMs: 1,
      rows: shown,
      ...(query === 'ab_results' ? { experiments: experimentReports(shown as never) } : {}),
    }),
  );
}

/** `GET /admin/analytics/export` of the mock: the same scope rules, one download link valid 15 minutes. */
export function analyticsExport(
  caller: { tenantId: string; roles: readonly Role[] },
  url: URL,
  now: number,
): APIGatewayProxyResult {
  const params = analyticsExportParamsSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!params.success) return badRequest(fieldErrors(params.error.issues, 'query'));
  const { format, ...filters } = params.data;
  const scope = scopeOf(caller, filters, now);
  if ('statusCode' in scope) return scope;
  return ok(
    analyticsExportResponseSchema.parse({
      scope,
      format,
      engine: 'duckdb',
      files: [{ url: `${url.origin}/_mock/analytics/events.${format}` }],
      expiresAt: new Date(now + EXPORT_URL_TTL_SEC * 1000).toISOString(),
      elapsedMs: 1,
    }),
  );
}
