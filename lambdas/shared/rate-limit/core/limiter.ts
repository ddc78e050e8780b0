import type { FlagName } from '../../../../lib/config/flags';
import type { Rule } from '../../../../lib/config/policy';
import { type Route, routeKey as routeKeyOf } from '../../../../lib/config/routes';
import type { Tier } from '../../../../lib/config/tier-names';
import { type CircuitBreaker, CircuitBreakers, StoreTimeoutError } from './breaker';
import {
  type Decision,
  decisionFromOutcomes,
  emptyDecision,
  ruleOutcomes,
  unavailableDecision,
} from './decision';
import { policyVersionKey, TIER_VERSIONS_KEY } from './keys';
import { cachedDenialDecision, OverLimitCache } from './over-limit-cache';
import { PolicyCache, type TenantEntry } from './policy-cache';
import type { PolicySource } from './policy-source';
import { type DecisionFlags, ResolutionCache } from './resolution-cache';
import { bypassUntilMs, effectivePolicy, toCheck } from './resolve';
import { LIMITER_DEFAULTS, type LimiterTuning } from './settings';
import type { EvaluateRequest, EvaluateResult, LimitCheck, LimiterStore } from './store';
import { type UsageEntry, usageEntry, usageRules } from './usage';

/**
 * Longest wait for a policy-version bump, ms (admin changes; not on the request path, so longer than the decision
 * timeout, but bounded: a frozen Redis fails the bump and the admin API reports `x-policy-propagation: delayed`).
 */
export const BUMP_TIMEOUT_MS = 1_000;

/** Minimal flag reader (satisfied by `flags` in `lambdas/shared/flags.ts`). */
export interface FlagReader {
  isEnabled(name: FlagName): Promise<boolean>;
}

/** Dependencies and tuning of a {@link RateLimiter}; tuning defaults are `LIMITER_DEFAULTS` (`settings.ts`). */
export interface RateLimiterDeps extends Partial<LimiterTuning> {
  /** Primary store (Redis in AWS). */
  store: LimiterStore;
  /** Per-container fallback for fail-open routes when the primary store fails. */
  fallback: LimiterStore;
  policySource: PolicySource;
  flags: FlagReader;
  /** Local clock, epoch ms — used only for caches (never for limit math). Default `Date.now`. */
  now?: () => number;
  /** Called when a policy read fails (the last known or default policy is used). */
  onPolicyError?: (error: unknown, what: string) => void;
}

/** One request to decide on. */
export interface CheckRequest {
  tenantId: string;
  userId: string;
  tier: Tier;
  route: Pick<Route, 'method' | 'path' | 'limitClass' | 'failMode'>;
  /** Actual HTTP method (differs from `route.method` for `ANY` routes). Default `route.method`. */
  method?: string;
}

/** Policies of one decision. */
interface Policies {
  tierRules: Rule[];
  tenant: TenantEntry;
  /** Time the policy lookups waited on the store, ms. */
  redisMs: number;
}

/** Store step result: `error` = why the primary store was not used; no `res` = failed on a fail-closed route. */
type Evaluated = { res?: EvaluateResult; error?: string };

/** Reloads of a stale tenant policy within one decision before a last pass without the version check. */
const MAX_STALE_RETRIES = 2;

/**
 * The limiter's decision: resolves the effective policy of a request (from the {@link PolicyCache}), evaluates every
 * applicable rule in one store call, and applies shadow mode, bypasses, fail modes and the {@link OverLimitCache}.
 * No I/O of its own: metrics/logging are done by the caller from the returned {@link Decision}.
 */
export class RateLimiter {
  /** One circuit breaker per store shard (`LimiterStore.shardOf`; a single one for stores without shards). */
  readonly breakers: CircuitBreakers;
  private readonly d: Required<Omit<RateLimiterDeps, 'onPolicyError'>>;
  private readonly policies: PolicyCache;
  private readonly denials: OverLimitCache;
  private readonly resolved = new ResolutionCache();

  constructor(deps: RateLimiterDeps) {
    this.d = { now: Date.now, ...LIMITER_DEFAULTS, ...deps };
    const { timeoutMs, breakerThreshold: threshold, breakerCooldownMs: cooldownMs, now } = this.d;
    this.breakers = new CircuitBreakers({ timeoutMs, threshold, cooldownMs, now });
    const breakerFor = (key: string) => this.breakerFor(key);
    this.policies = new PolicyCache({ ...this.d, breakerFor, onPolicyError: deps.onPolicyError });
    this.denials = new OverLimitCache(this.d.overLimitCacheMs, this.d.overLimitCacheSize);
  }

  /** The primary store. */
  get store(): LimiterStore {
    return this.d.store;
  }

