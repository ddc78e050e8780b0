import type { FlagName } from '../../../../lib/config/flags';
import type { Rule } from '../../../../lib/config/policy';
import type { Route } from '../../../../lib/config/routes';
import type { Tier } from '../../../../lib/config/tier-names';
import { TIER_TABLE } from '../../../../lib/config/tiers';
import { CircuitBreaker, StoreTimeoutError } from './breaker';
import { ceilSec, type Decision, type RuleOutcome } from './decision';
import { policyVersionKey } from './keys';
import type { PolicySource, TenantLimits } from './policy-source';
import { applicableRules, bypassUntilMs, capacity, effectivePolicy, toCheck, windowSec } from './resolve';
import type { EvaluateRequest, EvaluateResult, LimitCheck, LimiterStore } from './store';

/** Minimal flag reader (satisfied by `flags` in `lambdas/shared/flags.ts`). */
export interface FlagReader {
  isEnabled(name: FlagName): Promise<boolean>;
}

/** Dependencies and tuning of a {@link RateLimiter}. */
export interface RateLimiterDeps {
  /** Primary store (Redis in AWS). */
  store: LimiterStore;
  /** Per-container fallback for fail-open routes when the primary store fails. */
  fallback: LimiterStore;
  policySource: PolicySource;
  flags: FlagReader;
  /** Local clock, epoch ms — used only for caches (never for limit math). Default `Date.now`. */
  now?: () => number;
  /** Store call timeout, ms (default 25). */
  timeoutMs?: number;
  /** Consecutive store failures that open the circuit (default 5). */
  breakerThreshold?: number;
  /** Open-circuit cooldown before a trial call, ms (default 2000). */
  breakerCooldownMs?: number;
  /** Longest time a denial is served from the in-process over-limit cache, ms (default 1000; 0 disables). */
  overLimitCacheMs?: number;
  /** Max over-limit cache entries (default 10 000). */
  overLimitCacheSize?: number;
  /** How often tier versions are polled from the store, ms (default 500). */
  tierVersionPollMs?: number;
  /** Longest wait for the store's first connection before the first decision, ms (default 1000). */
  connectTimeoutMs?: number;
  /** Safety net: cached policies are re-read after this long even without a version change, ms (default 60 000). */
  policyMaxAgeMs?: number;
  /** Allowed requests with less than this share of a rule's capacity left count as near-limit (default 0.1). */
  nearLimitRatio?: number;
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

/** Read-only usage of one rule (for `GET /admin/tenants/{id}/usage`). */
export interface UsageEntry {
  ruleId: string;
  scope: Rule['scope'];
  kind: Rule['kind'];
  mode: Rule['mode'];
  /** Requests per period (rate) or window (quota). */
  limit: number;
  /** Burst capacity (rate) or `limit` (quota). */
  capacity: number;
  /** Requests available now. */
  remaining: number;
  /** Used capacity now (`capacity − remaining`). */
  used: number;
  /** Seconds until full replenishment (rate) or the window's end (quota), rounded up. */
  resetSec: number;
  periodSec?: number;
  burst?: number;
  window?: 'day' | 'month';
  match?: Rule['match'];
  subject?: string;
  /** The user the counter belongs to (user-scope rules). */
  userId?: string;
}

interface TenantEntry {
  limits: TenantLimits;
  /** Version token seen when loaded; undefined = unknown (store was down). */
  version: string | undefined;
  loadedAt: number;
  stale: boolean;
}

interface TierEntry {
  rules: Rule[];
  version: string | undefined;
  loadedAt: number;
  stale: boolean;
}

/** Max memoised (tenant, user, route) resolutions per container; the map is cleared when full. */
const RESOLVED_CACHE_SIZE = 20_000;

/** Reloads of a stale tenant policy within one decision before a last pass without the version check. */
const MAX_STALE_RETRIES = 2;

/** After a failed policy read, retry this much later, ms. */
const RETRY_FAILED_LOAD_MS = 5_000;

interface Loaded<T> {
  entry: T;
  /** Time this load spent waiting on the store, ms (counts against the request's store budget). */
  redisMs: number;
}

interface CachedDenial {
  until: number;
  /** The denial came from the fallback store. */
  degraded: boolean;
  allowAt: number;
  outcome: RuleOutcome;
}

/**
 * The limiter: resolves the effective policy of a request (cached, re-read on version change), evaluates every
 * applicable rule in one store call, and applies shadow mode, bypasses, fail modes and the over-limit cache.
 * No AWS imports: metrics/logging are done by the caller from the returned {@link Decision}.
 */
export class RateLimiter {
  readonly breaker: CircuitBreaker;
  private readonly d: Required<Omit<RateLimiterDeps, 'onPolicyError'>> &
    Pick<RateLimiterDeps, 'onPolicyError'>;
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly tiers = new Map<Tier, TierEntry>();
  private tierVersions: Record<string, string> | undefined;
  private lastTierPoll = Number.NEGATIVE_INFINITY;
  private tierPoll: Promise<void> | undefined;
  private readonly denials = new Map<string, CachedDenial>();
  private warmed = false;
  private warming: Promise<void> | undefined;
  private readonly resolved = new Map<
    string,
    { tierRules: Rule[]; tenant: TenantEntry; rules: Rule[]; checks: LimitCheck[] }
  >();
  private readonly tenantLoads = new Map<string, Promise<Loaded<TenantEntry>>>();
  private readonly tierLoads = new Map<Tier, Promise<TierEntry>>();

