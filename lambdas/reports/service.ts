import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { METRIC } from '../../lib/config/metrics';
import { jsonBody } from '../shared/http/body';
import { decodeCursor, encodeCursor } from '../shared/http/cursor';
import { type CallerRequest, createHttpHandler, requireCaller } from '../shared/http/handler';
import { HttpError } from '../shared/http/problem';
import { jsonResponse, noContent } from '../shared/http/response';
import type { Endpoint, ProxyHandler, RequestStep } from '../shared/http/types';
import { parse } from '../shared/http/validate';
import type { Observability } from '../shared/observability';
import type { Report, ReportPage } from './report';
import { isReportId, newReportId, REPORT_ID_PATTERN } from './report-id';
import type { ReportsRepository } from './repository';
import { createReportSchema, DEFAULT_PAGE_SIZE, listQuerySchema } from './schemas';

/** Dependencies of the reports service (ports, so tests and the local stack can swap them). */
export interface ReportsServiceDeps {
  repository: ReportsRepository;
  obs: Observability;
  /** Clock, ms since epoch (default `Date.now`). */
  now?: () => number;
  /** The rate-limit step (the Lambda passes the shared limiter's; default none). */
  rateLimit?: RequestStep;
  /**
   * The caller's tenant display data for `GET /v1/me` (name and branding, which the console themes with); omitted or
   * `undefined` → `/v1/me` carries only the authorizer context.
   */
  tenantProfile?: (tenantId: string) => Promise<TenantProfile | undefined>;
}

/** Display data of a tenant: its name and branding (colours, logo), never its API key or other internals. */
export interface TenantProfile {
  name: string;
  branding?: { displayName?: string; primaryColor?: string; logoUrl?: string };
}

/** Position of a `GET /v1/reports` cursor: the last report id of the previous page. */
const cursorKey = z.object({ reportId: z.string().regex(REPORT_ID_PATTERN) }).strict();

const notFound = () => new HttpError(404, 'Not Found', { detail: 'No such report.' });

/**
 * The reports service as one REST proxy handler over the route table (`lambdas/shared/http/handler.ts`):
 * - `GET /v1/me` → 200 `{ tenantId, userId, roles, permissions, tier, vertical, principalType, tenantName?,
 *   branding? }` (the last two from {@link ReportsServiceDeps.tenantProfile})
 * - `GET /v1/reports?limit=1..100&cursor=…` → 200 {@link ReportPage} (newest first); bad limit/cursor → 400
 *   (a cursor is bound to the tenant it was issued to)
 * - `POST /v1/reports` `{ title, body, tags? }` → 201 {@link Report} + `Location`; body rules of
 *   `lambdas/shared/http/body.ts` (400 with field paths, 413, 415)
 * - `GET /v1/reports/{reportId}` → 200 {@link Report}; unknown, malformed or another tenant's id → 404
 * - `DELETE /v1/reports/{reportId}` (tenant-admin, platform-admin) → 204; unknown/other tenant's → 404
 *
 * Every storage call is keyed by the caller's tenant from the authorizer context, so other tenants' reports are
 * indistinguishable from missing ones (404). Errors are RFC 9457 problem bodies.
 */
export function createReportsService(deps: ReportsServiceDeps): ProxyHandler {
  const { repository: repo, obs } = deps;
  const now = deps.now ?? Date.now;

  const endpoints: Record<string, Endpoint<CallerRequest>> = {
    'GET /v1/me': async ({ tenant }) => {
      const profile = await deps.tenantProfile?.(tenant.tenantId);
      if (!profile) return jsonResponse(200, tenant);
      return jsonResponse(200, {
        ...tenant,
        tenantName: profile.name,
        ...(profile.branding ? { branding: profile.branding } : {}),
      });
    },

    'GET /v1/reports': async ({ event, tenant }) => {
      const q = parse(listQuerySchema, event.queryStringParameters ?? {});
      const after = decodeCursor(q.cursor, tenant.tenantId, cursorKey, 'cursor');
      const page = await repo.list(tenant.tenantId, q.limit ?? DEFAULT_PAGE_SIZE, after?.reportId);
      const body: ReportPage = { items: page.items };
      const next = encodeCursor(
        page.lastReportId ? { reportId: page.lastReportId } : undefined,
        tenant.tenantId,
      );
      if (next) body.nextCursor = next;
      return jsonResponse(200, body);
    },

    'POST /v1/reports': async ({ event, tenant }) => {
      const input = jsonBody(event, createReportSchema);
      const at = now();
      const report: Report = {
        tenantId: tenant.tenantId,
        reportId: newReportId(at),
        title: input.title,
        body: input.body,
        tags: input.tags,
        createdBy: tenant.userId,
        createdAt: new Date(at).toISOString(),
      };
      await repo.create(report);
      obs.metrics.addMetric(METRIC.ReportCreated, MetricUnit.Count, 1);
      obs.logger.info('report created', { reportId: report.reportId });
      return jsonResponse(201, report, { location: `/v1/reports/${report.reportId}` });
    },

    'GET /v1/reports/{reportId}': async ({ event, tenant }) => {
      const id = event.pathParameters?.reportId;
      if (!isReportId(id)) throw notFound();
      const report = await repo.get(tenant.tenantId, id);
      if (!report) throw notFound();
      return jsonResponse(200, report);
    },

    'DELETE /v1/reports/{reportId}': async ({ event, tenant }) => {
      const id = event.pathParameters?.reportId;
      if (!isReportId(id) || !(await repo.delete(tenant.tenantId, id))) throw notFound();
      obs.metrics.addMetric(METRIC.ReportDeleted, MetricUnit.Count, 1);
      obs.logger.info('report deleted', { reportId: id });
      return noContent();
    },
  };

  return createHttpHandler({
    obs,
    serves: (r) => r.backend.kind === 'lambda' && r.backend.target === 'reports',
    endpoints,
    authorize: requireCaller,
    ...(deps.rateLimit ? { rateLimit: deps.rateLimit } : {}),
  });
}
