import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { CircuitBreaker } from '../../../lambdas/shared/rate-limit/core/breaker';
import { policyVersionKey } from '../../../lambdas/shared/rate-limit/core/keys';
import { PolicyCache, type PolicyCacheOptions } from '../../../lambdas/shared/rate-limit/core/policy-cache';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import { LIMITER_DEFAULTS } from '../../../lambdas/shared/rate-limit/core/settings';
import type { Rule } from '../../../lib/config/policy';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { freshTenant } from './conformance.suite';

const tierRule: Rule = {
  id: 'tenant',
  scope: 'tenant',
  kind: 'rate',
  mode: 'enforce',
  limit: 7,
  periodSec: 60,
};
const override: Rule = { id: 'user', scope: 'user', kind: 'rate', mode: 'enforce', limit: 3, periodSec: 60 };

/** A policy source whose reads can be counted, held open and made to fail. */
class ControlledSource extends StaticPolicySource {
  fail = false;
  gate: Promise<void> | undefined;
  override async tierRules(tier: Parameters<StaticPolicySource['tierRules']>[0]): Promise<Rule[]> {
    await this.gate;
    if (this.fail) {
      this.reads++;
      throw new Error('DynamoDB down');
    }
    return super.tierRules(tier);
  }
  override async tenantLimits(tenantId: string) {
    await this.gate;
    if (this.fail) {
      this.reads++;
      throw new Error('DynamoDB down');
    }
    return super.tenantLimits(tenantId);
  }
}

