import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EVENT_BATCH_LIMITS, type EventName } from '../../lib/config/analytics';
import type { ExperimentAssignments } from '../../lib/config/experiments';
import { METRIC } from '../../lib/config/metrics';
import * as z from '../../lib/config/zod';
import type { Ingestor } from '../shared/analytics/ingest';
import type { AnalyticsIdentity } from '../shared/analytics/record';
import { jsonBody } from '../shared/http/body';
import { decodeCursor, encodeCursor } from '../shared/http/cursor';
import { type CursorKeySource, processCursorKey } from '../shared/http/cursor-key';
import { type CallerRequest, createHttpHandler, requireCaller } from '../shared/http/handler';
import { HttpError, validationError } from '../shared/http/problem';
import { jsonResponse, noContent } from '../shared/http/response';
import type { Endpoint, ProxyHandler, RequestStep } from '../shared/http/types';
import { parse } from '../shared/http/validate';
import type { Observability } from '../shared/observability';
import type { TenantContext } from '../shared/tenant-context';
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
  /**
   * The stage's cursor signing key (`lambdas/shared/http/cursor-key.ts`).
   * @default {@link processCursorKey} (from the environment, read once per container)
   */
  cursorKey?: CursorKeySource;
  /**
   * Product analytics ingestion (`lambdas/shared/analytics`); omitted → `POST /v1/events` answers 204, no emits, and
   * `GET /v1/me` carries `experiments: {}`.
   */
  analytics?: Ingestor;
}

/** Display data of a tenant: its name and branding (colours, logo), never its API key or other internals. */
export interface TenantProfile {
  name: string;
  branding?: { displayName?: string; primaryColor?: string; logoUrl?: string };
}

/**
 * Body of `GET /v1/me`, the one home of its shape (the console's `Me` in `web/src/api/types.ts` is this type): the
 * caller's tenant context as the authorizer set it, the tenant's display data, and the caller's A/B assignments.
 */
export interface MeBody extends TenantContext {
  /** The tenant's name; absent when {@link ReportsServiceDeps.tenantProfile} has none. */
  tenantName?: string;
  /** The tenant's branding; absent when it has none. */
  branding?: TenantProfile['branding'];
  /**
   * Always present: experiment → the variant assigned to this user, e.g. `{ report_cta: 'prominent' }`, from
   * {@link Ingestor.assignments} (the same user hash and `variantOf` that stamp the user's stored exposures). Only
   * experiments whose catalog `flag` is on, and only when the caller's exposures would be stored: `{}` when
   * `business_analytics_enabled` is off (or no hashing secret, or no analytics port), the caller is a platform
   * operator (the platform's own tenant, or `platform-admin`: not counted in product analytics), the request carries
   * do-not-track (`DNT: 1` / `Sec-GPC: 1`), the tenant opted out, or the assignment failed. An experiment missing
   * here means the control experience and no exposure event (docs/analytics.md, "Experiments").
   */
  experiments: ExperimentAssignments;
}

/** Position of a `GET /v1/reports` cursor: the last report id of the previous page. */
const cursorKey = z.strictObject({ reportId: z.string().check(z.regex(REPORT_ID_PATTERN)) });

/** The analytics identity of a caller: tenant, user, vertical, tier and roles from the authorizer context only. */
function analyticsIdentity(t: CallerRequest['tenant']): AnalyticsIdentity {
  return { tenantId: t.tenantId, userId: t.userId, vertical: t.vertical, tier: t.tier, roles: t.roles };
}

const notFound = () => new HttpError(404, 'Not Found', { detail: 'No such report.' });

/**
 * The reports service as one REST proxy handler over the route table (`lambdas/shared/http/handler.ts`):
 * - `GET /v1/me` → 200 {@link MeBody} `{ tenantId, userId, roles, permissions, tier, vertical, principalType,
 *   tenantName?, branding?, experiments }` (name and branding from {@link ReportsServiceDeps.tenantProfile}, the A/B
 *   assignments from the analytics port; `{}` when collection is off for the caller)
 * - `GET /v1/reports?limit=1..100&cursor=…` → 200 {@link ReportPage} (newest first); bad limit/cursor → 400
 *   (a cursor is bound to the tenant it was issued to)
 * - `POST /v1/reports` `{ title, body, tags? }` → 201 {@link Report} + `Location`; body rules of
 *   `lambdas/shared/http/body.ts` (400 with field paths, 413, 415)
 * - `GET /v1/reports/{reportId}` → 200 {@link Report}; unknown, malformed or another tenant's id → 404
 * - `DELETE /v1/reports/{reportId}` (tenant-admin, platform-admin) → 204; unknown/other tenant's → 404
 * - `POST /v1/events` `{ events: [{ event_id, name, ts, props }] }` → 202 `{ accepted, duplicates, dropped, reason? }`;
 *   204 when `business_analytics_enabled` is off (nothing validated or stored); 400 with `events.<i>.<field>`
 *   paths; 413 above 64 KiB (docs/analytics.md)
 *
 * Successful report reads and writes emit `report_viewed` / `report_created` / `report_deleted` without waiting.
 *
 * Every storage call is keyed by the caller's tenant from the authorizer context, so other tenants' reports are
 * indistinguishable from missing ones (404). Errors are RFC 9457 problem bodies.
 */