  constructor(deps: RateLimiterDeps) {
    this.d = {
      now: Date.now,
      timeoutMs: 25,
      breakerThreshold: 5,
      breakerCooldownMs: 2_000,
      overLimitCacheMs: 1_000,
      overLimitCacheSize: 10_000,
      tierVersionPollMs: 500,
      policyMaxAgeMs: 60_000,
      connectTimeoutMs: 1_000,
      nearLimitRatio: 0.1,
      ...deps,
    };
    this.breaker = new CircuitBreaker({
      timeoutMs: this.d.timeoutMs,
      threshold: this.d.breakerThreshold,
      cooldownMs: this.d.breakerCooldownMs,
      now: this.d.now,
    });
  }

  /** The primary store. */
  get store(): LimiterStore {
    return this.d.store;
  }

  /**
   * Decides one request. Never throws for store or policy-source failures: those give a degraded decision
   * (fail-open routes: in-memory fallback) or `unavailable` (fail-closed routes, 503).
   */
  async check(req: CheckRequest): Promise<Decision> {
    if (!this.warmed) await this.warmUp();
    const [enabled, tenantSpecific] = await Promise.all([
      this.d.flags.isEnabled('rate_limiting_enabled'),
      this.d.flags.isEnabled('tenant_specific_limits'),
    ]);
    const routeKey = `${req.route.method} ${req.route.path}`;
    // Fast path: both policies cached and fresh (no await, no allocation of promises).
    const tierHit = this.cachedTierRules(req.tier);
    const tenantHit = this.cachedTenant(req.tenantId);
    const [tierRes, tenantRes] =
      tierHit && tenantHit
        ? [tierHit, tenantHit]
        : await Promise.all([
            tierHit ?? this.tierRules(req.tier),
            tenantHit ?? this.tenantEntry(req.tenantId),
          ]);
    const tierRules = tierRes.rules;
    let tenant = tenantRes.entry;
    // No request waits on the store longer than timeoutMs in total (policy-version reads included).
    let budgetMs = this.d.timeoutMs - Math.max(tierRes.redisMs, tenantRes.redisMs);
    const base: Decision = {
      status: 'allowed',
      tenantId: req.tenantId,
      userId: req.userId,
      tier: req.tier,
      route: routeKey,
      outcomes: [],
      violated: [],
      retryAfterSec: 0,
      degraded: false,
      bypassed: false,
      shadowDenied: false,
      nearLimit: false,
      cached: false,
    };
    // Normally one pass (one store call). When the store says the cached tenant policy is stale, the policy is
    // reloaded and the decision made again — nothing was counted by the stale call. At most MAX_STALE_RETRIES
    // reloads; a last pass (only reached if the policy keeps changing under us) runs without the version check.
    for (let attempt = 0; ; attempt++) {
      const { rules, checks } = this.resolve(req, routeKey, tierRules, tenant, enabled, tenantSpecific);
      if (rules.length === 0) return base;

      const bypassUntil = bypassUntilMs(tenant.limits.bypasses, req.userId);
      const localNow = this.d.now();
      const maybeBypassed = bypassUntil > localNow;

      if (!maybeBypassed) {
        const hit = this.cachedDenial(checks, localNow);
        if (hit) {
          return {
            ...base,
            status: 'denied',
            outcomes: [hit.outcome],
            violated: [hit.outcome.rule.id],
            retryAfterSec: Math.max(1, ceilSec(hit.allowAt - localNow)),
            cached: true,
            degraded: hit.degraded,
          };
        }
      }

      const request: EvaluateRequest = {
        versionKey: policyVersionKey(req.tenantId),
        checks,
        bypassUntilMs: bypassUntil,
        mode: 'check',
      };
      if (tenant.version !== undefined && attempt < MAX_STALE_RETRIES) request.expectVersion = tenant.version;
      let res: EvaluateResult;
      let degraded = false;
      let error: string | undefined;
      try {
        if (budgetMs < 1) throw new StoreTimeoutError(this.d.timeoutMs);
        res = await this.breaker.exec(() => this.d.store.evaluate(request), budgetMs);
      } catch (e) {
        degraded = true;
        error = e instanceof Error ? e.message : String(e);
        if (req.route.failMode === 'closed' && enabled && !maybeBypassed) {
          return {
            ...base,
            status: 'unavailable',
            degraded: true,
            retryAfterSec: Math.max(1, ceilSec(this.breaker.retryInMs())),
            error,
          };
        }
        // The per-container fallback knows no policy versions.
        res = await this.d.fallback.evaluate({
          versionKey: request.versionKey,
          checks,
          bypassUntilMs: bypassUntil,
          mode: 'check',
        });
      }
      if (res.stale) {
        budgetMs -= this.d.now() - localNow;
        tenant = (await this.reloadTenant(req.tenantId, tenant, res.version)).entry;
        continue;
      }
      return this.decide(base, rules, checks, res, tenant, localNow, degraded, error);
    }
  }

