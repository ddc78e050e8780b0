import type { Route } from '../../lib/config/routes';
import type { TenantContext } from '../shared/tenant-context';
import { ApiError, forbidden } from './errors';

/** Why a request was refused (logged as a security event; never sent to the caller). */
export type RefusalReason =
  | 'no-authorizer-context'
  | 'role-not-allowed'
  | 'other-tenant'
  | 'tenant-admin-rule-scope'
  | 'tenant-admin-rule-exceeds';

/** A refusal: the response to send and the reason to log. */
export class AccessDenied extends Error {
  override name = 'AccessDenied';
  constructor(
    readonly reason: RefusalReason,
    readonly response: ApiError,
    readonly targetTenantId?: string,
  ) {
    super(reason);
  }
}

/**
 * Decides whether the caller may use a route for the tenant the request targets (path `{tenantId}`, or the audit
 * query's `tenantId`). Route roles come from the route table:
 * - `platform-admin`: every admin route, every tenant.
 * - `tenant-admin` (without `platform-admin`): routes listing `tenant-admin`, and only for its own tenant. Another
 *   tenant's id — existing or not — gets the same 403 as any refusal (no existence leak).
 * - everyone else (`user`, `service`/M2M): 403.
 * @throws {AccessDenied} 401 without an authorizer context, else 403
 */
export function authorize(
  actor: TenantContext | undefined,
  route: Route,
  targetTenantId: string | undefined,
): asserts actor is TenantContext {
  if (!actor) {
    throw new AccessDenied(
      'no-authorizer-context',
      new ApiError(401, 'Unauthorized', { detail: 'A valid access token is required.' }),
    );
  }
  const allowed = route.roles.some((r) => actor.roles.includes(r));
  if (!allowed) throw new AccessDenied('role-not-allowed', forbidden(), targetTenantId);
  if (actor.roles.includes('platform-admin')) return;
  // Only tenant-admin remains among admin roles: confined to its own tenant.
  if (targetTenantId !== undefined && targetTenantId !== actor.tenantId) {
    throw new AccessDenied('other-tenant', forbidden(), targetTenantId);
  }
}
