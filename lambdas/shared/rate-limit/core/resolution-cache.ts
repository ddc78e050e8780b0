import type { Rule } from '../../../../lib/config/policy';
import type { Route } from '../../../../lib/config/routes';
import type { Tier } from '../../../../lib/config/tier-names';
import type { TenantEntry } from './policy-cache';
import { applicableRules, effectivePolicy, toCheck } from './resolve';
import type { LimitCheck } from './store';

/** Flags that shape a decision, read once per decision. */
export interface DecisionFlags {
  /** `rate_limiting_enabled`: enforce rules (off → every rule is shadow). */
  enabled: boolean;
  /** `tenant_specific_limits`: apply tenant overrides. */
  tenantSpecific: boolean;
}

/** What a resolution depends on besides the policies: who calls which route. */
export interface ResolutionRequest {
  tenantId: string;
  userId: string;
  tier: Tier;
  route: Pick<Route, 'method' | 'path' | 'limitClass'>;
  /** Actual HTTP method (differs from `route.method` for `ANY` routes). Default `route.method`. */
  method?: string;
}

/** A resolved policy of one (tier, tenant, user, method, route, flags): the applicable rules and their store checks. */
export interface Resolved {
  tierRules: Rule[];
  tenant: TenantEntry;
  /** Rules that apply to the request, in policy order. */
  rules: Rule[];
  /** One store check per rule, same order (`enforce` = counted against the limit). */
  checks: LimitCheck[];
}

/** Default max memoised resolutions per container; the map is cleared when full. */
export const RESOLVED_CACHE_SIZE = 20_000;

/**
 * Memo of {@link Resolved} policies per (tier, tenant, user, method, route, flags), so that the hot path resolves
 * rules once per caller and route. An entry is valid only for the exact tier-rules array and tenant entry it was
 * built from (compared by identity), so replacing either in the policy cache invalidates it without a scan.
 */
export class ResolutionCache {
  private readonly entries = new Map<string, Resolved>();

  constructor(private readonly maxEntries = RESOLVED_CACHE_SIZE) {}

  /** The applicable rules and checks of `req` under these policies and flags (memoised). */
  get(
    req: ResolutionRequest,
    routeKey: string,
    tierRules: Rule[],
    tenant: TenantEntry,
    flags: DecisionFlags,
  ): Resolved {
    const { enabled, tenantSpecific } = flags;
    const method = req.method ?? req.route.method;
    const k = `${req.tier}\u0001${req.tenantId}\u0001${req.userId}\u0001${method}\u0001${routeKey}\u0001${enabled ? 1 : 0}${tenantSpecific ? 1 : 0}`;
    const hit = this.entries.get(k);
    if (hit && hit.tierRules === tierRules && hit.tenant === tenant) return hit;
    const rules = applicableRules(effectivePolicy(tierRules, tenant.limits.rules, tenantSpecific), {
      method,
      routeMethod: req.route.method,
      routePath: req.route.path,
      limitClass: req.route.limitClass,
      userId: req.userId,
    });
    const checks = rules.map((r) => toCheck(r, req.tenantId, req.userId, enabled && r.mode === 'enforce'));
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { tierRules, tenant, rules, checks };
    this.entries.set(k, entry);
    return entry;
  }

  /** Number of memoised resolutions. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every memoised resolution. */
  clear(): void {
    this.entries.clear();
  }
}
