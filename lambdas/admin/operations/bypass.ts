import { auditKeys } from '../../../lib/config/data-model';
import { noContent } from '../../shared/http/response';
import { parse } from '../../shared/http/validate';
import type { Operation } from '../context';
import { notFound } from '../errors';
import { json } from '../http';
import { type BypassItem, ConditionFailedError } from '../repository';
import { bypassCreateSchema, bypassParamSchema, tenantParamSchema } from '../schemas';
import { notifyLimiter } from './notify';
import { loadTenant } from './tenants';

function view(b: BypassItem) {
  return { ...b, expiresAtIso: new Date(b.expiresAt * 1000).toISOString() };
}

/**
 * `POST /admin/tenants/{tenantId}/bypass` `{ userId?, reason, ttlSec ≤ 86400 }` — emergency bypass of every limit
 * for the tenant (or one user) until now + ttlSec. 201 with `bypassId` and `expiresAt` (epoch s).
 */
export const createBypass: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const body = parse(bypassCreateSchema, req.body());
  await loadTenant(req, tenantId);
  const item: BypassItem = {
    bypassId: req.deps.newId(),
    ...(body.userId ? { userId: body.userId } : {}),
    reason: body.reason,
    createdBy: req.actor.userId,
    createdAt: req.now.toISOString(),
    expiresAt: Math.floor(req.now.getTime() / 1000) + body.ttlSec,
  };
  await req.deps.repo.createBypass(
    tenantId,
    item,
    req.audit({
      action: 'bypass.create',
      partition: auditKeys.tenantPartition(tenantId),
      before: null,
      after: item,
    }),
  );
  const headers = await notifyLimiter(req, () => req.deps.limiter.bumpPolicyVersion(tenantId));
  return json(view(item), {
    status: 201,
    headers: { ...headers, location: `/admin/tenants/${tenantId}/bypass/${item.bypassId}` },
  });
};

/** `GET /admin/tenants/{tenantId}/bypass` — active (unexpired) bypasses. */
export const listBypasses: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  await loadTenant(req, tenantId);
  const nowSec = Math.floor(req.now.getTime() / 1000);
  const items = (await req.deps.repo.listBypasses(tenantId)).filter((b) => b.expiresAt > nowSec);
  return json({ items: items.map(view) }, { event: req.event });
};

/** `DELETE /admin/tenants/{tenantId}/bypass/{bypassId}` — ends a bypass now. 204; 404 when unknown. */
export const deleteBypass: Operation = async (req) => {
  const { tenantId, bypassId } = parse(bypassParamSchema, req.params, 'path');
  await loadTenant(req, tenantId);
  const current = await req.deps.repo.getBypass(tenantId, bypassId);
  if (!current) throw notFound(`Bypass "${bypassId}" does not exist.`);
  try {
    await req.deps.repo.deleteBypass(
      tenantId,
      bypassId,
      req.audit({
        action: 'bypass.delete',
        partition: auditKeys.tenantPartition(tenantId),
        before: current,
        after: null,
      }),
    );
  } catch (err) {
    if (err instanceof ConditionFailedError) throw notFound(`Bypass "${bypassId}" does not exist.`);
    throw err;
  }
  const headers = await notifyLimiter(req, () => req.deps.limiter.bumpPolicyVersion(tenantId));
  return noContent(headers);
};
