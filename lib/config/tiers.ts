import { type Policy, policySchema, type RuleInput } from './policy';
import type { Tier } from './tier-names';

export { isTier, TIERS, type Tier } from './tier-names';

/**
 * API Gateway usage-plan numbers for a tier (coarse, best-effort, per tenant API key).
 * See https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
 */
export interface UsagePlanLimits {
  /** Steady-state throttle, requests per second. */
  rateLimit: number;
  /** Token-bucket size, requests. */
  burstLimit: number;
  /** Requests per UTC day. */
  quotaPerDay: number;
}

/** A tier: usage-plan numbers and the default Redis limit policy for its tenants. */
export interface TierConfig {
  tier: Tier;
  usagePlan: UsagePlanLimits;
  defaultPolicy: Policy;
}

/** Builds the standard four-rule default policy from per-minute numbers. */
function defaults(n: {
  tenantPerMin: number;
  tenantBurst: number;
  userPerMin: number;
  userBurst: number;
  writesPerMin: number;
  writeBurst: number;
  perDay: number;
}): Policy {
  const rules: RuleInput[] = [
    {
      id: 'tenant-rate',
      scope: 'tenant',
      kind: 'rate',
      limit: n.tenantPerMin,
      periodSec: 60,
      burst: n.tenantBurst,
    },
    { id: 'user-rate', scope: 'user', kind: 'rate', limit: n.userPerMin, periodSec: 60, burst: n.userBurst },
    {
      id: 'user-writes',
      scope: 'user',
      kind: 'rate',
      limit: n.writesPerMin,
      periodSec: 60,
      burst: n.writeBurst,
      match: { limitClass: 'write' },
    },
    { id: 'tenant-daily', scope: 'tenant', kind: 'quota', limit: n.perDay, window: 'day' },
  ];
  return policySchema.parse(rules);
}

/** The tier table: the single source of usage plans and default limit policies. */
export const TIER_TABLE: Readonly<Record<Tier, TierConfig>> = {
  free: {
    tier: 'free',
    usagePlan: { rateLimit: 5, burstLimit: 10, quotaPerDay: 1_000 },
    defaultPolicy: defaults({
      tenantPerMin: 300,
      tenantBurst: 30,
      userPerMin: 60,
      userBurst: 10,
      writesPerMin: 10,
      writeBurst: 3,
      perDay: 1_000,
    }),
  },
  standard: {
    tier: 'standard',
    usagePlan: { rateLimit: 20, burstLimit: 40, quotaPerDay: 20_000 },
    defaultPolicy: defaults({
      tenantPerMin: 1_200,
      tenantBurst: 100,
      userPerMin: 300,
      userBurst: 30,
      writesPerMin: 60,
      writeBurst: 10,
      perDay: 20_000,
    }),
  },
  premium: {
    tier: 'premium',
    usagePlan: { rateLimit: 100, burstLimit: 200, quotaPerDay: 200_000 },
    defaultPolicy: defaults({
      tenantPerMin: 6_000,
      tenantBurst: 500,
      userPerMin: 1_200,
      userBurst: 100,
      writesPerMin: 300,
      writeBurst: 30,
      perDay: 200_000,
    }),
  },
  enterprise: {
    tier: 'enterprise',
    usagePlan: { rateLimit: 500, burstLimit: 1_000, quotaPerDay: 2_000_000 },
    defaultPolicy: defaults({
      tenantPerMin: 30_000,
      tenantBurst: 2_000,
      userPerMin: 6_000,
      userBurst: 500,
      writesPerMin: 1_200,
      writeBurst: 100,
      perDay: 2_000_000,
    }),
  },
};