  /** The breaker of a store without shards (or of keys whose shard is not known yet). */
  get breaker(): CircuitBreaker {
    return this.breakers.for('');
  }

  /** The circuit breaker of the shard serving `key` now. */
  breakerFor(key: string): CircuitBreaker {
    return this.breakers.for(this.d.store.shardOf?.(key) ?? '');
  }

  /**
   * Decides one request. Never throws for store or policy-source failures: those give a degraded decision
   * (fail-open routes: in-memory fallback) or `unavailable` (fail-closed routes, 503).
   *
   * Normally one pass (one store call). When the store says the cached tenant policy is stale, the policy is
   * reloaded and the decision made again — nothing was counted by the stale call. At most MAX_STALE_RETRIES
   * reloads; a last pass (only reached if the policy keeps changing under us) runs without the version check.
   */
  async check(req: CheckRequest): Promise<Decision> {
    if (!this.policies.warmed) await this.policies.warmUp();
    const [enabled, tenantSpecific] = await this.decisionFlags();
    const flags: DecisionFlags = { enabled, tenantSpecific };
    const routeKey = routeKeyOf(req.route);
    const policies = this.cachedPolicies(req) ?? (await this.loadPolicies(req));
    const base = emptyDecision({
      tenantId: req.tenantId,
      userId: req.userId,
      tier: req.tier,
      route: routeKey,
    });
    let tenant = policies.tenant;
    // No request waits on the store longer than timeoutMs in total (policy-version reads included).
    let budgetMs = this.d.timeoutMs - policies.redisMs;
    for (let attempt = 0; ; attempt++) {
      // Step 3: applicable rules and their store checks (memoised, ResolutionCache).
      const { rules, checks } = this.resolved.get(req, routeKey, policies.tierRules, tenant, flags);
      if (rules.length === 0) return base;

      const bypassUntil = bypassUntilMs(tenant.limits.bypasses, req.userId);
      const localNow = this.d.now();
      const maybeBypassed = bypassUntil > localNow;
      const hit = maybeBypassed ? undefined : this.denials.lookup(checks, localNow);
      if (hit) return cachedDenialDecision(base, hit, localNow);

      const request: EvaluateRequest = {
        versionKey: policyVersionKey(req.tenantId),
        checks,
        bypassUntilMs: bypassUntil,
        mode: 'check',
      };
      if (tenant.version !== undefined && attempt < MAX_STALE_RETRIES) request.expectVersion = tenant.version;
      const failOpen = req.route.failMode !== 'closed' || !flags.enabled || maybeBypassed;
      let res: EvaluateResult | undefined;
      let error: string | undefined;
      try {
        res = await this.evaluate(request, budgetMs);
      } catch (e) {
        ({ res, error } = await this.degrade(request, e, failOpen));
      }
      if (!res)
        return unavailableDecision(base, this.breakerFor(request.versionKey).retryInMs(), error ?? '');
      if (res.stale) {
        budgetMs -= this.d.now() - localNow;
        this.denials.forget(req.tenantId);
        tenant = (await this.policies.reloadTenant(req.tenantId, tenant, res.version)).value;
        continue;
      }
      return this.decide(base, rules, checks, res, tenant, localNow, error);
    }
  }

  /**
   * Step 1: the flags that shape the decision (`rate_limiting_enabled`, `tenant_specific_limits`). Not `async`: the
   * caller awaits `Promise.all` itself (no extra promise and microtask per decision).
   */
  private decisionFlags(): Promise<[boolean, boolean]> {
    return Promise.all([
      this.d.flags.isEnabled('rate_limiting_enabled'),
      this.d.flags.isEnabled('tenant_specific_limits'),
    ]);
  }

  /** Step 2 (fast path): both policies cached and fresh — no await, no promise allocated. */
  private cachedPolicies(req: CheckRequest): Policies | undefined {
    const tier = this.policies.cachedTier(req.tier);
    const tenant = tier && this.policies.cachedTenant(req.tenantId);
    return tenant ? { tierRules: tier.value, tenant: tenant.value, redisMs: 0 } : undefined;
  }

  /** Step 2 (slow path): reads the missing policies (in parallel, shared with concurrent requests). */
  private async loadPolicies(req: CheckRequest): Promise<Policies> {
    const [tier, tenant] = await Promise.all([
      this.policies.cachedTier(req.tier) ?? this.policies.tier(req.tier),
      this.policies.cachedTenant(req.tenantId) ?? this.policies.tenant(req.tenantId),
    ]);
    return { tierRules: tier.value, tenant: tenant.value, redisMs: Math.max(tier.redisMs, tenant.redisMs) };
  }

