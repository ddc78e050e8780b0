import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { badRequest, fieldErrors, problem } from '../shared/http/problem';
import type { Observability } from '../shared/observability';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor';
import { json, parseJsonBody } from './http';
import type { Report, ReportPage } from './report';
import { isReportId, newReportId } from './report-id';
import type { ReportsRepository } from './repository';
import { createRouter, type ProxyHandler, type Request } from './router';
import { createReportSchema, DEFAULT_PAGE_SIZE, listQuerySchema } from './schemas';

/** Dependencies of the reports service (ports, so tests and the local stack can swap them). */
export interface ReportsServiceDeps {
  repository: ReportsRepository;
  obs: Observability;
  /** Clock, ms since epoch (default `Date.now`). */
  now?: () => number;
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

/**
 * The reports service as one REST proxy handler (to be wrapped by `withRateLimit`):
 * - `GET /v1/me` → 200 `{ tenantId, userId, roles, permissions, tier, vertical, principalType, tenantName?,
 *   branding? }` (the last two from {@link ReportsServiceDeps.tenantProfile})
 * - `GET /v1/reports?limit=1..100&cursor=…` → 200 {@link ReportPage} (newest first); bad limit/cursor → 400
 * - `POST /v1/reports` `{ title, body, tags? }` → 201 {@link Report} + `Location`; invalid → 400 with field paths,
 *   non-JSON `Content-Type` → 415
 * - `GET /v1/reports/{reportId}` → 200 {@link Report}; unknown, malformed or another tenant's id → 404
 * - `DELETE /v1/reports/{reportId}` (tenant-admin, platform-admin) → 204; unknown/other tenant's → 404
 *
 * Every storage call is keyed by the caller's tenant from the authorizer context, so other tenants' reports are
 * indistinguishable from missing ones (404). Errors are RFC 9457 problem bodies.
 */
export function createReportsService(deps: ReportsServiceDeps): ProxyHandler {
  const { repository: repo, obs } = deps;
  const now = deps.now ?? Date.now;
  const notFound = (req: Request): APIGatewayProxyResult =>
    problem(404, 'Not Found', {
      detail: 'No such report.',
      requestId: req.event.requestContext?.requestId,
    });

  return createRouter(
    {
      'GET /v1/me': async ({ tenant }) => {
        const profile = await deps.tenantProfile?.(tenant.tenantId);
        if (!profile) return json(200, tenant);
        return json(200, {
          ...tenant,
          tenantName: profile.name,
          ...(profile.branding ? { branding: profile.branding } : {}),
        });
      },

      'GET /v1/reports': async (req) => {
        const q = listQuerySchema.safeParse(req.event.queryStringParameters ?? {});
        if (!q.success) return badRequest(fieldErrors(q.error.issues));
        let after: string | undefined;
        if (q.data.cursor !== undefined) {
          try {
            after = decodeCursor(q.data.cursor);
          } catch (err) {
            if (err instanceof InvalidCursorError) {
              return badRequest([{ path: 'cursor', message: 'cursor is not valid' }]);
            }
            throw err;
          }
        }
        const page = await repo.list(req.tenant.tenantId, q.data.limit ?? DEFAULT_PAGE_SIZE, after);
        const body: ReportPage = { items: page.items };
        if (page.lastReportId) body.nextCursor = encodeCursor(page.lastReportId);
        return json(200, body);
      },

      'POST /v1/reports': async (req) => {
        const parsed = parseJsonBody(req.event);
        if (!parsed.ok) {
          return parsed.status === 415
            ? problem(415, 'Unsupported Media Type', { detail: parsed.message })
            : badRequest([{ path: '(body)', message: parsed.message }]);
        }
        const input = createReportSchema.safeParse(parsed.value);
        if (!input.success) return badRequest(fieldErrors(input.error.issues));
        const at = now();
        const report: Report = {
          tenantId: req.tenant.tenantId,
          reportId: newReportId(at),
          title: input.data.title,
          body: input.data.body,
          tags: input.data.tags,
          createdBy: req.tenant.userId,
          createdAt: new Date(at).toISOString(),
        };
        await repo.create(report);
        obs.metrics.addMetric('ReportCreated', MetricUnit.Count, 1);
        obs.logger.info('report created', { reportId: report.reportId });
        return json(201, report, { location: `/v1/reports/${report.reportId}` });
      },

      'GET /v1/reports/{reportId}': async (req) => {
        const id = req.event.pathParameters?.reportId;
        if (!isReportId(id)) return notFound(req);
        const report = await repo.get(req.tenant.tenantId, id);
        return report ? json(200, report) : notFound(req);
      },

      'DELETE /v1/reports/{reportId}': async (req) => {
        const id = req.event.pathParameters?.reportId;
        if (!isReportId(id)) return notFound(req);
        if (!(await repo.delete(req.tenant.tenantId, id))) return notFound(req);
        obs.metrics.addMetric('ReportDeleted', MetricUnit.Count, 1);
        obs.logger.info('report deleted', { reportId: id });
        return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
      },
    },
    obs,
  );
}
