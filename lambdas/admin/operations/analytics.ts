import * as z from 'zod';
import {
  ANALYTICS_ROW_SCHEMAS,
  type AnalyticsQueryResponse,
  analyticsExportParamsSchema,
  analyticsExportResponseSchema,
  analyticsQueryParamsSchema,
  analyticsQueryPathSchema,
  analyticsQueryResponseSchema,
} from '../../../lib/config/analytics-api';
import { experimentReports } from '../../shared/analytics/ab';
import { type QueryScope, resolveScope, ScopeError } from '../../shared/analytics/scope';
import { HttpError } from '../../shared/http/problem';
import { parse } from '../../shared/http/validate';
import type { AdminRequest, Operation } from '../context';
import { forbidden, unavailable } from '../errors';
import { json } from '../http';

/**
 * The caller's scope — the server-side half of tenant isolation: a tenant admin always gets their own tenant (another
 * tenant's id → 403, the same answer as any refusal), a platform admin what they asked for.
 * @throws {HttpError} 400 with `query.<field>` paths, 403
 */
function scopeOf(req: AdminRequest, filters: Record<string, unknown>): QueryScope {
  try {
    return resolveScope(req.actor, filters, req.now.getTime());
  } catch (e) {
    if (!(e instanceof ScopeError)) throw e;
    if (e.status === 403) throw forbidden();
    throw new HttpError(400, 'Bad Request', {
      detail: 'The request is invalid.',
      errors: [{ path: `query.${e.path}`, message: e.message }],
    });
  }
}

/** Runs an engine call; engine failures become 503 (logged by error name only, never the SQL parameters). */
async function engineCall<T>(req: AdminRequest, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof HttpError) throw e;
    req.deps.logger.warn('analytics engine failed', {
      what,
      error: (e as Error).name,
      message: (e as Error).message,
    });
    throw unavailable('The analytics engine is unavailable; retry shortly.', 5);
  }
}

/**
 * `GET /admin/analytics/{query}?tenantId=&vertical=&from=&to=` — one standard query over the caller's scope; the
 * body is `analyticsQueryResponseSchema` (`lib/config/analytics-api.ts`), rows typed per query; `ab_results` adds
 * the experiment statistics.
 */
export const queryAnalytics: Operation = async (req) => {
  const { query } = parse(analyticsQueryPathSchema, req.params, 'path');
  const filters = parse(analyticsQueryParamsSchema, req.query, 'query');
  const scope = scopeOf(req, filters);
  const t0 = performance.now();
  const raw = await engineCall(req, query, () => req.deps.analytics.query(query, scope));
  const rows = z.array(ANALYTICS_ROW_SCHEMAS[query] as z.ZodType).parse(raw) as Array<
    Record<string, unknown>
  >;
  const body: AnalyticsQueryResponse = analyticsQueryResponseSchema.parse({
    query,
    scope,
    engine: req.deps.analytics.engine,
    elapsedMs: Math.round(performance.now() - t0),
    rows,
    ...(query === 'ab_results' ? { experiments: experimentReports(rows as never) } : {}),
  });
  return json(body, { event: req.event });
};

/**
 * `GET /admin/analytics/export?tenantId=&vertical=&from=&to=&format=csv|parquet` — the scope's stored events as
 * download links (`analyticsExportResponseSchema`); the engine writes the files, nothing is held in memory here.
 */
export const exportAnalytics: Operation = async (req) => {
  const { format, ...filters } = parse(analyticsExportParamsSchema, req.query, 'query');
  const scope = scopeOf(req, filters);
  const t0 = performance.now();
  const out = await engineCall(req, 'export', () => req.deps.analytics.exportEvents(scope, format, req.now));
  const body = analyticsExportResponseSchema.parse({
    scope,
    format,
    engine: req.deps.analytics.engine,
    files: out.files,
    expiresAt: out.expiresAt.toISOString(),
    ...(out.rows !== undefined ? { rows: out.rows } : {}),
    elapsedMs: Math.round(performance.now() - t0),
  });
  req.deps.logger.info('analytics export', {
    tenantId: scope.tenantId ?? '(all)',
    vertical: scope.vertical ?? '(all)',
    from: scope.from,
    to: scope.to,
    format,
    files: out.files.length,
    rows: out.rows,
  });
  return json(body);
};
