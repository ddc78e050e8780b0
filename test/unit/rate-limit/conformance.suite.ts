/**
 * One conformance suite for every LimiterStore (run by memory-store.test.ts with a fake clock and by
 * test/integration/rate-limit/redis-store.test.ts against a real redis-server with real time).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { ceilSec } from '../../../lambdas/shared/rate-limit/core/decision';
import { rateLimitHeaders } from '../../../lambdas/shared/rate-limit/core/headers';
import { counterKey, policyVersionKey } from '../../../lambdas/shared/rate-limit/core/keys';
import { type FlagReader, RateLimiter } from '../../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import type {
  EvaluateRequest,
  LimitCheck,
  LimiterStore,
} from '../../../lambdas/shared/rate-limit/core/store';
import type { Rule, RuleInput } from '../../../lib/config/policy';
import { policySchema } from '../../../lib/config/policy';
import { ROUTES } from '../../../lib/config/routes';

/** How the suite drives a store and its clock. */
export interface StoreHarness {
  store: LimiterStore;
  /** The store's current time, epoch ms (fake clock, or Date.now for Redis on this machine). */
  now(): number;
  /** Lets `ms` pass (advances the fake clock, or sleeps). */
  advance(ms: number): Promise<void>;
  /** Remaining TTL of a key, ms (-1 = no TTL, -2 = absent). */
  pttl(key: string): Promise<number>;
  /** Sets the clock to an absolute time (fake clocks only). */
  setTime?: (ms: number) => void;
}

let seq = 0;
/** A fresh tenant id per test (a shared Redis keeps state between tests). */
export function freshTenant(prefix = 't'): string {
  seq++;
  return `${prefix}-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 7)}`;
}

const rate = (key: string, limit: number, periodSec: number, burst = limit, enforce = true): LimitCheck => {
  const intervalMs = (periodSec * 1000) / limit;
  return { kind: 'rate', key, intervalMs, toleranceMs: intervalMs * burst, enforce };
};
const quota = (key: string, limit: number, window: 'day' | 'month' | number, enforce = true): LimitCheck => ({
  kind: 'quota',
  key,
  limit,
  window,
  enforce,
});
const req = (
  tenant: string,
  checks: LimitCheck[],
  extra: Partial<EvaluateRequest> = {},
): EvaluateRequest => ({
  versionKey: policyVersionKey(tenant),
  checks,
  bypassUntilMs: 0,
  mode: 'check',
  ...extra,
});
const rk = (tenant: string, id: string, userId?: string) =>
  counterKey({ tenantId: tenant, ruleId: id, kind: 'rate', ...(userId ? { userId } : {}) });

/** Flags for limiter-level cases. */
export function fixedFlags(values: Partial<Record<string, boolean>> = {}): FlagReader {
  return { isEnabled: async (n) => values[n] ?? true };
}

