import { auditKeys } from '../../../lib/config/data-model';
import { parse } from '../../shared/http/validate';
import { effectivePolicy } from '../../shared/rate-limit/core/resolve';
import { AccessDenied } from '../access';
import type { AdminRequest, Operation } from '../context';
import { forbidden, preconditionFailed } from '../errors';
import { json, requireIfMatch, versionEtag } from '../http';
import { ConditionFailedError, type TenantLimitsItem, type TierPolicy } from '../repository';
import { limitsPutSchema, tenantParamSchema } from '../schemas';
import { tenantAdminViolations } from '../tenant-admin-rules';
import { notifyLimiter } from './notify';
import { loadTenant } from './tenants';

async function view(req: AdminRequest, limits: TenantLimitsItem, tier: TierPolicy) {
  const tenantSpecific = await req.deps.flags.isEnabled('tenant_specific_limits');
  return {
    tenantId: limits.tenantId,
    tier: tier.tier,
    overrides: limits.rules,
    effective: effectivePolicy(tier.rules, limits.rules, tenantSpecific),
    tenantSpecificLimits: tenantSpecific,
    version: limits.version,
    updatedAt: limits.updatedAt ?? null,
  };
}

/**
 * `GET /admin/tenants/{tenantId}/limits` — the tenant's overrides and the effective policy (tier defaults ⊕
 * overrides, same id replaces; overrides ignored while `tenant_specific_limits` is off). ETag = overrides version.
 */
export const getLimits: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const tenant = await loadTenant(req, tenantId);
  const [limits, tier] = await Promise.all([
    req.deps.repo.getLimits(tenantId),
    req.deps.repo.getTierPolicy(tenant.tier),
  ]);
  return json(await view(req, limits, tier), { etag: versionEtag(limits.version), event: req.event });
};

/**
 * `PUT /admin/tenants/{tenantId}/limits` `{ rules }` — replaces the overrides (If-Match required). A tenant-admin may
 * only change per-user rules within the tenant's own limits (see `tenantAdminViolations`; 403 listing the fields).
 * On success the tenant's policy version is bumped so limiters enforce the change within 1 s.
 */
export const putLimits: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const { rules } = parse(limitsPutSchema, req.body());
  const { repo } = req.deps;
  const tenant = await loadTenant(req, tenantId);
  const [current, tier] = await Promise.all([repo.getLimits(tenantId), repo.getTierPolicy(tenant.tier)]);
  const expected = requireIfMatch(req.event, current.version);
  if (!req.isPlatformAdmin) {
    const errors = tenantAdminViolations(current.rules, rules, tier.rules);
    if (errors.length) {
      const scope = errors.some((e) => e.message.startsWith('tenant-admins may'));
      throw new AccessDenied(
        scope ? 'tenant-admin-rule-scope' : 'tenant-admin-rule-exceeds',
        forbidden('Tenant-admins may only set per-user rules within the tenant’s own limits.', { errors }),
        tenantId,
      );
    }
  }
  let next: TenantLimitsItem;
  try {
    next = await repo.putLimits(
      tenantId,
      rules,
      expected,
      req.audit({
        action: 'limits.update',
        partition: auditKeys.tenantPartition(tenantId),
        before: current.rules,
        after: rules,
      }),
    );
  } catch (err) {
    if (err instanceof ConditionFailedError) throw preconditionFailed();
    throw err;
  }
  const headers = await notifyLimiter(req, () => req.deps.limiter.bumpPolicyVersion(tenantId));
  return json(await view(req, next, tier), { etag: versionEtag(next.version), headers });
};
