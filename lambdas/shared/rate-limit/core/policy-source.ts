import { limitsKeys } from '../../../../lib/config/data-model';
import { policySchema, type Rule } from '../../../../lib/config/policy';
import { TIER_TABLE, type Tier } from '../../../../lib/config/tiers';
import type { Bypass } from './resolve';

/** Tenant part of the policy: overrides and active bypasses. */
export interface TenantLimits {
  rules: Rule[];
  bypasses: Bypass[];
}

/**
 * Where policies come from. The limiter caches results and re-reads only when the tenant's (or tier's) version
 * changes, so implementations may be slow (DynamoDB).
 */
export interface PolicySource {
  /** The tier's policy (absent tier item → `TIER_TABLE` defaults). @throws on read failures */
  tierRules(tier: Tier): Promise<Rule[]>;
  /** The tenant's overrides and bypasses (none → empty lists). @throws on read failures */
  tenantLimits(tenantId: string): Promise<TenantLimits>;
}

/** Raw item shapes read from the limits table (`lib/config/data-model.ts`, docs/data-model.md). */
export interface LimitsItem {
  pk: string;
  sk: string;
  rules?: unknown;
  bypassId?: unknown;
  userId?: unknown;
  reason?: unknown;
  expiresAt?: unknown;
}

/**
 * Validates stored rules with `policySchema`. Invalid stored rules (should not happen: the admin API validates) are
 * reported through `onInvalid` and replaced by `fallback`.
 */
export function parseRules(raw: unknown, fallback: Rule[], onInvalid?: (message: string) => void): Rule[] {
  if (raw === undefined) return fallback;
  const parsed = policySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  onInvalid?.(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return fallback;
}

/** Converts limits-table items under `pk=TENANT#<id>` into {@link TenantLimits}. */
export function tenantLimitsFromItems(
  items: readonly LimitsItem[],
  onInvalid?: (m: string) => void,
): TenantLimits {
  let rules: Rule[] = [];
  const bypasses: Bypass[] = [];
  for (const it of items) {
    const bypassId = limitsKeys.bypassIdOf(it.sk);
    if (it.sk === limitsKeys.tenantLimitsSortKey) rules = parseRules(it.rules, [], onInvalid);
    else if (bypassId !== undefined && typeof it.expiresAt === 'number') {
      bypasses.push({
        bypassId: typeof it.bypassId === 'string' ? it.bypassId : bypassId,
        ...(typeof it.userId === 'string' && it.userId !== '' ? { userId: it.userId } : {}),
        reason: typeof it.reason === 'string' ? it.reason : '',
        expiresAt: it.expiresAt,
      });
    }
  }
  return { rules, bypasses };
}

/**
 * In-memory policy source: tier defaults from `TIER_TABLE` (or given), tenant overrides/bypasses set by tests or the
 * local stack. Mutations do not notify limiters: call `bumpPolicyVersion` as the admin API does.
 */
export class StaticPolicySource implements PolicySource {
  readonly tiers = new Map<Tier, Rule[]>();
  readonly tenants = new Map<string, TenantLimits>();
  /** Reads served (tests assert caching). */
  reads = 0;

  async tierRules(tier: Tier): Promise<Rule[]> {
    this.reads++;
    return this.tiers.get(tier) ?? TIER_TABLE[tier].defaultPolicy;
  }

  async tenantLimits(tenantId: string): Promise<TenantLimits> {
    this.reads++;
    return this.tenants.get(tenantId) ?? { rules: [], bypasses: [] };
  }

  /**
   * Sets a tenant's overrides (validated with `policySchema`).
   * @throws {Error} a zod error (with `issues`) on invalid rules
   */
  setTenantRules(tenantId: string, rules: unknown): void {
    const cur = this.tenants.get(tenantId) ?? { rules: [], bypasses: [] };
    this.tenants.set(tenantId, { ...cur, rules: policySchema.parse(rules) });
  }

  /** Replaces a tenant's bypasses. */
  setBypasses(tenantId: string, bypasses: Bypass[]): void {
    const cur = this.tenants.get(tenantId) ?? { rules: [], bypasses: [] };
    this.tenants.set(tenantId, { ...cur, bypasses });
  }

  /** Sets a tier's policy. @throws {Error} a zod error (with `issues`) on invalid rules */
  setTierRules(tier: Tier, rules: unknown): void {
    this.tiers.set(tier, policySchema.parse(rules));
  }
}