  /**
   * Step 4: one store call within the remaining budget, under the shard's breaker. Not `async`: the caller awaits the
   * breaker's promise itself (no extra promise and microtask per decision).
   * @throws the store's error, `StoreTimeoutError` (budget spent or exceeded), `CircuitOpenError`
   */
  private evaluate(request: EvaluateRequest, budgetMs: number): Promise<EvaluateResult> {
    if (budgetMs < 1) return Promise.reject(new StoreTimeoutError(this.d.timeoutMs));
    return this.breakerFor(request.versionKey).exec(() => this.d.store.evaluate(request), budgetMs);
  }

  /**
   * Step 4, when the primary store failed (error, timeout, open circuit): a fail-open request is decided by the
   * per-container fallback (which knows no policy versions); a fail-closed one gets no result.
   */
  private async degrade(request: EvaluateRequest, e: unknown, failOpen: boolean): Promise<Evaluated> {
    const error = e instanceof Error ? e.message : String(e);
    this.d.store.refreshShardMap?.();
    if (!failOpen) return { error };
    const { versionKey, checks, bypassUntilMs } = request;
    return {
      res: await this.d.fallback.evaluate({ versionKey, checks, bypassUntilMs, mode: 'check' }),
      error,
    };
  }

  /** Step 5: the decision from a store result (its denials are cached; a newer tenant version marks it stale). */
  private decide(
    base: Decision,
    rules: Rule[],
    checks: LimitCheck[],
    res: EvaluateResult,
    tenant: TenantEntry,
    localNow: number,
    error: string | undefined,
  ): Decision {
    const degraded = error !== undefined;
    if (!degraded) this.policies.noteVersion(tenant, res.version);
    const outcomes = ruleOutcomes(rules, checks, res);
    const violated = outcomes.filter((o) => o.enforced && !o.allowed);
    if (violated.length > 0) this.denials.remember(violated, res, checks, localNow, degraded);
    return decisionFromOutcomes(base, outcomes, violated, res, this.d.nearLimitRatio, degraded, error);
  }

  /**
   * Read-only usage per rule of a tenant's effective policy (tenant-scope rules, plus user-scope rules for `userId`
   * when given), without counting anything.
   * @throws store errors (timeout, circuit open) — the admin API answers 503
   */
  async usage(q: { tenantId: string; tier: Tier; userId?: string }): Promise<UsageEntry[]> {
    const tenantSpecific = await this.d.flags.isEnabled('tenant_specific_limits');
    const [tier, tenant] = await Promise.all([this.policies.tier(q.tier), this.policies.tenant(q.tenantId)]);
    const policy = effectivePolicy(tier.value, tenant.value.limits.rules, tenantSpecific);
    const rules = usageRules(policy, q.userId);
    if (rules.length === 0) return [];
    const checks = rules.map((r) => toCheck(r, q.tenantId, q.userId, r.mode === 'enforce'));
    const versionKey = policyVersionKey(q.tenantId);
    const res = await this.breakerFor(versionKey).exec(() =>
      this.d.store.evaluate({ versionKey, checks, bypassUntilMs: 0, mode: 'peek' }),
    );
    return rules.map((rule, i) => usageEntry(rule, res.results[i]!, q.userId));
  }

  /**
   * Publishes a tenant policy change: writes a fresh version token to the tenant's version key (every limiter's next
   * decision for the tenant gets `stale` from the script — nothing counted — re-reads the policy and decides on the
   * new one) and drops this process's cache.
   * Goes through the shard's circuit breaker with {@link BUMP_TIMEOUT_MS}: a frozen or unreachable Redis fails the
   * bump within that time (or at once while the breaker is open) instead of holding the admin call until it answers.
   * @throws store errors, `StoreTimeoutError`, `CircuitOpenError` (the caller should retry or report; cached
   *   policies still expire after `policyMaxAgeMs`)
   */
  async bumpPolicyVersion(tenantId: string): Promise<void> {
    this.invalidate(tenantId);
    const key = policyVersionKey(tenantId);
    await this.breakerFor(key).exec(() => this.d.store.bumpVersion(key), BUMP_TIMEOUT_MS);
  }

  /**
   * Publishes a tier policy change: writes a fresh token to the tier-versions hash, which limiters poll every
   * `tierVersionPollMs` (default 500 ms); drops this process's cached tier policy. Bounded like
   * {@link bumpPolicyVersion}.
   * @throws store errors, `StoreTimeoutError`, `CircuitOpenError`
   */
  async bumpTierVersion(tier: Tier): Promise<void> {
    this.policies.invalidateTier(tier);
    await this.breakerFor(TIER_VERSIONS_KEY).exec(() => this.d.store.bumpTierVersion(tier), BUMP_TIMEOUT_MS);
  }

  /** Drops cached policies (one tenant, or everything) and cached denials. */
  invalidate(tenantId?: string): void {
    this.resolved.clear();
    this.policies.invalidate(tenantId);
    this.denials.forget(tenantId);
  }
}
