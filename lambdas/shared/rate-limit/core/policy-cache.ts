import type { Rule } from '../../../../lib/config/policy';
import type { Tier } from '../../../../lib/config/tier-names';
import { TIER_TABLE } from '../../../../lib/config/tiers';
import type { CircuitBreaker } from './breaker';
import { policyVersionKey, TIER_VERSIONS_KEY } from './keys';
import type { PolicySource, TenantLimits } from './policy-source';
import type { LimiterStore } from './store';

/** A cached tenant policy. */
export interface TenantEntry {
  limits: TenantLimits;
  /** Version token seen when loaded; undefined = unknown (store was down). */
  version: string | undefined;
  /** Local clock (epoch ms) of the load. */
  loadedAt: number;
  /** Known to be outdated: the next use re-reads it. */
  stale: boolean;
}

interface TierEntry {
  rules: Rule[];
  version: string | undefined;
  loadedAt: number;
  stale: boolean;
}

/** A cached value and the time its lookup spent waiting on the store, ms (counts against a request's budget). */
export interface Loaded<T> {
  value: T;
  redisMs: number;
}

/** Dependencies and tuning of a {@link PolicyCache} (defaults: `LIMITER_DEFAULTS` in `settings.ts`). */
export interface PolicyCacheOptions {
  /** Version reads (`getVersion`, `getTierVersions`) and the first-connection wait (`warmUp`). */
  store: Pick<LimiterStore, 'getVersion' | 'getTierVersions' | 'warmUp'>;
  /**
   * The limiter's breaker of the shard serving a key: version reads share the timeout and circuit of the decisions
   * on the same shard.
   */
  breakerFor: (key: string) => CircuitBreaker;
  policySource: PolicySource;
  /** Local clock, epoch ms (cache ages only). */
  now: () => number;
  /** How often tier versions are polled, ms. */
  tierVersionPollMs: number;
  /** Cached policies are re-read after this long even without a version change, ms. */
  policyMaxAgeMs: number;
  /** Longest wait for the store's first connection, ms. */
  connectTimeoutMs: number;
  /** Called when a policy read fails (the last known or default policy is used). */
  onPolicyError?: (error: unknown, what: string) => void;
}

/** A tenant without overrides or bypasses. */
const EMPTY_LIMITS: Readonly<TenantLimits> = { rules: [], bypasses: [] };

/** After a failed policy read, retry this much later, ms. */
const RETRY_FAILED_LOAD_MS = 5_000;

/**
 * The limiter's policy cache: tier rules and tenant policies (overrides + bypasses) read from the
 * {@link PolicySource} only when their version changes — tenant versions come back from the store with every
 * decision (`stale`), tier versions are polled every `tierVersionPollMs` — or after `policyMaxAgeMs`. Concurrent
 * misses share one in-flight read. A failed read keeps the last known policy (tier defaults when none) and is
 * retried 5 s later. Also holds the once-per-process wait for the store's first connection (`warmUp`).
 */
export class PolicyCache {
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly tiers = new Map<Tier, TierEntry>();
  private readonly tenantLoads = new Map<string, Promise<Loaded<TenantEntry>>>();
  private readonly tierLoads = new Map<Tier, Promise<TierEntry>>();
  private tierVersions: Record<string, string> | undefined;
  private lastTierPoll = Number.NEGATIVE_INFINITY;
  private tierPoll: Promise<void> | undefined;
  private warming: Promise<void> | undefined;
  /** The first-connection wait is over (the store's `warmUp` settled or timed out). */
  warmed = false;

  constructor(private readonly o: PolicyCacheOptions) {}

  /** Waits once (≤ `connectTimeoutMs`) for the store's first connection, so a cold start is not an outage. */
  warmUp(): Promise<void> {
    this.warming ??= (this.o.store.warmUp?.(this.o.connectTimeoutMs) ?? Promise.resolve())
      .catch(() => undefined)
      .finally(() => {
        this.warmed = true;
      });
    return this.warming;
  }

  /** The tier's rules when cached and fresh (no await: the per-request fast path); starts a due tier poll. */
  cachedTier(tier: Tier): Loaded<Rule[]> | undefined {
    if (this.tierVersions === undefined) return undefined;
    const now = this.o.now();
    if (now - this.lastTierPoll >= this.o.tierVersionPollMs) void this.pollTierVersions(now);
    const cur = this.tiers.get(tier);
    if (cur && this.fresh(cur, now)) return { value: cur.rules, redisMs: 0 };
    return undefined;
  }

  /** The tenant's policy when cached and fresh (no await). */
  cachedTenant(tenantId: string): Loaded<TenantEntry> | undefined {
    const cur = this.tenants.get(tenantId);
    if (cur && this.fresh(cur, this.o.now())) return { value: cur, redisMs: 0 };
    return undefined;
  }

  /** The tier's rules, read when missing, stale or old. The very first call waits for the first tier poll. */
  async tier(tier: Tier): Promise<Loaded<Rule[]>> {
    const now = this.o.now();
    let redisMs = 0;
    if (now - this.lastTierPoll >= this.o.tierVersionPollMs) {
      const p = this.pollTierVersions(now);
      // Only the very first poll is waited for (it tells which tier versions the cached policies belong to).
      if (this.tierVersions === undefined) {
        await p;
        redisMs = this.o.now() - now;
      }
    }
    const cur = this.tiers.get(tier);
    if (cur && this.fresh(cur, now)) return { value: cur.rules, redisMs };
    let p = this.tierLoads.get(tier);
    if (!p) {
      p = this.loadTier(tier, cur).finally(() => this.tierLoads.delete(tier));
      this.tierLoads.set(tier, p);
    }
    return { value: (await p).rules, redisMs };
  }

