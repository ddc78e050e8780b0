import type { FlagName } from '../../../lib/config/flags';
import { MAINTENANCE } from '../../../lib/config/gateway';
import { problem } from './problem';
import type { ProxyResult } from './types';

/** Reads one flag (the process-wide `flags` of `lambdas/shared/flags.ts`, or a test double). */
export interface MaintenanceFlags {
  isEnabled(name: FlagName): Promise<boolean>;
}

/**
 * The maintenance switch: when `api_gateway_enabled` is off, every route except {@link MAINTENANCE}`.exemptRouteKeys`
 * answers 503 `application/problem+json` (type `https://docs.marketedge.io/problems/maintenance`) with
 * `Retry-After: <retryAfterSec>`, before the rate limiter, permissions or any endpoint run.
 * @param routeKey the resolved route (`"METHOD /path-template"`)
 * @param requestId API Gateway request id (echoed in the body)
 * @returns the 503 response, or `undefined` when the request may proceed (flag on, or an exempt route)
 */
export async function maintenanceAnswer(
  flags: MaintenanceFlags,
  routeKey: string,
  requestId: string,
): Promise<ProxyResult | undefined> {
  if (MAINTENANCE.exemptRouteKeys.includes(routeKey)) return undefined;
  if (await flags.isEnabled('api_gateway_enabled')) return undefined;
  return problem(
    503,
    'Service Unavailable',
    {
      type: 'https://docs.marketedge.io/problems/maintenance',
      detail: 'The API is down for maintenance; retry after the Retry-After delay.',
      requestId,
    },
    { 'retry-after': String(MAINTENANCE.retryAfterSec) },
  );
}
