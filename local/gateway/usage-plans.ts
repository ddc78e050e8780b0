import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../lambdas/shared/aws/dynamodb';
import { getTenant } from '../../lambdas/shared/tenants/repository';
import { limitsKeys } from '../../lib/config/data-model';
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
 * When DynamoDB fails, the last answer for the tenant stands (API Gateway's API keys and usage plans do not live in
 * DynamoDB: an outage of the tables must not take the gateway's key check down with it — `dynamodb-failing` fault).
 */
export class UsagePlanDirectory {
  private readonly plans = new Map<Tier, Cached>();
  /** Reads in flight by key (`tenant:<id>`, `plan:<tier>`): concurrent misses share one DynamoDB read. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** The last answer per tenant (served while DynamoDB fails). */
  private readonly lastKnown = new Map<string, { apiKeyValue: string; plan: ApiKeyPlan }>();

  /** @param ttlMs cache time for tenant and tier lookups, ms */
  constructor(private readonly ttlMs = 2_000) {}

  /**
   * @returns the tenant's key id and plan when `apiKeyValue` is that tenant's key; `undefined` otherwise
   * @throws SDK errors reading DynamoDB
   */
  async lookup(apiKeyValue: string, tenantId: string): Promise<ApiKeyPlan | undefined> {
    if (!tenantId) return undefined;
    try {
      const tenant = await this.shared(`tenant:${tenantId}`, () => getTenant(tenantId, this.ttlMs));
      if (!tenant || tenant.apiKeyValue !== apiKeyValue || !isTier(tenant.tier)) {
        this.lastKnown.delete(tenantId);
        return undefined;
      }
      const plan = { apiKeyId: tenant.apiKeyId, plan: await this.planOf(tenant.tier) };
      this.lastKnown.set(tenantId, { apiKeyValue, plan });
      return plan;
    } catch (e) {
      const known = this.lastKnown.get(tenantId);
      if (known) return known.apiKeyValue === apiKeyValue ? known.plan : undefined;
      throw e;
    }
  }

  /**
   * The usage plan of a tier (admin-written tier item, else `TIER_TABLE`).
   * @throws SDK errors reading DynamoDB
   */
  async planOf(tier: Tier): Promise<UsagePlanLimits> {
    const hit = this.plans.get(tier);
    if (hit && hit.expiresAt > Date.now()) return hit.plan;
    return this.shared(`plan:${tier}`, () => this.loadPlan(tier));
  }

  /**
   * One read per key at a time: when a cache entry expires under load, every request arriving before the read
   * completes would otherwise start its own read (a stampede; an in-process dynalite read costs ~5 ms of CPU, so a
   * few dozen of them stalled every request for ~100 ms every `ttlMs`).
   */
  private shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    const inFlight = this.pending.get(key) as Promise<T> | undefined;
    if (inFlight) return inFlight;
    const p = load().finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private async loadPlan(tier: Tier): Promise<UsagePlanLimits> {
    const now = Date.now();
    const out = await documentClient().send(
      new GetCommand({ TableName: tableName('limits'), Key: limitsKeys.tierPolicy(tier) }),
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
