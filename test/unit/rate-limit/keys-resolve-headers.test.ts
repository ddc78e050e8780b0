import { describe, expect, it } from 'vitest';
import { gcra, gcraPeek, quotaWindow } from '../../../lambdas/shared/rate-limit/core/algorithms';
import type { Decision, RuleOutcome } from '../../../lambdas/shared/rate-limit/core/decision';
import { mostRestrictive, rateLimitHeaders } from '../../../lambdas/shared/rate-limit/core/headers';
import {
  counterKey,
  encodeId,
  hashTag,
  keySlot,
  policyVersionKey,
  tenantPrefix,
} from '../../../lambdas/shared/rate-limit/core/keys';
import {
  applicableRules,
  bypassUntilMs,
  effectivePolicy,
  type RuleTarget,
  toCheck,
  windowSec,
} from '../../../lambdas/shared/rate-limit/core/resolve';
import { ROUTES } from '../../../lib/config/routes';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { rulesOf } from './conformance.suite';

describe('key scheme', () => {
  it('encodes ids injectively, escaping { } : / % and unicode', () => {
    const ids = [
      'a',
      'a:b',
      'a%3Ab',
      'a{b}',
      '{a}',
      'a/b',
      'a b',
      'ü',
      '%C3%BC',
      '~u0061',
      'a',
      '\ud800',
      '\udc00',
      '~',
    ];
    const enc = ids.map(encodeId);
    for (const e of enc) expect(e).not.toMatch(/[{}:/ ]/);
    expect(new Set(enc).size).toBe(new Set(ids).size);
    expect(encodeId('\ud800')).toBe('~ud800');
    expect(encodeId('~')).toBe('%7E');
  });

  it('puts the encoded tenant in a hash tag, so ids cannot break or share the tag', () => {
    expect(policyVersionKey('acme')).toBe('rl:{acme}:cfg');
    expect(tenantPrefix('a}b{c')).toBe('rl:{a%7Db%7Bc}');
    expect(hashTag(counterKey({ tenantId: 'a}:x', ruleId: 'r', kind: 'rate', userId: '}{' }))).toBe(
      'a%7D%3Ax',
    );
    expect(counterKey({ tenantId: 't', ruleId: 'r', kind: 'rate', userId: 'alice' })).toBe(
      'rl:{t}:r:r:u:alice',
    );
    expect(counterKey({ tenantId: 't', ruleId: 'q', kind: 'quota', window: 'month' })).toBe('rl:{t}:qm:q:t');
    expect(counterKey({ tenantId: 't', ruleId: 'q', kind: 'quota', window: 'day' })).toBe('rl:{t}:qd:q:t');
    expect(counterKey({ tenantId: 't', ruleId: 'q', kind: 'quota', window: 5 })).toBe('rl:{t}:qf5:q:t');
    // A user id that looks like a key suffix cannot collide with the tenant-scope key.
    expect(counterKey({ tenantId: 't', ruleId: 'r', kind: 'rate', userId: 't' })).not.toBe(
      counterKey({ tenantId: 't', ruleId: 'r', kind: 'rate' }),
    );
  });

  it('computes Redis Cluster slots (CRC16/XMODEM mod 16384) like the cluster spec', () => {
    // Reference values from the Redis cluster specification / CLUSTER KEYSLOT.
    expect(keySlot('123456789')).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}')); // empty tag → whole key hashed
    expect(hashTag('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashTag('foo{bar')).toBe('foo{bar');
    expect(hashTag('{a}{b}')).toBe('a');
    const t = 'tenant:{weird}/ü';
    const keys = [
      policyVersionKey(t),
      counterKey({ tenantId: t, ruleId: 'x', kind: 'rate', userId: '{alice}' }),
      counterKey({ tenantId: t, ruleId: 'y', kind: 'quota', window: 'day' }),
    ];
    expect(new Set(keys.map(keySlot)).size).toBe(1);
  });
});

describe('algorithms', () => {
  it('GCRA allows burst at once, then one per interval', () => {
    let tat: number | undefined;
    const now = 1_000_000;
    const out = [];
    for (let i = 0; i < 4; i++) {
      const r = gcra(tat, now, 100, 300);
      out.push([r.allowed, r.remaining]);
      if (r.allowed) tat = r.newTat;
    }
    expect(out).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(gcra(tat, now, 100, 300).retryAfterMs).toBe(100);
    expect(gcra(tat, now + 100, 100, 300).allowed).toBe(true);
    expect(gcraPeek(tat, now + 150, 100, 300)).toEqual({ remaining: 1, resetMs: 150 });
    expect(gcraPeek(undefined, now, 100, 300)).toEqual({ remaining: 3, resetMs: 0 });
  });

  it('fractional intervals do not lose a request to float rounding', () => {
    // 7 per 60 s: T = 8571.428… ms; burst 7 → exactly 7 allowed at once.
    let tat: number | undefined;
    let allowed = 0;
    for (let i = 0; i < 10; i++) {
      const r = gcra(tat, 5_000, 60_000 / 7, 60_000);
      if (r.allowed) {
        allowed++;
        tat = r.newTat;
      }
    }
    expect(allowed).toBe(7);
  });

  it('quota windows: day, month (incl. leap February) and fixed', () => {
    expect(quotaWindow(Date.UTC(2028, 1, 10, 5), 'month')).toEqual({
      id: `m${2028 * 12 + 2}`,
      endMs: Date.UTC(2028, 2, 1),
    });
    expect(quotaWindow(Date.UTC(2026, 10, 30, 23, 59), 'day').endMs).toBe(Date.UTC(2026, 11, 1));
    expect(quotaWindow(10_500, 5)).toEqual({ id: 'f2', endMs: 15_000 });
  });
});

const target = (path: string, method: string, userId = 'alice', actual = method): RuleTarget => {
  const route = ROUTES.find((r) => r.path === path && r.method === method)!;
  return {
    method: actual,
    routeMethod: route.method,
    routePath: route.path,
    limitClass: route.limitClass,
    userId,
  };
};

describe('policy resolution', () => {
  const tier = TIER_TABLE.standard.defaultPolicy;

  it('tenant overrides replace tier rules with the same id and add the others; flag off → tier only', () => {
    const overrides = rulesOf([
      { id: 'user-rate', scope: 'user', kind: 'rate', limit: 999, periodSec: 60 },
      {
        id: 'reports-post',
        scope: 'tenant',
        kind: 'rate',
        limit: 5,
        periodSec: 1,
        match: { route: 'POST /v1/reports' },
      },
    ]);
    const eff = effectivePolicy(tier, overrides, true);
    expect(eff.map((r) => r.id)).toEqual([
      'tenant-rate',
      'user-rate',
      'user-writes',
      'tenant-daily',
      'reports-post',
    ]);
    expect(eff.find((r) => r.id === 'user-rate')!.limit).toBe(999);
    expect(effectivePolicy(tier, overrides, false)).toEqual(tier);
  });

  it('match.route and match.limitClass select routes (ANY routes match by declared or actual method)', () => {
    const rules = rulesOf([
      { id: 'all', scope: 'tenant', kind: 'rate', limit: 1, periodSec: 1 },
      {
        id: 'post',
        scope: 'tenant',
        kind: 'rate',
        limit: 1,
        periodSec: 1,
        match: { route: 'POST /v1/reports' },
      },
      { id: 'writes', scope: 'user', kind: 'rate', limit: 1, periodSec: 1, match: { limitClass: 'write' } },
      {
        id: 'mkt-get',
        scope: 'user',
        kind: 'rate',
        limit: 1,
        periodSec: 1,
        match: { route: 'GET /v1/market/{proxy+}' },
      },
      {
        id: 'mkt-any',
        scope: 'user',
        kind: 'rate',
        limit: 1,
        periodSec: 1,
        match: { route: 'ANY /v1/market/{proxy+}' },
      },
    ]);
    const ids = (t: RuleTarget) => applicableRules(rules, t).map((r) => r.id);
    expect(ids(target('/v1/reports', 'POST'))).toEqual(['all', 'post', 'writes']);
    expect(ids(target('/v1/reports', 'GET'))).toEqual(['all']);
    expect(ids(target('/v1/reports/{reportId}', 'DELETE'))).toEqual(['all', 'writes']);
    expect(ids(target('/v1/market/{proxy+}', 'ANY', 'alice', 'GET'))).toEqual(['all', 'mkt-get', 'mkt-any']);
    expect(ids(target('/v1/market/{proxy+}', 'ANY', 'alice', 'POST'))).toEqual(['all', 'mkt-any']);
  });

  it('a subject rule applies only to its user and overrides the general user rule of the same slot', () => {
    const rules = effectivePolicy(
      tier,
      rulesOf([
        { id: 'alice-vip', scope: 'user', kind: 'rate', limit: 5000, periodSec: 60, subject: 'alice' },
        {
          id: 'bob-writes',
          scope: 'user',
          kind: 'rate',
          limit: 1,
          periodSec: 60,
          subject: 'bob',
          match: { limitClass: 'write' },
        },
      ]),
      true,
    );
    const ids = (t: RuleTarget) => applicableRules(rules, t).map((r) => r.id);
    expect(ids(target('/v1/reports', 'POST', 'alice'))).toEqual([
      'tenant-rate',
      'user-writes',
      'tenant-daily',
      'alice-vip',
    ]);
    expect(ids(target('/v1/reports', 'POST', 'bob'))).toEqual([
      'tenant-rate',
      'user-rate',
      'tenant-daily',
      'bob-writes',
    ]);
    expect(ids(target('/v1/reports', 'POST', 'carol'))).toEqual([
      'tenant-rate',
      'user-rate',
      'user-writes',
      'tenant-daily',
    ]);
    expect(ids(target('/v1/reports', 'GET', 'bob'))).toEqual(['tenant-rate', 'user-rate', 'tenant-daily']);
  });

  it('bypasses: tenant-wide or one user, latest expiry wins', () => {
    const b = [
      { bypassId: '1', reason: 'x', expiresAt: 100 },
      { bypassId: '2', userId: 'alice', reason: 'y', expiresAt: 200 },
    ];
    expect(bypassUntilMs(b, 'alice')).toBe(200_000);
    expect(bypassUntilMs(b, 'bob')).toBe(100_000);
    expect(bypassUntilMs(b.slice(1), 'bob')).toBe(0);
  });

  it('turns rules into store checks (T = period/limit, τ = T·burst) and advertises windows', () => {
    const [r, q] = rulesOf([
      { id: 'r', scope: 'user', kind: 'rate', limit: 120, periodSec: 60, burst: 20 },
      { id: 'q', scope: 'tenant', kind: 'quota', limit: 10, window: 'month' },
    ]);
    expect(toCheck(r!, 't', 'u', true)).toEqual({
      kind: 'rate',
      key: 'rl:{t}:r:r:120-60-20:u:u',
      intervalMs: 500,
      toleranceMs: 10_000,
      enforce: true,
    });
    expect(toCheck(q!, 't', 'u', false)).toEqual({
      kind: 'quota',
      key: 'rl:{t}:qm:q:t',
      limit: 10,
      window: 'month',
      enforce: false,
    });
    expect(windowSec(r!, 0)).toBe(60);
    expect(windowSec(q!, Date.UTC(2026, 1, 3))).toBe(28 * 86_400);
  });
});

describe('headers', () => {
  const [a0, b] = rulesOf([
    { id: 'a', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 60 },
    { id: 'b', scope: 'user', kind: 'quota', limit: 100, window: 'day' },
  ]);
  // Ids are [A-Za-z0-9._-] by schema; the header encoder must still escape anything (defence in depth).
  const a = { ...a0!, id: 'a"\\' };
  const outcome = (o: Partial<RuleOutcome>): RuleOutcome => ({
    rule: a!,
    key: 'k',
    enforced: true,
    allowed: true,
    limit: 10,
    remaining: 5,
    resetSec: 30,
    retryAfterSec: 0,
    windowSec: 60,
    ...o,
  });
  const decision = (outcomes: RuleOutcome[], over: Partial<Decision> = {}): Decision => ({
    status: 'allowed',
    tenantId: 't',
    userId: 'u',
    tier: 'free',
    route: 'GET /v1/reports',
    outcomes,
    violated: [],
    retryAfterSec: 0,
    degraded: false,
    bypassed: false,
    shadowDenied: false,
    nearLimit: false,
    cached: false,
    ...over,
  });

  it('picks the enforced rule with the fewest remaining (ties: later reset); shadow rules are not advertised', () => {
    const d = decision([
      outcome({}),
      outcome({ rule: b!, limit: 100, remaining: 5, resetSec: 600, windowSec: 86_400 }),
      outcome({ rule: b!, enforced: false, remaining: 0 }),
    ]);
    expect(mostRestrictive(d)?.resetSec).toBe(600);
    expect(rateLimitHeaders(d)).toEqual({
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '5',
      'X-RateLimit-Reset': '600',
      'RateLimit-Policy': '"a\\"\\\\";q=10;w=60, "b";q=100;w=86400',
      RateLimit: '"a\\"\\\\";r=5;t=30, "b";r=5;t=600',
    });
  });

  it('on denial describes the violated rule with the longest wait and sets Retry-After ≥ 1', () => {
    const d = decision(
      [
        outcome({ allowed: false, remaining: 0, retryAfterSec: 2 }),
        outcome({ rule: b!, allowed: false, remaining: 0, retryAfterSec: 7, resetSec: 7 }),
      ],
      { status: 'denied', violated: ['a', 'b'], retryAfterSec: 7 },
    );
    expect(mostRestrictive(d)?.rule.id).toBe('b');
    expect(rateLimitHeaders(d)['Retry-After']).toBe('7');
    expect(rateLimitHeaders(decision([], { status: 'unavailable', retryAfterSec: 0 }))).toEqual({
      'Retry-After': '1',
    });
    expect(rateLimitHeaders(decision([outcome({ enforced: false })]))).toEqual({});
  });
});
