import { describe, expect, it } from 'vitest';
import type { TenantEntry } from '../../../lambdas/shared/rate-limit/core/policy-cache';
import {
  ResolutionCache,
  type ResolutionRequest,
} from '../../../lambdas/shared/rate-limit/core/resolution-cache';
import type { Rule } from '../../../lib/config/policy';

const tenantRule: Rule = {
  id: 'tenant',
  scope: 'tenant',
  kind: 'rate',
  mode: 'enforce',
  limit: 10,
  periodSec: 60,
};
const userRule: Rule = { id: 'user', scope: 'user', kind: 'rate', mode: 'enforce', limit: 3, periodSec: 60 };
const writeRule: Rule = {
  id: 'writes',
  scope: 'tenant',
  kind: 'rate',
  mode: 'shadow',
  limit: 5,
  periodSec: 60,
  match: { limitClass: 'write' },
};
const entry = (rules: Rule[] = []): TenantEntry => ({
  limits: { rules, bypasses: [] },
  version: 'v1',
  loadedAt: 0,
  stale: false,
});
const req = (over: Partial<ResolutionRequest> = {}): ResolutionRequest => ({
  tenantId: 'acme',
  userId: 'alice',
  tier: 'standard',
  route: { method: 'GET', path: '/v1/reports', limitClass: 'read' },
  ...over,
});
const on = { enabled: true, tenantSpecific: true };

describe('ResolutionCache', () => {
  it('resolves the rules that apply to the route, one enforced check per enforce rule', () => {
    const cache = new ResolutionCache();
    const tier = [tenantRule, writeRule];
    const read = cache.get(req(), 'GET /v1/reports', tier, entry(), on);
    expect(read.rules.map((r) => r.id)).toEqual(['tenant']);
    const write = cache.get(
      req({ route: { method: 'POST', path: '/v1/reports', limitClass: 'write' } }),
      'POST /v1/reports',
      tier,
      entry(),
      on,
    );
    expect(write.rules.map((r) => r.id)).toEqual(['tenant', 'writes']);
    expect(write.checks.map((c) => c.enforce)).toEqual([true, false]);
  });

  it('returns the memoised resolution while the tier rules and tenant entry are the same objects', () => {
    const cache = new ResolutionCache();
    const tier = [tenantRule];
    const tenant = entry([userRule]);
    const first = cache.get(req(), 'GET /v1/reports', tier, tenant, on);
    expect(cache.get(req(), 'GET /v1/reports', tier, tenant, on)).toBe(first);
    // A replaced tenant entry (new policy) is resolved again, even with equal content.
    const again = cache.get(req(), 'GET /v1/reports', tier, entry([userRule]), on);
    expect(again).not.toBe(first);
    expect(again.rules.map((r) => r.id)).toEqual(['tenant', 'user']);
    expect(cache.size).toBe(1);
  });

  it('keys by flags: rate limiting off makes every check unenforced; tenant overrides off drops them', () => {
    const cache = new ResolutionCache();
    const tenant = entry([userRule]);
    const off = cache.get(req(), 'GET /v1/reports', [tenantRule], tenant, {
      enabled: false,
      tenantSpecific: true,
    });
    expect(off.checks.every((c) => !c.enforce)).toBe(true);
    const noOverrides = cache.get(req(), 'GET /v1/reports', [tenantRule], tenant, {
      enabled: true,
      tenantSpecific: false,
    });
    expect(noOverrides.rules.map((r) => r.id)).toEqual(['tenant']);
    expect(cache.size).toBe(2);
  });

  it('is bounded: when full it starts again instead of growing', () => {
    const cache = new ResolutionCache(3);
    for (const userId of ['a', 'b', 'c', 'd'])
      cache.get(req({ userId }), 'GET /v1/reports', [tenantRule], entry(), on);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
