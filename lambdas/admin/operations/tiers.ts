import { auditKeys } from '../../../lib/config/data-model';
import { TIERS } from '../../../lib/config/tiers';
import { parse } from '../../shared/http/validate';
import type { Operation } from '../context';
import { preconditionFailed } from '../errors';
import { json, requireIfMatch, versionEtag } from '../http';
import { ConditionFailedError, type TierPolicy } from '../repository';
import { tierParamSchema, tierPutSchema } from '../schemas';
import { notifyLimiter } from './notify';

function view(t: TierPolicy) {
  return {
    tier: t.tier,
    rules: t.rules,
    usagePlan: t.usagePlan,
    version: t.version,
    updatedAt: t.updatedAt ?? null,
  };
}

/** `GET /admin/tiers` — every tier's policy and usage-plan numbers. */
export const listTiers: Operation = async (req) => {
  const items = await Promise.all(TIERS.map((t) => req.deps.repo.getTierPolicy(t)));
  return json({ items: items.map(view) }, { event: req.event });
};

/** `GET /admin/tiers/{tier}` — ETag = the tier policy's version (`"0"` = built-in defaults). */
export const getTier: Operation = async (req) => {
  const { tier } = parse(tierParamSchema, req.params, 'path');
  const t = await req.deps.repo.getTierPolicy(tier);
  return json(view(t), { etag: versionEtag(t.version), event: req.event });
};

/**
 * `PUT /admin/tiers/{tier}` — replaces the tier's default rules and usage-plan numbers (If-Match required). The
 * usage plan is updated first and restored if the conditional write fails; running limiters are told afterwards.
 */
export const putTier: Operation = async (req) => {
  const { tier } = parse(tierParamSchema, req.params, 'path');
  const body = parse(tierPutSchema, req.body());
  const { repo, apiKeys } = req.deps;
  const current = await repo.getTierPolicy(tier);
  const expected = requireIfMatch(req.event, current.version);
  const planChanged = JSON.stringify(current.usagePlan) !== JSON.stringify(body.usagePlan);
  if (planChanged) await apiKeys.setPlanLimits(tier, body.usagePlan);
  let next: TierPolicy;
  try {
    next = await repo.putTierPolicy(
      tier,
      body,
      expected,
      req.audit({
        action: 'tier.update',
        partition: auditKeys.platformPartition,
        before: view(current),
        after: body,
      }),
    );
  } catch (err) {
    if (planChanged) await apiKeys.setPlanLimits(tier, current.usagePlan).catch(() => undefined);
    if (err instanceof ConditionFailedError) throw preconditionFailed();
    throw err;
  }
  const headers = await notifyLimiter(req, () => req.deps.limiter.bumpTierVersion(tier));
  return json(view(next), { etag: versionEtag(next.version), headers });
};