export function createReportsService(deps: ReportsServiceDeps): ProxyHandler {
  const { repository: repo, obs, analytics } = deps;
  /** Server-side product event: returns at once (the ingestor writes in a microtask, never failing the request). */
  const track = (
    tenant: CallerRequest['tenant'],
    headers: Record<string, string | undefined> | null,
    name: EventName,
    props?: Record<string, unknown>,
  ) => analytics?.emit(analyticsIdentity(tenant), name, props, headers);
  const now = deps.now ?? Date.now;
  const cursorKeyOf = deps.cursorKey ?? processCursorKey;

  const endpoints: Record<string, Endpoint<CallerRequest>> = {
    'GET /v1/me': async ({ event, tenant }) => {
      const profile = await deps.tenantProfile?.(tenant.tenantId);
      // After the profile: the opt-out look-up then hits the tenant just cached (one DynamoDB read, not two).
      const experiments = (await analytics?.assignments(analyticsIdentity(tenant), event.headers)) ?? {};
      const body: MeBody = {
        ...tenant,
        ...(profile ? { tenantName: profile.name } : {}),
        ...(profile?.branding ? { branding: profile.branding } : {}),
        experiments,
      };
      return jsonResponse(200, body);
    },

    'GET /v1/reports': async ({ event, tenant, routeKey }) => {
      const q = parse(listQuerySchema, event.queryStringParameters ?? {});
      const scope = { tenantId: tenant.tenantId, route: routeKey };
      const signingKey = await cursorKeyOf();
      const after = decodeCursor(q.cursor, scope, cursorKey, 'cursor', signingKey);
      const page = await repo.list(tenant.tenantId, q.limit ?? DEFAULT_PAGE_SIZE, after?.reportId);
      const body: ReportPage = { items: page.items };
      const next = encodeCursor(
        page.lastReportId ? { reportId: page.lastReportId } : undefined,
        scope,
        signingKey,
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
      track(tenant, event.headers, 'report_created', { tags: input.tags?.length ?? 0 });
      obs.metrics.addMetric(METRIC.ReportCreated, MetricUnit.Count, 1);
      obs.logger.info('report created', { reportId: report.reportId });
      return jsonResponse(201, report, { location: `/v1/reports/${report.reportId}` });
    },

    'GET /v1/reports/{reportId}': async ({ event, tenant }) => {
      const id = event.pathParameters?.reportId;
      if (!isReportId(id)) throw notFound();
      const report = await repo.get(tenant.tenantId, id);
      if (!report) throw notFound();
      track(tenant, event.headers, 'report_viewed');
      return jsonResponse(200, report);
    },

    'DELETE /v1/reports/{reportId}': async ({ event, tenant }) => {
      const id = event.pathParameters?.reportId;
      if (!isReportId(id) || !(await repo.delete(tenant.tenantId, id))) throw notFound();
      track(tenant, event.headers, 'report_deleted');
      obs.metrics.addMetric(METRIC.ReportDeleted, MetricUnit.Count, 1);
      obs.logger.info('report deleted', { reportId: id });
      return noContent();
    },

    'POST /v1/events': async ({ event, tenant }) => {
      if (!analytics || !(await analytics.enabled())) return noContent();
      // The shared body rules (413, 415, 400) with this route's lower size cap.
      const batch = jsonBody(event, undefined, { maxBytes: EVENT_BATCH_LIMITS.maxBodyBytes });
      const out = await analytics.ingestClientBatch(analyticsIdentity(tenant), batch, event.headers);
      if (out.status === 'disabled') return noContent();
      if (out.status === 'invalid') throw validationError(out.errors);
      const { status: _s, ...body } = out;
      return jsonResponse(202, body);
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
