import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { counterKey, policyVersionKey } from '../../../lambdas/shared/rate-limit/core/keys';
import { freshTenant, storeConformance } from './conformance.suite';

function fakeClock(start = Date.UTC(2026, 10, 30, 12, 0, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance: async (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
}

storeConformance('memory (fake clock)', () => {
  const clock = fakeClock();
  const store = new MemoryStore({ now: clock.now });
  return {
    store,
    now: clock.now,
    advance: clock.advance,
    pttl: async (k) => store.pttl(k),
    setTime: clock.set,
  };
});

describe('MemoryStore calendar quotas (injected clock)', () => {
  it('a day quota rolls over at UTC midnight', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 30, 23, 59, 59, 700));
    const store = new MemoryStore({ now: clock.now });
    const t = freshTenant();
    const key = counterKey({ tenantId: t, ruleId: 'daily', kind: 'quota', window: 'day' });
    const check = () =>
      store.evaluate({
        versionKey: policyVersionKey(t),
        bypassUntilMs: 0,
        mode: 'check',
        checks: [{ kind: 'quota', key, limit: 2, window: 'day', enforce: true }],
      });
    expect((await check()).blocked).toBe(false);
    expect((await check()).blocked).toBe(false);
    const denied = await check();
    expect(denied.blocked).toBe(true);
    expect(denied.results[0]!.retryAfterMs).toBe(300);
    await clock.advance(300); // 00:00:00.000 on Dec 1st
    const next = await check();
    expect(next.blocked).toBe(false);
    expect(next.results[0]!.remaining).toBe(1);
    expect(next.results[0]!.resetMs).toBe(86_400_000);
  });

  it('a month quota rolls over on the 1st at 00:00 UTC (also across a year end)', async () => {
    const clock = fakeClock(Date.UTC(2026, 11, 31, 23, 59, 59, 0));
    const store = new MemoryStore({ now: clock.now });
    const t = freshTenant();
    const key = counterKey({ tenantId: t, ruleId: 'monthly', kind: 'quota', window: 'month' });
    const check = () =>
      store.evaluate({
        versionKey: policyVersionKey(t),
        bypassUntilMs: 0,
        mode: 'check',
        checks: [{ kind: 'quota', key, limit: 1, window: 'month', enforce: true }],
      });
    expect((await check()).blocked).toBe(false);
    const denied = await check();
    expect(denied.blocked).toBe(true);
    expect(denied.results[0]!.retryAfterMs).toBe(1000);
    await clock.advance(1000);
    const jan = await check();
    expect(jan.blocked).toBe(false);
    expect(jan.results[0]!.resetMs).toBe(31 * 86_400_000);
  });

  it('expires keys after their TTL and sweeps them', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ now: clock.now, sweepAbove: 0 });
    const t = freshTenant();
    const key = counterKey({ tenantId: t, ruleId: 'r', kind: 'rate' });
    await store.evaluate({
      versionKey: policyVersionKey(t),
      bypassUntilMs: 0,
      mode: 'check',
      checks: [{ kind: 'rate', key, intervalMs: 100, toleranceMs: 1000, enforce: true }],
    });
    expect(store.keys()).toEqual([key]);
    // TAT (now + 100) + τ (1000) rounded up to a whole second (the clock starts on one), plus 1 s.
    expect(store.pttl(key)).toBe(2000 + 1000);
    await clock.advance(2999);
    expect(store.size()).toBe(1);
    await clock.advance(1);
    expect(store.size()).toBe(0);
    expect(store.pttl(key)).toBe(-2);
    await store.close();
  });
});