  /** The tenant's policy, read when missing, stale or old (one shared read for concurrent callers). */
  async tenant(tenantId: string): Promise<Loaded<TenantEntry>> {
    return this.cachedTenant(tenantId) ?? this.sharedTenantLoad(tenantId, this.tenants.get(tenantId));
  }

  /**
   * Reloads a tenant policy the store reported stale, at the `version` the store returned (read before the policy,
   * so a bump racing the read shows up as stale again). Shares an in-flight load.
   */
  reloadTenant(tenantId: string, cur: TenantEntry, version: string): Promise<Loaded<TenantEntry>> {
    cur.stale = true;
    return this.sharedTenantLoad(tenantId, cur, version);
  }

  /** Notes the tenant version a decision saw: a different one than the cached policy's marks the policy stale. */
  noteVersion(entry: TenantEntry, version: string): void {
    if (version !== entry.version) entry.stale = true;
  }

  /** Drops one tenant's policy, or every cached policy. */
  invalidate(tenantId?: string): void {
    if (tenantId !== undefined) {
      this.tenants.delete(tenantId);
      return;
    }
    this.tenants.clear();
    this.tiers.clear();
  }

  /** Drops one tier's cached rules. */
  invalidateTier(tier: Tier): void {
    this.tiers.delete(tier);
  }

  private fresh(e: { stale: boolean; loadedAt: number }, now: number): boolean {
    return !e.stale && now - e.loadedAt < this.o.policyMaxAgeMs;
  }

  private sharedTenantLoad(
    tenantId: string,
    cur: TenantEntry | undefined,
    version?: string,
  ): Promise<Loaded<TenantEntry>> {
    let p = this.tenantLoads.get(tenantId);
    if (!p) {
      p = this.loadTenant(tenantId, cur, version).finally(() => this.tenantLoads.delete(tenantId));
      this.tenantLoads.set(tenantId, p);
    }
    return p;
  }

  /** `loadedAt` of a failed read's fallback entry: it counts as fresh for {@link RETRY_FAILED_LOAD_MS}. */
  private retryLater(): number {
    return this.o.now() - this.o.policyMaxAgeMs + RETRY_FAILED_LOAD_MS;
  }

  /**
   * Reads one policy. On failure reports it (`onPolicyError`) and keeps the last known policy (else `fallback`) at
   * its old version, fresh for {@link RETRY_FAILED_LOAD_MS} only.
   */
  private async read<T>(
    what: string,
    read: () => Promise<T>,
    version: string | undefined,
    last: T | undefined,
    lastVersion: string | undefined,
    fallback: T,
  ): Promise<{ data: T; version: string | undefined; loadedAt: number }> {
    try {
      const data = await read();
      return { data, version, loadedAt: this.o.now() };
    } catch (e) {
      this.o.onPolicyError?.(e, what);
      return { data: last ?? fallback, version: lastVersion, loadedAt: this.retryLater() };
    }
  }

  private async loadTenant(
    tenantId: string,
    cur: TenantEntry | undefined,
    knownVersion?: string,
  ): Promise<Loaded<TenantEntry>> {
    // Read the version first: a bump after this read shows up as a different version in the next decision.
    const t0 = this.o.now();
    const version =
      knownVersion ??
      (await this.o
        .breakerFor(policyVersionKey(tenantId))
        .exec(() => this.o.store.getVersion(policyVersionKey(tenantId)))
        .catch(() => undefined));
    const redisMs = this.o.now() - t0;
    const read = () => this.o.policySource.tenantLimits(tenantId);
    // On failure: the last known policy, or tier defaults only ({ rules: [] }).
    const r = await this.read(`tenant ${tenantId}`, read, version, cur?.limits, cur?.version, EMPTY_LIMITS);
    const entry: TenantEntry = { limits: r.data, version: r.version, loadedAt: r.loadedAt, stale: false };
    this.tenants.set(tenantId, entry);
    return { value: entry, redisMs };
  }

  private pollTierVersions(now: number): Promise<void> {
    if (this.tierPoll) return this.tierPoll;
    this.lastTierPoll = now;
    // Never take a half-open circuit's single trial call away from a request.
    const breaker = this.o.breakerFor(TIER_VERSIONS_KEY);
    if (this.tierVersions !== undefined && breaker.state !== 'closed') return Promise.resolve();
    this.tierPoll = breaker
      .exec(() => this.o.store.getTierVersions())
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

  private async loadTier(tier: Tier, cur: TierEntry | undefined): Promise<TierEntry> {
    const version = this.tierVersions ? (this.tierVersions[tier] ?? '') : undefined;
    const read = () => this.o.policySource.tierRules(tier);
    const fallback = TIER_TABLE[tier].defaultPolicy;
    const r = await this.read(`tier ${tier}`, read, version, cur?.rules, cur?.version, fallback);
    const entry: TierEntry = { rules: r.data, version: r.version, loadedAt: r.loadedAt, stale: false };
    this.tiers.set(tier, entry);
    return entry;
  }
}