  /** Builds the decision from a store result (and caches its denials). */
  private decide(
    base: Decision,
    rules: Rule[],
    checks: LimitCheck[],
    res: EvaluateResult,
    tenant: TenantEntry,
    localNow: number,
    degraded: boolean,
    error: string | undefined,
  ): Decision {
    if (!degraded && res.version !== tenant.version) tenant.stale = true;

    const outcomes: RuleOutcome[] = rules.map((rule, i) => {
      const r = res.results[i]!;
      return {
        rule,
        key: checks[i]!.key,
        enforced: checks[i]!.enforce && !res.bypassed,
        allowed: r.allowed,
        limit: rule.limit,
        remaining: r.remaining,
        resetSec: ceilSec(r.resetMs),
        retryAfterSec: r.allowed ? 0 : Math.max(1, ceilSec(r.retryAfterMs)),
        windowSec: windowSec(rule, res.nowMs),
      };
    });
    const violated = outcomes.filter((o) => o.enforced && !o.allowed);
    const denied = violated.length > 0;
    if (denied) this.cacheDenials(violated, res, checks, localNow, degraded);
    return {
      ...base,
      status: denied ? 'denied' : 'allowed',
      outcomes,
      violated: violated.map((o) => o.rule.id),
      retryAfterSec: denied ? Math.max(...violated.map((o) => o.retryAfterSec)) : 0,
      degraded,
      bypassed: res.bypassed,
      shadowDenied: outcomes.some((o) => !o.enforced && !o.allowed),
      nearLimit:
        !denied && outcomes.some((o) => o.enforced && o.remaining < capacity(o.rule) * this.d.nearLimitRatio),
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** Waits once (≤ `connectTimeoutMs`) for the store's first connection, so a cold start is not an outage. */
  private warmUp(): Promise<void> {
    this.warming ??= (this.d.store.warmUp?.(this.d.connectTimeoutMs) ?? Promise.resolve())
      .catch(() => undefined)
      .finally(() => {
        this.warmed = true;
      });
    return this.warming;
  }

  /**
   * Read-only usage per rule of a tenant's effective policy (tenant-scope rules, plus user-scope rules for `userId`
   * when given), without counting anything.
   * @throws store errors (timeout, circuit open) — the admin API answers 503
   */
  async usage(q: { tenantId: string; tier: Tier; userId?: string }): Promise<UsageEntry[]> {
    const tenantSpecific = await this.d.flags.isEnabled('tenant_specific_limits');
    const [tierRes, tenantRes] = await Promise.all([this.tierRules(q.tier), this.tenantEntry(q.tenantId)]);
    const rules = effectivePolicy(tierRes.rules, tenantRes.entry.limits.rules, tenantSpecific).filter((r) =>
      r.scope === 'tenant'
        ? true
        : q.userId !== undefined && (r.subject === undefined || r.subject === q.userId),
    );
    if (rules.length === 0) return [];
    const checks = rules.map((r) => toCheck(r, q.tenantId, q.userId, r.mode === 'enforce'));
    const res = await this.breaker.exec(() =>
      this.d.store.evaluate({
        versionKey: policyVersionKey(q.tenantId),
        checks,
        bypassUntilMs: 0,
        mode: 'peek',
      }),
    );
    return rules.map((rule, i) => {
      const r = res.results[i]!;
      const cap = capacity(rule);
      return {
        ruleId: rule.id,
        scope: rule.scope,
        kind: rule.kind,
        mode: rule.mode,
        limit: rule.limit,
        capacity: cap,
        remaining: Math.min(cap, r.remaining),
        used: Math.max(0, cap - r.remaining),
        resetSec: ceilSec(r.resetMs),
        ...(rule.kind === 'rate'
          ? { periodSec: rule.periodSec, burst: rule.burst ?? rule.limit }
          : { window: rule.window }),
        ...(rule.match ? { match: rule.match } : {}),
        ...(rule.subject !== undefined ? { subject: rule.subject } : {}),
        ...(rule.scope === 'user' && q.userId !== undefined ? { userId: q.userId } : {}),
      };
    });
  }

  /**
   * Publishes a tenant policy change: writes a fresh version token to the tenant's version key (every limiter's next
   * decision for the tenant gets `stale` from the script — nothing counted — re-reads the policy and decides on the
   * new one) and drops this process's cache.
   * @throws store errors (the caller should retry or report; cached policies still expire after `policyMaxAgeMs`)
   */
  async bumpPolicyVersion(tenantId: string): Promise<void> {
    this.invalidate(tenantId);
    await this.d.store.bumpVersion(policyVersionKey(tenantId));
  }

  /**
   * Publishes a tier policy change: writes a fresh token to the tier-versions hash, which limiters poll every
   * `tierVersionPollMs` (default 500 ms); drops this process's cached tier policy.
   * @throws store errors
   */
  async bumpTierVersion(tier: Tier): Promise<void> {
    this.tiers.delete(tier);
    await this.d.store.bumpTierVersion(tier);
  }

  /** Drops cached policies (one tenant, or everything) and cached denials. */
  invalidate(tenantId?: string): void {
    this.resolved.clear();
    if (tenantId === undefined) {
      this.tenants.clear();
      this.tiers.clear();
      this.denials.clear();
      return;
    }
    this.tenants.delete(tenantId);
    const prefix = policyVersionKey(tenantId).slice(0, -'cfg'.length);
    for (const k of this.denials.keys()) if (k.startsWith(prefix)) this.denials.delete(k);
  }

  /**
   * Applicable rules and their store checks for a request, memoised per (tier, tenant, user, method, route, flags)
   * and invalidated by identity when the tier rules or the tenant's policy entry are replaced.
   */
  private resolve(
    req: CheckRequest,
    routeKey: string,
    tierRules: Rule[],
    tenant: TenantEntry,
    enabled: boolean,
    tenantSpecific: boolean,
  ): { rules: Rule[]; checks: LimitCheck[] } {
    const method = req.method ?? req.route.method;
    const k = `${req.tier}\u0001${req.tenantId}\u0001${req.userId}\u0001${method}\u0001${routeKey}\u0001${enabled ? 1 : 0}${tenantSpecific ? 1 : 0}`;
    const hit = this.resolved.get(k);
    if (hit && hit.tierRules === tierRules && hit.tenant === tenant) return hit;
    const rules = applicableRules(effectivePolicy(tierRules, tenant.limits.rules, tenantSpecific), {
      method,
      routeMethod: req.route.method,
      routePath: req.route.path,
      limitClass: req.route.limitClass,
      userId: req.userId,
    });
    const checks = rules.map((r) => toCheck(r, req.tenantId, req.userId, enabled && r.mode === 'enforce'));
    if (this.resolved.size >= RESOLVED_CACHE_SIZE) this.resolved.clear();
    const entry = { tierRules, tenant, rules, checks };
    this.resolved.set(k, entry);
    return entry;
  }

  private cachedDenial(checks: LimitCheck[], now: number): CachedDenial | undefined {
    if (this.d.overLimitCacheMs <= 0 || this.denials.size === 0) return undefined;
    for (const c of checks) {
      if (!c.enforce) continue;
      const hit = this.denials.get(c.key);
      if (!hit) continue;
      if (hit.until > now) return hit;
      this.denials.delete(c.key);
    }
    return undefined;
  }

  private cacheDenials(
    violated: RuleOutcome[],
    res: EvaluateResult,
    checks: LimitCheck[],
    now: number,
    degraded: boolean,
  ): void {
    if (this.d.overLimitCacheMs <= 0) return;
    for (const o of violated) {
      const i = checks.findIndex((c) => c.key === o.key);
      const retryMs = res.results[i]?.retryAfterMs ?? 0;
      if (retryMs <= 0) continue;
      if (this.denials.size >= this.d.overLimitCacheSize) {
        const oldest = this.denials.keys().next().value;
        if (oldest !== undefined) this.denials.delete(oldest);
      }
      this.denials.set(o.key, {
        until: now + Math.min(retryMs, this.d.overLimitCacheMs),
        degraded,
        allowAt: now + retryMs,
        outcome: { ...o, remaining: 0 },
      });
    }
  }

  private cachedTenant(tenantId: string): Loaded<TenantEntry> | undefined {
    const cur = this.tenants.get(tenantId);
    if (cur && !cur.stale && this.d.now() - cur.loadedAt < this.d.policyMaxAgeMs)
      return { entry: cur, redisMs: 0 };
    return undefined;
  }

  private cachedTierRules(tier: Tier): { rules: Rule[]; redisMs: number } | undefined {
    if (this.tierVersions === undefined) return undefined;
    const now = this.d.now();
    if (now - this.lastTierPoll >= this.d.tierVersionPollMs) void this.pollTierVersions(now);
    const cur = this.tiers.get(tier);
    if (cur && !cur.stale && now - cur.loadedAt < this.d.policyMaxAgeMs)
      return { rules: cur.rules, redisMs: 0 };
    return undefined;
  }

  private async tenantEntry(tenantId: string): Promise<Loaded<TenantEntry>> {
    const cur = this.tenants.get(tenantId);
    if (cur && !cur.stale && this.d.now() - cur.loadedAt < this.d.policyMaxAgeMs)
      return { entry: cur, redisMs: 0 };
    let p = this.tenantLoads.get(tenantId);
    if (!p) {
      p = this.loadTenant(tenantId, cur).finally(() => this.tenantLoads.delete(tenantId));
      this.tenantLoads.set(tenantId, p);
    }
    return p;
  }

  /**
   * Reloads a tenant policy the store reported stale, at the `version` the store returned (read before the policy,
   * so a bump racing the read shows up as stale again). Shares an in-flight load; drops the tenant's cached denials.
   */
  private async reloadTenant(
    tenantId: string,
    cur: TenantEntry,
    version: string,
  ): Promise<Loaded<TenantEntry>> {
    cur.stale = true;
    const prefix = policyVersionKey(tenantId).slice(0, -'cfg'.length);
    for (const k of this.denials.keys()) if (k.startsWith(prefix)) this.denials.delete(k);
    let p = this.tenantLoads.get(tenantId);
    if (!p) {
      p = this.loadTenant(tenantId, cur, version).finally(() => this.tenantLoads.delete(tenantId));
      this.tenantLoads.set(tenantId, p);
    }
    return p;
  }

  private async loadTenant(
    tenantId: string,
    cur: TenantEntry | undefined,
    knownVersion?: string,
  ): Promise<Loaded<TenantEntry>> {
    // Read the version first: a bump after this read shows up as a different version in the next decision.
    const t0 = this.d.now();
    const version =
      knownVersion ??
      (await this.breaker
        .exec(() => this.d.store.getVersion(policyVersionKey(tenantId)))
        .catch(() => undefined));
    const redisMs = this.d.now() - t0;
    let entry: TenantEntry;
    try {
      const limits = await this.d.policySource.tenantLimits(tenantId);
      entry = { limits, version, loadedAt: this.d.now(), stale: false };
    } catch (e) {
      this.d.onPolicyError?.(e, `tenant ${tenantId}`);
      // Keep the last known policy (or tier defaults only); retry after RETRY_FAILED_LOAD_MS.
      entry = {
        limits: cur?.limits ?? { rules: [], bypasses: [] },
        version: cur?.version,
        loadedAt: this.d.now() - this.d.policyMaxAgeMs + RETRY_FAILED_LOAD_MS,
        stale: false,
      };
    }
    this.tenants.set(tenantId, entry);
    return { entry, redisMs };
  }

  private pollTierVersions(now: number): Promise<void> {
    if (this.tierPoll) return this.tierPoll;
    this.lastTierPoll = now;
    // Never take a half-open circuit's single trial call away from a request.
    if (this.tierVersions !== undefined && this.breaker.state !== 'closed') return Promise.resolve();
    this.tierPoll = this.breaker
      .exec(() => this.d.store.getTierVersions())
      .then((versions) => {
        this.tierVersions = versions;
        for (const [tier, e] of this.tiers) if (e.version !== (versions[tier] ?? '')) e.stale = true;
      })
      .catch(() => undefined)
      .finally(() => {
        this.tierPoll = undefined;
      });
    return this.tierPoll;
  }

  private async tierRules(tier: Tier): Promise<{ rules: Rule[]; redisMs: number }> {
    const now = this.d.now();
    let redisMs = 0;
    if (now - this.lastTierPoll >= this.d.tierVersionPollMs) {
      const p = this.pollTierVersions(now);
      // Only the very first poll is waited for (it tells which tier versions the cached policies belong to).
      if (this.tierVersions === undefined) {
        await p;
        redisMs = this.d.now() - now;
      }
    }
    const cur = this.tiers.get(tier);
    if (cur && !cur.stale && now - cur.loadedAt < this.d.policyMaxAgeMs) return { rules: cur.rules, redisMs };
    let p = this.tierLoads.get(tier);
    if (!p) {
      p = this.loadTier(tier, cur).finally(() => this.tierLoads.delete(tier));
      this.tierLoads.set(tier, p);
    }
    return { rules: (await p).rules, redisMs };
  }

  private async loadTier(tier: Tier, cur: TierEntry | undefined): Promise<TierEntry> {
    const version = this.tierVersions ? (this.tierVersions[tier] ?? '') : undefined;
    let entry: TierEntry;
    try {
      entry = {
        rules: await this.d.policySource.tierRules(tier),
        version,
        loadedAt: this.d.now(),
        stale: false,
      };
    } catch (e) {
      this.d.onPolicyError?.(e, `tier ${tier}`);
      entry = {
        rules: cur?.rules ?? TIER_TABLE[tier].defaultPolicy,
        version: cur?.version,
        loadedAt: this.d.now() - this.d.policyMaxAgeMs + RETRY_FAILED_LOAD_MS,
        stale: false,
      };
    }
    this.tiers.set(tier, entry);
    return entry;
  }
}
