import type { Tier } from '../../lib/config/tiers';
import type { UsageEntry } from '../shared/rate-limit/core/usage';

/**
 * One rule's current state for a tenant (and user), as the limiter reports it (read-only):
 * `{ ruleId, scope, kind, mode, limit, capacity, remaining, used, resetSec, periodSec?, burst?, window?, … }`.
 */
export type RuleUsage = UsageEntry;

/**
 * What the admin API needs from the limiter (`lambdas/shared/rate-limit`). The admin API never computes
 * limits itself: it tells running limiters that a policy changed and reads usage.
 */
export interface LimiterPort {
  /** Tenant overrides or bypasses changed: running limiters re-read the tenant's policy within 1 s. */
  bumpPolicyVersion(tenantId: string): Promise<void>;
  /** A tier's default policy changed: limiters re-read the policy of the tier's tenants. */
  bumpTierVersion(tier: Tier): Promise<void>;
  /** Current remaining/reset of each rule that applies to the tenant (and user, when given). */
  getUsage(input: { tenantId: string; tier: Tier; userId?: string }): Promise<RuleUsage[]>;
}
