import * as z from 'zod';
import { auditKeys } from '../../../lib/config/data-model';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { parse } from '../../shared/http/validate';
import { invalidateTenantCache } from '../../shared/tenants/repository';
import type { Tenant } from '../../shared/tenants/tenant';
import type { AdminRequest, Operation } from '../context';
import { conflict, notFound, preconditionFailed } from '../errors';
import { json, requireIfMatch, versionEtag } from '../http';
import { ConditionFailedError } from '../repository';
import { tenantCreateSchema, tenantListQuerySchema, tenantParamSchema, tenantPatchSchema } from '../schemas';
import { notifyLimiter } from './notify';

/** A tenant as the API shows it: everything but the API key value (a secret). */
export type PublicTenant = Omit<Tenant, 'apiKeyValue'>;

/** Drops the API key value. */
export function publicTenant(t: Tenant): PublicTenant {
  const { apiKeyValue: _secret, ...rest } = t;
  return rest;
}

/**
 * Loads a tenant the caller may see, or throws 404. Access to the tenant id was already checked (a tenant-admin
 * only reaches here for its own tenant), so a 404 leaks nothing.
 */
export async function loadTenant(req: AdminRequest, tenantId: string): Promise<Tenant> {
  const t = await req.deps.repo.getTenant(tenantId);
  if (!t) throw notFound(`Tenant "${tenantId}" does not exist.`);
  return t;
}

/** Position of a `GET /admin/tenants` cursor. */
const tenantCursorKey = z.object({ tenantId: z.string().max(1024) }).strict();

/** `GET /admin/tenants?tier=&vertical=&status=&limit=&nextToken=` — one page, `nextToken` when more. */
export const listTenants: Operation = async (req) => {
  const q = parse(tenantListQuerySchema, req.query, 'query');
  const scope = {
    tenantId: req.actor.tenantId,
    route: req.routeKey,
    query: { tier: q.tier, vertical: q.vertical, status: q.status },
  };
  const signingKey = await req.deps.cursorKey();
  const startKey = decodeCursor(q.nextToken, scope, tenantCursorKey, 'query.nextToken', signingKey);
  const page = await req.deps.repo.listTenants({
    limit: q.limit,
    ...(q.tier ? { tier: q.tier } : {}),
    ...(q.vertical ? { vertical: q.vertical } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(startKey ? { startKey } : {}),
  });
  const nextToken = encodeCursor(page.lastKey as Record<string, string> | undefined, scope, signingKey);
  return json(
    { items: page.items.map(publicTenant), ...(nextToken ? { nextToken } : {}) },
    { event: req.event },
  );
};

/** `GET /admin/tenants/{tenantId}` — ETag = tenant version. */
export const getTenant: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const t = await loadTenant(req, tenantId);
  return json(publicTenant(t), { etag: versionEtag(t.version), event: req.event });
};

/**
 * `POST /admin/tenants` — creates the tenant and its API key in the tier's usage plan. 409 when the id exists. The
 * key is created first and deleted again if the conditional tenant write fails, so no orphan key stays behind.
 */
export const createTenant: Operation = async (req) => {
  const body = parse(tenantCreateSchema, req.body());
  const { repo, apiKeys } = req.deps;
  if (await repo.getTenant(body.tenantId)) throw conflict(`Tenant "${body.tenantId}" already exists.`);
  const key = await apiKeys.createKey({
    tenantId: body.tenantId,
    tier: body.tier,
    enabled: body.status === 'active',
  });
  const at = req.now.toISOString();
  const tenant: Tenant = {
    tenantId: body.tenantId,
    name: body.name,
    tier: body.tier,
    vertical: body.vertical,
    status: body.status,
    apiKeyId: key.apiKeyId,
    apiKeyValue: key.apiKeyValue,
    version: 1,
    ...(body.branding ? { branding: body.branding } : {}),
    createdAt: at,
    updatedAt: at,
  };
  try {
    await repo.createTenant(
      tenant,
      req.audit({
        action: 'tenant.create',
        partition: auditKeys.tenantPartition(tenant.tenantId),
        before: null,
        after: publicTenant(tenant),
      }),
    );
  } catch (err) {
    await apiKeys.deleteKey(key.apiKeyId).catch(() => undefined);
    if (err instanceof ConditionFailedError) throw conflict(`Tenant "${body.tenantId}" already exists.`);
    throw err;
  }
  invalidateTenantCache(tenant.tenantId);
  return json(publicTenant(tenant), {
    status: 201,
    etag: versionEtag(tenant.version),
    headers: { location: `/admin/tenants/${encodeURIComponent(tenant.tenantId)}` },
  });
};

/**
 * `PATCH /admin/tenants/{tenantId}` (JSON merge patch; If-Match required) — name, tier (moves the API key to the
 * new tier's usage plan), status (suspend/resume also disables/enables the key), branding. API Gateway changes are
 * made first and undone if the conditional write fails.
 */
export const patchTenant: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const patch = parse(tenantPatchSchema, req.body());
  const { repo, apiKeys } = req.deps;
  const current = await loadTenant(req, tenantId);
  const expected = requireIfMatch(req.event, current.version);
  const next: Tenant = {
    ...current,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.tier !== undefined ? { tier: patch.tier } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.analyticsOptOut !== undefined ? { analyticsOptOut: patch.analyticsOptOut } : {}),
    version: expected + 1,
    updatedAt: req.now.toISOString(),
  };
  if (patch.branding === null) delete next.branding;
  else if (patch.branding !== undefined) next.branding = { ...current.branding, ...patch.branding };

  const tierChanged = next.tier !== current.tier;
  const statusChanged = next.status !== current.status;
  const undo: (() => Promise<void>)[] = [];
  try {
    if (tierChanged) {
      await apiKeys.moveKey(current.apiKeyId, current.tier, next.tier);
      undo.push(() => apiKeys.moveKey(current.apiKeyId, next.tier, current.tier));
    }
    if (statusChanged) {
      await apiKeys.setKeyEnabled(current.apiKeyId, next.status === 'active');
      undo.push(() => apiKeys.setKeyEnabled(current.apiKeyId, current.status === 'active'));
    }
    await repo.updateTenant(
      next,
      expected,
      req.audit({
        action: 'tenant.update',
        partition: auditKeys.tenantPartition(tenantId),
        before: publicTenant(current),
        after: publicTenant(next),
      }),
    );
  } catch (err) {
    for (const u of undo.reverse()) await u().catch(() => undefined);
    if (err instanceof ConditionFailedError) throw preconditionFailed();
    throw err;
  }
  invalidateTenantCache(tenantId);
  const headers = tierChanged
    ? await notifyLimiter(req, () => req.deps.limiter.bumpPolicyVersion(tenantId))
    : {};
  return json(publicTenant(next), { etag: versionEtag(next.version), headers });
};
