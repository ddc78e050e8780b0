import { auditKeys } from '../../lib/config/data-model';
import type { TenantContext } from '../shared/tenant-context';

/** Who made a change (from the authorizer context, never from the request body). */
export interface AuditActor {
  userId: string;
  tenantId: string;
  roles: string[];
}

/**
 * One audit record (`audit` table, append-only): `pk` = `TENANT#<id>` for tenant resources or `PLATFORM` for tiers;
 * `sk` = `<ISO time>#<requestId>` so a partition reads chronologically.
 */
export interface AuditEntry {
  pk: string;
  sk: string;
  actor: AuditActor;
  /** e.g. `tenant.create`, `tenant.update`, `tier.update`, `limits.update`, `bypass.create`, `bypass.delete`. */
  action: string;
  /** Route key, e.g. `PUT /admin/tenants/{tenantId}/limits`. */
  route: string;
  /** Concrete resource path, e.g. `/admin/tenants/acme/limits`. */
  resource: string;
  /** State before the change (`null` for creates). Secrets (API key values) are never recorded. */
  before: unknown;
  /** State after the change (`null` for deletes). */
  after: unknown;
  requestId: string;
  /** ISO 8601 time of the change. */
  at: string;
}

/** Inputs of {@link auditEntry}. */
export interface AuditInput {
  actor: TenantContext;
  action: string;
  route: string;
  resource: string;
  /** `TENANT#<id>` or `PLATFORM`. */
  partition: string;
  before: unknown;
  after: unknown;
  requestId: string;
  now: Date;
}

/** Builds an audit record. */
export function auditEntry(i: AuditInput): AuditEntry {
  const at = i.now.toISOString();
  return {
    pk: i.partition,
    sk: auditKeys.sortKey(at, i.requestId),
    actor: { userId: i.actor.userId, tenantId: i.actor.tenantId, roles: [...i.actor.roles] },
    action: i.action,
    route: i.route,
    resource: i.resource,
    before: i.before ?? null,
    after: i.after ?? null,
    requestId: i.requestId,
    at,
  };
}
