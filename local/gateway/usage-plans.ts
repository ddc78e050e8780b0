import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../lambdas/shared/aws/dynamodb';
import { getTenant } from '../../lambdas/shared/tenants/repository';
import { isTier, TIER_TABLE, type Tier, type UsagePlanLimits } from '../../lib/config/tiers';
import type { ApiKeyPlan } from './server';

interface Cached {
  plan: UsagePlanLimits;
  expiresAt: number;
}

/**
 * Resolves API keys to usage plans the way the deployed API is wired: a tenant's key (`apiKeyValue`) is a member of
 * its tier's usage plan. The plan's numbers come from the tier policy item (`pk=TIER#<tier>`, `sk=POLICY`,
 * `usagePlan`) when an admin has written one, else from `TIER_TABLE`. Tenants and plans are cached for `ttlMs`.
 */
export class UsagePlanDirectory {
  private readonly plans = new Map<Tier, Cached>();

  /** @param ttlMs cache time for tenant and tier lookups, ms */
  constructor(private readonly ttlMs = 2_000) {}

  /**
   * @returns the tenant's key id and plan when `apiKeyValue` is that tenant's key; `undefined` otherwise
   * @throws SDK errors reading DynamoDB
   */
  async lookup(apiKeyValue: string, tenantId: string): Promise<ApiKeyPlan | undefined> {
    if (!tenantId) return undefined;
    const tenant = await getTenant(tenantId, this.ttlMs);
    if (!tenant || tenant.apiKeyValue !== apiKeyValue || !isTier(tenant.tier)) return undefined;
    return { apiKeyId: tenant.apiKeyId, plan: await this.planOf(tenant.tier) };
  }

  /** The usage plan of a tier (admin-written tier item, else `TIER_TABLE`). */
  async planOf(tier: Tier): Promise<UsagePlanLimits> {
    const now = Date.now();
    const hit = this.plans.get(tier);
    if (hit && hit.expiresAt > now) return hit.plan;
    const out = await documentClient().send(
      new GetCommand({ TableName: tableName('limits'), Key: { pk: `TIER#${tier}`, sk: 'POLICY' } }),
    );
    const stored = out.Item?.usagePlan as Partial<UsagePlanLimits> | undefined;
    const plan = isPlan(stored) ? stored : TIER_TABLE[tier].usagePlan;
    this.plans.set(tier, { plan, expiresAt: now + this.ttlMs });
    return plan;
  }
}

function isPlan(p: Partial<UsagePlanLimits> | undefined): p is UsagePlanLimits {
  return (
    !!p &&
    typeof p.rateLimit === 'number' &&
    typeof p.burstLimit === 'number' &&
    typeof p.quotaPerDay === 'number'
  );
}