/** Registers the conformance cases for a store. `make` is called in each test (after the file's beforeAll). */
export function storeConformance(name: string, make: () => StoreHarness): void {
  describe(`LimiterStore conformance: ${name}`, () => {
    it('GCRA exactness: limit 5/s burst 5 → 5 allowed, the 6th denied with Retry-After 1', async () => {
      const h = make();
      const t = freshTenant();
      const k = rk(t, 'r');
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await h.store.evaluate(req(t, [rate(k, 5, 1)]));
        expect(r.blocked).toBe(false);
        expect(r.results[0]!.allowed).toBe(true);
        remaining.push(r.results[0]!.remaining);
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
      const denied = await h.store.evaluate(req(t, [rate(k, 5, 1)]));
      expect(denied.blocked).toBe(true);
      expect(denied.results[0]!.allowed).toBe(false);
      expect(denied.results[0]!.retryAfterMs).toBeGreaterThan(0);
      expect(denied.results[0]!.retryAfterMs).toBeLessThanOrEqual(200);
      expect(ceilSec(denied.results[0]!.retryAfterMs)).toBe(1);
    });

    it('refills one request every T and allows a client that waits Retry-After', async () => {
      const h = make();
      const t = freshTenant();
      const k = rk(t, 'r');
      for (let i = 0; i < 5; i++) await h.store.evaluate(req(t, [rate(k, 5, 1)]));
      await h.advance(250);
      expect((await h.store.evaluate(req(t, [rate(k, 5, 1)]))).blocked).toBe(false);
      const denied = await h.store.evaluate(req(t, [rate(k, 5, 1)]));
      expect(denied.blocked).toBe(true);
      await h.advance(ceilSec(denied.results[0]!.retryAfterMs) * 1000);
      expect((await h.store.evaluate(req(t, [rate(k, 5, 1)]))).blocked).toBe(false);
    });

    it('burst smaller than limit: 10/s with burst 2 allows 2 at once', async () => {
      const h = make();
      const t = freshTenant();
      const k = rk(t, 'b');
      const out = [];
      for (let i = 0; i < 3; i++) out.push((await h.store.evaluate(req(t, [rate(k, 10, 1, 2)]))).blocked);
      expect(out).toEqual([false, false, true]);
    });

    it('fixed-window quota rolls over at the window boundary', async () => {
      const h = make();
      const t = freshTenant();
      const k = counterKey({ tenantId: t, ruleId: 'q', kind: 'quota', window: 2 });
      // Start just after a 2 s boundary so the whole sequence fits in one window.
      const into = h.now() % 2000;
      await h.advance(2000 - into + 20);
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await h.store.evaluate(req(t, [quota(k, 3, 2)])));
      expect(results.map((r) => r.blocked)).toEqual([false, false, false, true]);
      expect(results.map((r) => r.results[0]!.remaining)).toEqual([2, 1, 0, 0]);
      const wait = results[3]!.results[0]!.retryAfterMs;
      expect(wait).toBeGreaterThan(1000);
      expect(wait).toBeLessThanOrEqual(2000);
      expect(results[3]!.results[0]!.resetMs).toBe(wait);
      await h.advance(wait + 20);
      const next = await h.store.evaluate(req(t, [quota(k, 3, 2)]));
      expect(next.blocked).toBe(false);
      expect(next.results[0]!.remaining).toBe(2);
    });

    it('day and month quotas report the time to the next UTC midnight / first of month', async () => {
      const h = make();
      const t = freshTenant();
      const kd = counterKey({ tenantId: t, ruleId: 'd', kind: 'quota', window: 'day' });
      const km = counterKey({ tenantId: t, ruleId: 'm', kind: 'quota', window: 'month' });
      const r = await h.store.evaluate(req(t, [quota(kd, 10, 'day'), quota(km, 10, 'month')]));
      const now = r.nowMs;
      const d = new Date(now);
      const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      const firstOfMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      expect(Math.abs(r.results[0]!.resetMs - (midnight - now))).toBeLessThanOrEqual(2);
      expect(Math.abs(r.results[1]!.resetMs - (firstOfMonth - now))).toBeLessThanOrEqual(2);
    });

    it('shadow checks never block, and are counted only while they would allow', async () => {
      const h = make();
      const t = freshTenant();
      const ks = rk(t, 'shadow');
      const ke = rk(t, 'enforced');
      const out = [];
      for (let i = 0; i < 3; i++) {
        out.push(await h.store.evaluate(req(t, [rate(ks, 1, 60, 1, false), rate(ke, 100, 60)])));
      }
      expect(out.map((r) => r.blocked)).toEqual([false, false, false]);
      expect(out.map((r) => r.results[0]!.allowed)).toEqual([true, false, false]);
      expect(out.map((r) => r.results[1]!.remaining)).toEqual([99, 98, 97]);
    });

    it('bypass: nothing blocks until it expires (store time), requests are still counted', async () => {
      const h = make();
      const t = freshTenant();
      const k = rk(t, 'one');
      const until = h.now() + 300;
      const during = [];
      for (let i = 0; i < 3; i++)
        during.push(await h.store.evaluate(req(t, [rate(k, 1, 60)], { bypassUntilMs: until })));
      expect(during.map((r) => [r.blocked, r.bypassed])).toEqual([
        [false, true],
        [false, true],
        [false, true],
      ]);
      expect(during.map((r) => r.results[0]!.allowed)).toEqual([true, false, false]);
      await h.advance(400);
      const after = await h.store.evaluate(req(t, [rate(k, 1, 60)], { bypassUntilMs: until }));
      expect(after.bypassed).toBe(false);
      expect(after.blocked).toBe(true);
    });

    it('all-or-nothing: a denied user rule leaves the tenant counter untouched', async () => {
      const h = make();
      const t = freshTenant();
      const kt = rk(t, 'tenant');
      const ku = rk(t, 'user', 'alice');
      const kq = counterKey({ tenantId: t, ruleId: 'daily', kind: 'quota', window: 'day' });
      const checks = [rate(kt, 10, 60), rate(ku, 2, 60), quota(kq, 100, 'day')];
      await h.store.evaluate(req(t, checks));
      await h.store.evaluate(req(t, checks));
      const denied = await h.store.evaluate(req(t, checks));
      expect(denied.blocked).toBe(true);
      // The allowed checks report their unchanged state.
      expect(denied.results[0]!.remaining).toBe(8);
      expect(denied.results[2]!.remaining).toBe(98);
      const peek = await h.store.evaluate(req(t, checks, { mode: 'peek' }));
      expect(peek.results.map((r) => r.remaining)).toEqual([8, 0, 98]);
      expect(peek.blocked).toBe(false);
    });

    it('peek counts nothing', async () => {
      const h = make();
      const t = freshTenant();
      const k = rk(t, 'p');
      for (let i = 0; i < 3; i++) await h.store.evaluate(req(t, [rate(k, 2, 60)], { mode: 'peek' }));
      const r = await h.store.evaluate(req(t, [rate(k, 2, 60)]));
      expect(r.results[0]!.remaining).toBe(1);
    });

    it('every key written has a TTL', async () => {
      const h = make();
      const t = freshTenant();
      const keys = [
        rk(t, 'a'),
        rk(t, 'b', 'u1'),
        counterKey({ tenantId: t, ruleId: 'c', kind: 'quota', window: 'month' }),
      ];
      await h.store.evaluate(
        req(t, [rate(keys[0]!, 10, 60), rate(keys[1]!, 10, 3600), quota(keys[2]!, 5, 'month')]),
      );
      await h.store.bumpVersion(policyVersionKey(t));
      for (const k of [...keys, policyVersionKey(t)]) {
        const ttl = await h.pttl(k);
        expect(ttl, k).toBeGreaterThan(0);
      }
      // Rate keys live until TAT + τ rounded up to a whole second, plus 1 s: never expire while they hold state, and
      // at most TAT + τ + 2 s (10/60 s: T = 6 s, τ = 60 s).
      expect(await h.pttl(keys[0]!)).toBeGreaterThan(6_000 + 60_000);
      expect(await h.pttl(keys[0]!)).toBeLessThanOrEqual(6_000 + 60_000 + 2_000);
    });

    it('returns the tenant policy version with every decision', async () => {
      const h = make();
      const t = freshTenant();
      expect((await h.store.evaluate(req(t, [rate(rk(t, 'v'), 5, 1)]))).version).toBe('');
      const token = await h.store.bumpVersion(policyVersionKey(t));
      expect(await h.store.getVersion(policyVersionKey(t))).toBe(token);
      expect((await h.store.evaluate(req(t, [rate(rk(t, 'v'), 5, 1)]))).version).toBe(token);
      const token2 = await h.store.bumpVersion(policyVersionKey(t));
      expect(token2).not.toBe(token);
      const tier = await h.store.bumpTierVersion('premium');
      expect((await h.store.getTierVersions()).premium).toBe(tier);
    });

    it('a stale expected version: nothing evaluated or counted, the current version returned', async () => {
      const h = make();
      const t = freshTenant();
      const k = rk(t, 'sv');
      // Unset key: '' is the expected version; a token is stale.
      expect((await h.store.evaluate(req(t, [rate(k, 5, 60)], { expectVersion: '' }))).stale).toBeFalsy();
      const stale = await h.store.evaluate(req(t, [rate(k, 5, 60)], { expectVersion: 'old-token' }));
      expect(stale).toMatchObject({ stale: true, version: '', results: [] });
      const token = await h.store.bumpVersion(policyVersionKey(t));
      const stale2 = await h.store.evaluate(req(t, [rate(k, 5, 60)], { expectVersion: '' }));
      expect(stale2).toMatchObject({ stale: true, version: token, results: [] });
      // Only the first (matching) call counted: 5/60 s → 3 left after the next one.
      const ok = await h.store.evaluate(req(t, [rate(k, 5, 60)], { expectVersion: token }));
      expect(ok.stale).toBeFalsy();
      expect(ok.version).toBe(token);
      expect(ok.results[0]).toMatchObject({ allowed: true, remaining: 3 });
      // Peek and calls without an expectation never compare.
      const peek = await h.store.evaluate(req(t, [rate(k, 5, 60)], { mode: 'peek', expectVersion: 'x' }));
      expect(peek.stale).toBeFalsy();
      expect(peek.results[0]!.remaining).toBe(3);
    });

    it('limiter on this store: a lowered tenant limit applies to the very next decision (no extra request)', async () => {
      const h = make();
      const t = freshTenant();
      const source = new StaticPolicySource();
      source.setTierRules('free', [
        { id: 'tenant', scope: 'tenant', kind: 'rate', limit: 1000, periodSec: 3600 },
      ]);
      source.setTenantRules(t, [{ id: 'user', scope: 'user', kind: 'rate', limit: 5, periodSec: 60 }]);
      const mk = () =>
        new RateLimiter({
          store: h.store,
          fallback: new MemoryStore(),
          policySource: source,
          flags: fixedFlags(),
          timeoutMs: 1_000,
          now: h.now,
        });
      const limiter = mk();
      const admin = mk(); // another container: this limiter's cache is not dropped locally
      const route = ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/reports')!;
      const check = () => limiter.check({ tenantId: t, userId: 'alice', tier: 'free', route });
      const first = await check();
      expect(first.status).toBe('allowed');
      const oldUser = first.outcomes.find((o) => o.rule.id === 'user')!;
      expect([oldUser.limit, oldUser.remaining]).toEqual([5, 4]);
      const tenantKey = first.outcomes.find((o) => o.rule.id === 'tenant')!.key;

      source.setTenantRules(t, [{ id: 'user', scope: 'user', kind: 'rate', limit: 2, periodSec: 60 }]);
      await admin.bumpPolicyVersion(t);
      const after = [];
      for (let i = 0; i < 4; i++) after.push(await check());
      expect(after.map((d) => d.status)).toEqual(['allowed', 'allowed', 'denied', 'denied']);
      for (const d of after) expect(d.outcomes.find((o) => o.rule.id === 'user')!.limit).toBe(2);
      expect(after[2]!.violated).toEqual(['user']);
      // The call that found the policy stale counted nothing: the old user counter still has 4 left, and the
      // tenant counter saw exactly 1 + 2 allowed requests.
      const peek = (key: string, limit: number, periodSec: number) =>
        h.store.evaluate(req(t, [rate(key, limit, periodSec)], { mode: 'peek' }));
      expect((await peek(oldUser.key, 5, 60)).results[0]!.remaining).toBe(4);
      expect((await peek(tenantKey, 1000, 3600)).results[0]!.remaining).toBe(997);
    });

    it('limiter on this store: headers describe every enforced rule, 429 Retry-After rounded up', async () => {
      const h = make();
      const t = freshTenant();
      const source = new StaticPolicySource();
      const rules: RuleInput[] = [
        { id: 'tenant-burst', scope: 'tenant', kind: 'rate', limit: 5, periodSec: 1 },
        { id: 'user-burst', scope: 'user', kind: 'rate', limit: 3, periodSec: 1 },
        { id: 'tenant-day', scope: 'tenant', kind: 'quota', limit: 1000, window: 'day' },
        { id: 'watch', scope: 'tenant', kind: 'rate', limit: 1, periodSec: 60, mode: 'shadow' },
      ];
      source.setTierRules('free', rules);
      const limiter = new RateLimiter({
        store: h.store,
        fallback: new MemoryStore(),
        policySource: source,
        flags: fixedFlags(),
        timeoutMs: 1_000,
      });
      const route = ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/reports')!;
      const check = () => limiter.check({ tenantId: t, userId: 'alice', tier: 'free', route });
      const first = await check();
      expect(first.status).toBe('allowed');
      const h1 = rateLimitHeaders(first);
      expect(h1['RateLimit-Policy']).toBe(
        '"tenant-burst";q=5;w=1, "user-burst";q=3;w=1, "tenant-day";q=1000;w=86400',
      );
      expect(h1.RateLimit).toMatch(
        /^"tenant-burst";r=4;t=1, "user-burst";r=2;t=1, "tenant-day";r=999;t=\d+$/,
      );
      expect(h1['X-RateLimit-Limit']).toBe('3');
      expect(h1['X-RateLimit-Remaining']).toBe('2');
      expect(h1['X-RateLimit-Reset']).toBe('1');
      expect(h1['Retry-After']).toBeUndefined();
      await check();
      const third = await check();
      expect(third.shadowDenied).toBe(true);
      expect(third.nearLimit).toBe(true);
      const denied = await check();
      expect(denied.status).toBe('denied');
      expect(denied.violated).toEqual(['user-burst']);
      const hd = rateLimitHeaders(denied);
      expect(hd['Retry-After']).toBe('1');
      expect(hd['X-RateLimit-Remaining']).toBe('0');
      expect(hd['X-RateLimit-Limit']).toBe('3');
      expect(hd.RateLimit).toContain('"tenant-burst";r=2;');
    });
  });
}

/** Parses rules for tests. */
export function rulesOf(input: RuleInput[]): Rule[] {
  return policySchema.parse(input);
}
