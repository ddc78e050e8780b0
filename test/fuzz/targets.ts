import type * as z from 'zod';
import {
  auditQuerySchema,
  bypassCreateSchema,
  limitsPutSchema,
  securityQuerySchema,
  tenantCreateSchema,
  tenantListQuerySchema,
  tenantPatchSchema,
  tierPutSchema,
  unblockSchema,
  usageQuerySchema,
} from '../../lambdas/admin/schemas';
import { createReportSchema, listQuerySchema } from '../../lambdas/reports/schemas';
import { eventBatchSchema } from '../../lib/config/analytics';
import { analyticsExportParamsSchema, analyticsQueryParamsSchema } from '../../lib/config/analytics-api';
import { ROUTES, type Route, routeKey } from '../../lib/config/routes';

/**
 * The zod schemas of each route's input, by route key: what the fuzzer derives bodies and query parameters from.
 * A route that takes a body must appear here (a test checks it), so a new route is fuzzed with its schema.
 */
export const ROUTE_SCHEMAS: Readonly<Record<string, { body?: z.core.$ZodType; query?: z.core.$ZodType }>> = {
  'GET /v1/reports': { query: listQuerySchema },
  'POST /v1/reports': { body: createReportSchema },
  'POST /v1/events': { body: eventBatchSchema },
  'PUT /admin/tiers/{tier}': { body: tierPutSchema },
  'GET /admin/tenants': { query: tenantListQuerySchema },
  'POST /admin/tenants': { body: tenantCreateSchema },
  'PATCH /admin/tenants/{tenantId}': { body: tenantPatchSchema },
  'PUT /admin/tenants/{tenantId}/limits': { body: limitsPutSchema },
  'POST /admin/tenants/{tenantId}/bypass': { body: bypassCreateSchema },
  'GET /admin/tenants/{tenantId}/usage': { query: usageQuerySchema },
  'GET /admin/audit': { query: auditQuerySchema },
  'GET /admin/security': { query: securityQuerySchema },
  'POST /admin/security/unblock': { body: unblockSchema },
  'GET /admin/analytics/{query}': { query: analyticsQueryParamsSchema },
  'GET /admin/analytics/export': { query: analyticsExportParamsSchema },
};

/** Routes whose method carries a body (the edge proxy's `ANY` forwards whatever it gets). */
export function takesBody(r: Route): boolean {
  return r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
}

/** Every route of the table, the fuzz targets. */
export const TARGETS: readonly Route[] = ROUTES;

/** The route key of a route (re-exported for the suites). */
export { routeKey };
