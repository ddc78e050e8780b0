import { describe, expect, it } from 'vitest';
import { RateLimitRuntime } from '../../../lambdas/shared/rate-limit/adapters/runtime';
import { LIMITER_DEFAULTS, rateLimitSettingsFromEnv } from '../../../lambdas/shared/rate-limit/core/settings';

describe('limiter settings', () => {
  it('reads every limiter variable in one place, with the defaults of LIMITER_DEFAULTS', () => {
    expect(rateLimitSettingsFromEnv({})).toEqual({
      redisUrl: undefined,
      redisCluster: false,
      limitsTable: false,
      timeoutMs: LIMITER_DEFAULTS.timeoutMs,
      breakerThreshold: LIMITER_DEFAULTS.breakerThreshold,
      breakerCooldownMs: LIMITER_DEFAULTS.breakerCooldownMs,
    });
    expect(LIMITER_DEFAULTS.timeoutMs).toBe(25);
    expect(
      rateLimitSettingsFromEnv({
        REDIS_URL: 'rediss://cache:6379',
        REDIS_CLUSTER: 'true',
        LIMITS_TABLE: 'limits',
        RATE_LIMIT_TIMEOUT_MS: '40',
        RATE_LIMIT_BREAKER_THRESHOLD: '3',
        RATE_LIMIT_BREAKER_COOLDOWN_MS: '500',
      }),
    ).toEqual({
      redisUrl: 'rediss://cache:6379',
      redisCluster: true,
      limitsTable: true,
      timeoutMs: 40,
      breakerThreshold: 3,
      breakerCooldownMs: 500,
    });
  });

  it('ignores unusable numbers (empty, non-numeric, zero, negative, fractional, above 1000 ms) and an empty REDIS_URL', () => {
    for (const bad of ['', 'abc', '0', '-5', '2.5', '1001']) {
      const s = rateLimitSettingsFromEnv({ REDIS_URL: '', RATE_LIMIT_TIMEOUT_MS: bad });
      expect(s.timeoutMs).toBe(LIMITER_DEFAULTS.timeoutMs);
      expect(s.redisUrl).toBeUndefined();
    }
  });

  it('a runtime builds its limiter from the settings it is given (in-memory store without REDIS_URL)', async () => {
    let reads = 0;
    const rt = new RateLimitRuntime(() => {
      reads++;
      return rateLimitSettingsFromEnv({ RATE_LIMIT_TIMEOUT_MS: '40' });
    });
    expect(rt.limiter().store.kind).toBe('memory');
    expect(rt.limiter()).toBe(rt.limiter());
    expect(reads).toBe(1);
    await rt.reset();
    rt.limiter();
    expect(reads).toBe(2);
    await rt.reset();
  });
});