function setup(over: Partial<PolicyCacheOptions> = {}) {
  let t = Date.UTC(2026, 10, 30, 12);
  const now = () => t;
  const store = new MemoryStore({ now });
  const source = new ControlledSource();
  source.setTierRules('free', [tierRule]);
  const errors: string[] = [];
  const breaker = new CircuitBreaker({ timeoutMs: 25, threshold: 5, cooldownMs: 2_000, now });
  const cache = new PolicyCache({
    ...LIMITER_DEFAULTS,
    store,
    breakerFor: () => breaker,
    policySource: source,
    now,
    onPolicyError: (_e, what) => errors.push(what),
    ...over,
  });
  return {
    cache,
    store,
    source,
    errors,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('PolicyCache', () => {
  it('reads a tenant policy once, then serves it from the cache (also synchronously) until the version changes', async () => {
    const s = setup();
    const tenant = freshTenant();
    s.source.setTenantRules(tenant, [override]);
    expect(s.cache.cachedTenant(tenant)).toBeUndefined();
    const first = await s.cache.tenant(tenant);
    expect(first.value.limits.rules.map((r) => r.id)).toEqual(['user']);
    expect(first.value.version).toBe('');
    const reads = s.source.reads;
    expect((await s.cache.tenant(tenant)).value).toBe(first.value);
    expect(s.cache.cachedTenant(tenant)?.value).toBe(first.value);
    expect(s.source.reads).toBe(reads);
    // A decision saw another version: the entry is stale and the next use re-reads it.
    s.cache.noteVersion(first.value, 'v2');
    expect(s.cache.cachedTenant(tenant)).toBeUndefined();
    await s.cache.tenant(tenant);
    expect(s.source.reads).toBe(reads + 1);
  });

  it('concurrent misses share one in-flight read (tenant and tier)', async () => {
    const s = setup();
    const tenant = freshTenant();
    let open!: () => void;
    s.source.gate = new Promise<void>((r) => {
      open = r;
    });
    const tenants = Array.from({ length: 5 }, () => s.cache.tenant(tenant));
    const tiers = Array.from({ length: 5 }, () => s.cache.tier('free'));
    open();
    const [t, r] = await Promise.all([Promise.all(tenants), Promise.all(tiers)]);
    expect(s.source.reads).toBe(2);
    expect(new Set(t.map((d) => d.value)).size).toBe(1);
    expect(r.every((d) => d.value[0]?.limit === 7)).toBe(true);
  });

  it('reloadTenant re-reads at the version the store returned and shares the read', async () => {
    const s = setup();
    const tenant = freshTenant();
    const { value: cur } = await s.cache.tenant(tenant);
    s.source.setTenantRules(tenant, [override]);
    const [a, b] = await Promise.all([
      s.cache.reloadTenant(tenant, cur, 'v9'),
      s.cache.reloadTenant(tenant, cur, 'v9'),
    ]);
    expect(a.value).toBe(b.value);
    expect(cur.stale).toBe(true);
    expect(a.value.version).toBe('v9');
    expect(a.redisMs).toBe(0); // the version came with the decision: no extra store read
    expect(a.value.limits.rules.map((r) => r.id)).toEqual(['user']);
  });

  it('reads the tenant version from the store before the policy', async () => {
    const s = setup();
    const tenant = freshTenant();
    const token = await s.store.bumpVersion(policyVersionKey(tenant));
    expect((await s.cache.tenant(tenant)).value.version).toBe(token);
  });

  it('tier rules: the first call waits for the tier-version poll; a bump is seen after the poll interval', async () => {
    const s = setup();
    expect(s.cache.cachedTier('free')).toBeUndefined(); // versions unknown until the first poll
    expect((await s.cache.tier('free')).value[0]?.limit).toBe(7);
    expect(s.cache.cachedTier('free')?.value[0]?.limit).toBe(7);
    s.source.setTierRules('free', [{ ...tierRule, limit: 9 }]);
    await s.store.bumpTierVersion('free');
    expect(s.cache.cachedTier('free')?.value[0]?.limit).toBe(7); // poll not due yet
    s.advance(LIMITER_DEFAULTS.tierVersionPollMs);
    s.cache.cachedTier('free'); // starts the due poll
    await new Promise((r) => setTimeout(r, 0));
    expect(s.cache.cachedTier('free')).toBeUndefined();
    expect((await s.cache.tier('free')).value[0]?.limit).toBe(9);
  });

  it('re-reads after policyMaxAgeMs even without a version change', async () => {
    const s = setup();
    const tenant = freshTenant();
    await s.cache.tenant(tenant);
    s.advance(LIMITER_DEFAULTS.policyMaxAgeMs - 1);
    expect(s.cache.cachedTenant(tenant)).toBeDefined();
    s.advance(1);
    expect(s.cache.cachedTenant(tenant)).toBeUndefined();
  });

  it('a failed read keeps the last known policy (tier defaults when none), reports it, and retries 5 s later', async () => {
    const s = setup();
    const tenant = freshTenant();
    s.source.setTenantRules(tenant, [override]);
    const { value: known } = await s.cache.tenant(tenant);
    s.cache.noteVersion(known, 'v2');
    s.source.fail = true;
    const kept = await s.cache.tenant(tenant);
    expect(kept.value.limits).toBe(known.limits);
    const tier = await s.cache.tier('standard');
    expect(tier.value).toBe(TIER_TABLE.standard.defaultPolicy);
    expect(s.errors).toEqual([`tenant ${tenant}`, 'tier standard']);
    s.advance(4_999);
    expect(s.cache.cachedTenant(tenant)).toBeDefined();
    s.advance(1);
    expect(s.cache.cachedTenant(tenant)).toBeUndefined();
  });

  it('invalidate drops one tenant or everything; invalidateTier drops one tier', async () => {
    const s = setup();
    const [a, b] = [freshTenant(), freshTenant()];
    await Promise.all([s.cache.tenant(a), s.cache.tenant(b), s.cache.tier('free')]);
    s.cache.invalidate(a);
    expect(s.cache.cachedTenant(a)).toBeUndefined();
    expect(s.cache.cachedTenant(b)).toBeDefined();
    s.cache.invalidateTier('free');
    expect(s.cache.cachedTier('free')).toBeUndefined();
    await s.cache.tier('free');
    s.cache.invalidate();
    expect(s.cache.cachedTenant(b)).toBeUndefined();
    expect(s.cache.cachedTier('free')).toBeUndefined();
  });

  it('waits for the store’s first connection once, at most connectTimeoutMs', async () => {
    const s = setup({ connectTimeoutMs: 40 });
    const waits: number[] = [];
    Object.assign(s.store, {
      warmUp: async (maxMs: number) => {
        waits.push(maxMs);
      },
    });
    expect(s.cache.warmed).toBe(false);
    await Promise.all([s.cache.warmUp(), s.cache.warmUp()]);
    await s.cache.warmUp();
    expect(s.cache.warmed).toBe(true);
    expect(waits).toEqual([40]);
  });
});
