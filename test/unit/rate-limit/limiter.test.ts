import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLoggerAndMetrics } from '../../../lambdas/shared/logger-metrics';
import {
  bumpPolicyVersion,
  configureRateLimiter,
  getUsage,
  rateLimiter,
  resetRateLimiter,
} from '../../../lambdas/shared/rate-limit';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { metricsFor, PowertoolsTelemetry } from '../../../lambdas/shared/rate-limit/adapters/telemetry';
import type { Decision } from '../../../lambdas/shared/rate-limit/core/decision';
import { policyVersionKey } from '../../../lambdas/shared/rate-limit/core/keys';
import {
  BUMP_TIMEOUT_MS,
  RateLimiter,
  type RateLimiterDeps,
} from '../../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import type { EvaluateRequest, LimiterStore } from '../../../lambdas/shared/rate-limit/core/store';
import { toAuthorizerContext } from '../../../lambdas/shared/tenant-context';
import type { RuleInput } from '../../../lib/config/policy';
import { ROUTES, type Route } from '../../../lib/config/routes';
import { limitedService } from '../../helpers/limited-service';
import { fixedFlags, freshTenant } from './conformance.suite';

const route = (method: string, path: string): Route =>
  ROUTES.find((r) => r.method === method && r.path === path)!;
const GET = route('GET', '/v1/reports');
const POST = route('POST', '/v1/reports');

function clock(start = Date.UTC(2026, 10, 30, 12)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** A store wrapper that counts calls and can be made to fail or hang. */
class FlakyStore implements LimiterStore {
  readonly kind = 'flaky';
  calls = 0;
  evaluations = 0;
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  constructor(readonly inner: LimiterStore) {}
  private gate<T>(fn: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.mode === 'fail') return Promise.reject(new Error('ECONNREFUSED'));
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    return fn();
  }
  evaluate(r: EvaluateRequest) {
    this.evaluations++;
    return this.gate(() => this.inner.evaluate(r));
  }
  getVersion(k: string) {
    return this.gate(() => this.inner.getVersion(k));
  }
  bumpVersion(k: string) {
    return this.gate(() => this.inner.bumpVersion(k));
  }
  getTierVersions() {
    return this.gate(() => this.inner.getTierVersions());
  }
  bumpTierVersion(t: string) {
    return this.gate(() => this.inner.bumpTierVersion(t));
  }
  close() {
    return this.inner.close();
  }
}

function setup(
  rules: RuleInput[],
  over: Partial<Omit<RateLimiterDeps, 'flags'>> & { flags?: Record<string, boolean> } = {},
) {
  const c = clock();
  const memory = new MemoryStore({ now: c.now });
  const store = new FlakyStore(memory);
  const source = new StaticPolicySource();
  source.setTierRules('free', rules);
  const { flags, ...rest } = over;
  const limiter = new RateLimiter({
    store,
    fallback: new MemoryStore({ now: c.now }),
    policySource: source,
    flags: fixedFlags(flags),
    now: c.now,
    ...rest,
  });
  const tenantId = freshTenant();
  const check = (userId = 'alice', r: Route = GET) =>
    limiter.check({ tenantId, userId, tier: 'free', route: r });
  return { c, memory, store, source, limiter, tenantId, check };
}

const small: RuleInput[] = [
  { id: 'tenant', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 60 },
  { id: 'user', scope: 'user', kind: 'rate', limit: 2, periodSec: 60 },
];

describe('RateLimiter', () => {
  it('rate_limiting_enabled off → shadow: never denies, still computes and reports shadow denials', async () => {
    const s = setup(small, { flags: { rate_limiting_enabled: false } });
    const ds: Decision[] = [];
    for (let i = 0; i < 4; i++) ds.push(await s.check());
    expect(ds.map((d) => d.status)).toEqual(['allowed', 'allowed', 'allowed', 'allowed']);
    expect(ds.map((d) => d.shadowDenied)).toEqual([false, false, true, true]);
    expect(ds[3]!.outcomes.every((o) => !o.enforced)).toBe(true);
  });

  it('shadow-mode rules are evaluated and counted but never deny', async () => {
    const s = setup([{ id: 'trial', scope: 'user', kind: 'rate', limit: 1, periodSec: 60, mode: 'shadow' }]);
    const ds = [await s.check(), await s.check()];
    expect(ds.map((d) => [d.status, d.shadowDenied])).toEqual([
      ['allowed', false],
      ['allowed', true],
    ]);
  });

  it('tenant_specific_limits off → tier defaults only', async () => {
    const on = setup(small);
    on.source.setTenantRules(on.tenantId, [
      { id: 'user', scope: 'user', kind: 'rate', limit: 100, periodSec: 60 },
    ]);
    for (let i = 0; i < 3; i++) expect((await on.check()).status).toBe('allowed');
    const off = setup(small, { flags: { tenant_specific_limits: false } });
    off.source.setTenantRules(off.tenantId, [
      { id: 'user', scope: 'user', kind: 'rate', limit: 100, periodSec: 60 },
    ]);
    const ds = [await off.check(), await off.check(), await off.check()];
    expect(ds.map((d) => d.status)).toEqual(['allowed', 'allowed', 'denied']);
  });

  it('bypass (tenant-wide or one user) lets requests pass, counted and marked bypassed, until it expires', async () => {
    const s = setup(small);
    const exp = Math.floor(s.c.now() / 1000) + 10;
    s.source.setBypasses(s.tenantId, [
      { bypassId: 'b1', userId: 'alice', reason: 'incident', expiresAt: exp },
    ]);
    const ds = [];
    for (let i = 0; i < 4; i++) ds.push(await s.check('alice'));
    expect(ds.map((d) => [d.status, d.bypassed])).toEqual(Array(4).fill(['allowed', true]));
    expect(ds[3]!.shadowDenied).toBe(true);
    expect((await s.limiter.usage({ tenantId: s.tenantId, tier: 'free', userId: 'alice' }))[1]).toMatchObject(
      {
        ruleId: 'user',
        used: 2,
      },
    );
    // bob is not covered
    await s.check('bob');
    await s.check('bob');
    expect((await s.check('bob')).status).toBe('denied');
    s.c.advance(10_000);
    const after = await s.check('alice');
    expect([after.status, after.bypassed]).toEqual(['denied', false]);
  });

  it('sees a tenant policy change on the next decision after bumpPolicyVersion, without a policy read per request', async () => {
    const s = setup(small, { overLimitCacheMs: 0 });
    // Another container sharing the store (and DynamoDB).
    const other = new RateLimiter({
      store: s.store,
      fallback: new MemoryStore(),
      policySource: s.source,
      flags: fixedFlags(),
      now: s.c.now,
    });
    for (let i = 0; i < 2; i++) await s.check();
    const readsBefore = s.source.reads;
    for (let i = 0; i < 20; i++) expect((await s.check()).status).toBe('denied');
    expect(s.source.reads).toBe(readsBefore); // cached: no policy read per request
    s.source.setTenantRules(s.tenantId, [
      { id: 'user', scope: 'user', kind: 'rate', limit: 50, periodSec: 60 },
    ]);
    await other.bumpPolicyVersion(s.tenantId);
    // The store reports the cached policy stale (nothing counted); the limiter re-reads it and decides again.
    const first = await s.check();
    expect(first.status).toBe('allowed');
    expect(first.outcomes.find((o) => o.rule.id === 'user')!.limit).toBe(50);
    const second = await s.check();
    expect(second.status).toBe('allowed');
    expect(second.outcomes.find((o) => o.rule.id === 'user')!.limit).toBe(50);
    expect(s.source.reads).toBe(readsBefore + 1);
  });

  it('a policy change costs 2 store calls once: concurrent stale decisions share one policy read', async () => {
    const s = setup(small, { overLimitCacheMs: 0 });
    await s.check();
    const evalsBefore = s.store.evaluations;
    const readsBefore = s.source.reads;
    s.source.setTenantRules(s.tenantId, [
      { id: 'user', scope: 'user', kind: 'rate', limit: 1, periodSec: 60 },
    ]);
    await s.memory.bumpVersion(policyVersionKey(s.tenantId));
    const ds = await Promise.all([s.check('u1'), s.check('u1'), s.check('u2')]);
    // Each decision: one stale call + one real call; one policy read for all three.
    expect(s.store.evaluations - evalsBefore).toBe(6);
    expect(s.source.reads - readsBefore).toBe(1);
    expect(ds.map((d) => d.status)).toEqual(['allowed', 'denied', 'allowed']);
    for (const d of ds) expect(d.outcomes.find((o) => o.rule.id === 'user')!.limit).toBe(1);
    // Back to one call per decision.
    await s.check('u3');
    expect(s.store.evaluations - evalsBefore).toBe(7);
  });

  it('a policy that keeps changing during reloads: two reloads, then one pass without the version check', async () => {
    const s = setup(small, { overLimitCacheMs: 0 });
    await s.check();
    const expects: (string | undefined)[] = [];
    const inner = s.memory.evaluate.bind(s.memory);
    // Every call with an expectation finds a newer version (another writer bumps in between).
    s.memory.evaluate = async (r: EvaluateRequest) => {
      expects.push(r.expectVersion);
      if (r.expectVersion !== undefined) await s.memory.bumpVersion(r.versionKey);
      return inner(r);
    };
    const d = await s.check();
    expect(d.status).toBe('allowed');
    expect(expects).toHaveLength(3);
    expect(expects[2]).toBeUndefined();
    expect(expects.slice(0, 2).every((v) => typeof v === 'string')).toBe(true);
  });

  it('sees a tier policy change after the tier-version poll interval', async () => {
    const s = setup(small, { tierVersionPollMs: 500 });
    expect((await s.check()).outcomes.map((o) => o.limit)).toEqual([10, 2]);
    s.source.setTierRules('free', [
      { id: 'tenant', scope: 'tenant', kind: 'rate', limit: 77, periodSec: 60 },
    ]);
    await s.limiter.store.bumpTierVersion('free');
    s.c.advance(600);
    await s.check(); // triggers the poll (not awaited on the request path)
    await new Promise((r) => setTimeout(r, 5));
    expect((await s.check()).outcomes.map((o) => o.limit)).toEqual([77]);
  });

  it('fail open: degraded in-memory decisions; fail closed: 503; the breaker stops calling a dead store', async () => {
    const s = setup(small, { breakerThreshold: 3, breakerCooldownMs: 1_000 });
    await s.check();
    s.store.mode = 'fail';
    const open = await s.check('alice', GET);
    expect(open).toMatchObject({ status: 'allowed', degraded: true, error: 'ECONNREFUSED' });
    expect(open.outcomes).toHaveLength(2);
    const closed = await s.check('alice', POST);
    expect(closed).toMatchObject({ status: 'unavailable', degraded: true, outcomes: [] });
    expect(closed.retryAfterSec).toBeGreaterThanOrEqual(1);
    await s.check();
    expect(s.limiter.breaker.state).toBe('open');
    const calls = s.store.calls;
    for (let i = 0; i < 10; i++) expect((await s.check('bob', GET)).degraded).toBe(true);
    expect(s.store.calls).toBe(calls); // circuit open: no store calls
    const closedWhileOpen = await s.check('alice', POST);
    expect(closedWhileOpen.retryAfterSec).toBe(1);
    // The in-memory fallback still limits: bob has user limit 2.
    s.store.mode = 'ok';
    s.c.advance(1_000);
    const recovered = await s.check('carol', POST);
    expect(recovered).toMatchObject({ status: 'allowed', degraded: false });
    expect(s.limiter.breaker.state).toBe('closed');
  });

  it('one breaker per shard: a dead shard opens only its circuit, tenants on other shards keep using the store', async () => {
    /** Two "shards" by tenant name; shard b fails. */
    class ShardedStore extends FlakyStore {
      down = new Set<string>();
      refreshes = 0;
      refreshShardMap(): void {
        this.refreshes++;
      }
      shardOf(key: string): string {
        return key.includes('{b-') ? 'b:6379' : 'a:6379';
      }
      override evaluate(r: EvaluateRequest) {
        if (this.down.has(this.shardOf(r.versionKey)))
          return Promise.reject(new Error('Connection is closed.'));
        return super.evaluate(r);
      }
    }
    const c = clock();
    const store = new ShardedStore(new MemoryStore({ now: c.now }));
    const source = new StaticPolicySource();
    source.setTierRules('free', small);
    const limiter = new RateLimiter({
      store,
      fallback: new MemoryStore({ now: c.now }),
      policySource: source,
      flags: fixedFlags(),
      now: c.now,
      breakerThreshold: 3,
    });
    const check = (tenantId: string, r = GET, userId = 'u') =>
      limiter.check({ tenantId, userId, tier: 'free', route: r });
    await check('a-1');
    await check('b-1');
    store.down.add('b:6379');
    for (let i = 0; i < 5; i++) expect((await check('b-1')).degraded).toBe(true);
    expect(limiter.breakers.openShards()).toEqual(['b:6379']);
    // The previous single breaker degraded every tenant here; now shard a answers, and fail-closed routes too.
    const onA = await check('a-2', POST);
    expect(onA).toMatchObject({ status: 'allowed', degraded: false });
    expect((await check('b-2', POST)).status).toBe('unavailable');
    // Each failed store call (open circuit included) asked the store for a fresh shard map (an open circuit sends
    // nothing that would reveal a promoted replica); healthy decisions do not.
    expect(store.refreshes).toBeGreaterThanOrEqual(4);
    const refreshes = store.refreshes;
    await check('a-3');
    expect(store.refreshes).toBe(refreshes);
    // The replica takes over under another name: a fresh circuit, the store is used again at once.
    store.down.clear();
    store.shardOf = (key: string) => (key.includes('{b-') ? 'b2:6379' : 'a:6379');
    expect(await check('b-1', GET, 'v')).toMatchObject({ status: 'allowed', degraded: false });
  });

  it('a policy-version bump on a hanging store fails within BUMP_TIMEOUT_MS, and at once once the breaker is open', async () => {
    vi.useFakeTimers();
    try {
      const s = setup(small, { now: Date.now, breakerThreshold: 2 });
      s.store.mode = 'hang';
      const first = s.limiter.bumpPolicyVersion(s.tenantId);
      const failed = expect(first).rejects.toThrow(/timed out after 1000 ms/);
      await vi.advanceTimersByTimeAsync(BUMP_TIMEOUT_MS);
      await failed;
      const second = expect(s.limiter.bumpTierVersion('free')).rejects.toThrow(/timed out/);
      await vi.advanceTimersByTimeAsync(BUMP_TIMEOUT_MS);
      await second;
      const calls = s.store.calls;
      await expect(s.limiter.bumpPolicyVersion(s.tenantId)).rejects.toThrow(/circuit/i); // open: no store call
      expect(s.store.calls).toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a hanging store costs at most the timeout', async () => {
    const s = setup(small, { timeoutMs: 20, now: Date.now });
    await s.check();
    s.store.mode = 'hang';
    // Timer time, not wall time (a loaded machine delays wall time, not the limiter's timeout): the decision is not
    // there 1 ms before the timeout and is there at it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let decided = false;
      const pending = s.check().then((d) => {
        decided = true;
        return d;
      });
      await vi.advanceTimersByTimeAsync(19);
      expect(decided).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(decided).toBe(true);
      const d = await pending;
      expect(d).toMatchObject({ status: 'allowed', degraded: true });
      expect(d.error).toMatch(/timed out after 20 ms/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits once for the first connection (cold start is not an outage), never again', async () => {
    class ColdStore extends FlakyStore {
      ready = false;
      warmUps = 0;
      override evaluate(r: EvaluateRequest) {
        if (!this.ready) return new Promise<never>(() => undefined); // like commands queued before connect
        return super.evaluate(r);
      }
      async warmUp(maxMs: number) {
        this.warmUps++;
        await new Promise((r) => setTimeout(r, Math.min(60, maxMs)));
        this.ready = true;
      }
    }
    const store = new ColdStore(new MemoryStore());
    const limiter = new RateLimiter({
      store,
      fallback: new MemoryStore(),
      policySource: new StaticPolicySource(),
      flags: fixedFlags(),
      timeoutMs: 25,
    });
    const d = await limiter.check({ tenantId: freshTenant(), userId: 'a', tier: 'free', route: POST });
    expect(d).toMatchObject({ status: 'allowed', degraded: false });
    await limiter.check({ tenantId: freshTenant(), userId: 'a', tier: 'free', route: POST });
    expect(store.warmUps).toBe(1);
    store.ready = false; // a later disconnect is an outage: no waiting beyond the timeout
    const down = await limiter.check({ tenantId: freshTenant(), userId: 'a', tier: 'free', route: POST });
    expect(down.status).toBe('unavailable');
  });

  it('does not fail closed when limiting is disabled or the caller is bypassed', async () => {
    const s = setup(small, { flags: { rate_limiting_enabled: false } });
    s.store.mode = 'fail';
    expect((await s.check('alice', POST)).status).toBe('allowed');
    const b = setup(small);
    b.source.setBypasses(b.tenantId, [
      { bypassId: 'x', reason: 'r', expiresAt: Math.floor(b.c.now() / 1000) + 60 },
    ]);
    await b.check();
    b.store.mode = 'fail';
    expect((await b.check('alice', POST)).status).toBe('allowed');
  });

  it('serves denials from the over-limit cache (no store call) for at most overLimitCacheMs', async () => {
    const s = setup(small, { overLimitCacheMs: 1_000 });
    await s.check();
    await s.check();
    const denied = await s.check();
    expect(denied.status).toBe('denied');
    const calls = s.store.evaluations;
    const cached = await s.check();
    expect(cached).toMatchObject({ status: 'denied', cached: true, violated: ['user'] });
    expect(cached.retryAfterSec).toBe(denied.retryAfterSec);
    expect(s.store.evaluations).toBe(calls);
    // Another user of the same tenant is not affected by alice's cached denial.
    expect((await s.check('bob')).status).toBe('allowed');
    s.c.advance(1_000);
    await s.check();
    expect(s.store.evaluations).toBe(calls + 2);
  });

  it('tenant isolation: tenant A flooding does not change tenant B’s decisions', async () => {
    const s = setup(small);
    const run = async (tenantId: string, n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const d = await s.limiter.check({ tenantId, userId: `u${i % 3}`, tier: 'free', route: GET });
        out.push(`${d.status}:${d.outcomes.map((o) => o.remaining).join('/')}`);
      }
      return out;
    };
    const baseline = await run('baseline', 12);
    const flood = await run('tenant-a', 50);
    expect(flood.filter((x) => x.startsWith('denied')).length).toBeGreaterThan(30);
    expect(await run('tenant-b', 12)).toEqual(baseline);
  });

  it('keeps deciding when the policy source fails (tier defaults, error reported)', async () => {
    const errors: string[] = [];
    const s = setup(small, { onPolicyError: (_e, what) => errors.push(what) });
    s.source.tenantLimits = async () => {
      throw new Error('DynamoDB down');
    };
    s.source.tierRules = async () => {
      throw new Error('DynamoDB down');
    };
    const d = await s.check();
    expect(d.status).toBe('allowed');
    expect(d.outcomes.map((o) => o.rule.id)).toEqual(['tenant-rate', 'user-rate', 'tenant-daily']); // TIER_TABLE.free
    expect(errors).toEqual([`tier free`, `tenant ${s.tenantId}`].sort((a, b) => (a < b ? -1 : 1)).sort());
  });

  it('usage peeks without counting', async () => {
    const s = setup(small);
    await s.check();
    const u1 = await s.limiter.usage({ tenantId: s.tenantId, tier: 'free', userId: 'alice' });
    const u2 = await s.limiter.usage({ tenantId: s.tenantId, tier: 'free', userId: 'alice' });
    expect(u2).toEqual(u1);
    expect(u1).toEqual([
      {
        ruleId: 'tenant',
        scope: 'tenant',
        kind: 'rate',
        mode: 'enforce',
        limit: 10,
        capacity: 10,
        remaining: 9,
        used: 1,
        resetSec: 6,
        periodSec: 60,
        burst: 10,
      },
      {
        ruleId: 'user',
        scope: 'user',
        kind: 'rate',
        mode: 'enforce',
        limit: 2,
        capacity: 2,
        remaining: 1,
        used: 1,
        resetSec: 30,
        periodSec: 60,
        burst: 2,
        userId: 'alice',
      },
    ]);
    expect((await s.limiter.usage({ tenantId: s.tenantId, tier: 'free' })).map((u) => u.ruleId)).toEqual([
      'tenant',
    ]);
  });
});

const ctx = {} as Context;
function event(
  method: string,
  resource: string,
  tenantId: string,
  userId = 'alice',
  tier = 'free',
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    resource,
    requestContext: {
      requestId: 'req-1',
      authorizer: toAuthorizerContext(
        {
          tenantId,
          userId,
          roles: ['user'],
          permissions: [],
          tier: tier as 'free',
          vertical: 'retail',
          principalType: 'user',
        },
        'key-id',
      ),
    },
  } as unknown as APIGatewayProxyEvent;
}

describe('rate-limit step of the handler wrapper', () => {
  const obs = createLoggerAndMetrics('reports');
  afterEach(async () => {
    await resetRateLimiter();
  });

  it('adds headers to allowed responses and answers 429 with a problem body itself', async () => {
    const decisions: Decision[] = [];
    const source = new StaticPolicySource();
    source.setTierRules('free', small);
    configureRateLimiter({
      store: 'memory',
      policySource: source,
      flags: fixedFlags(),
      telemetry: { record: (d) => void decisions.push(d) },
    });
    const inner = vi.fn(async () => ({ statusCode: 200, body: 'ok', headers: { 'x-own': '1' } }));
    const h = limitedService(obs, { 'GET /v1/reports': inner });
    const tenant = freshTenant();
    const ok = await h(event('GET', '/v1/reports', tenant), ctx);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toMatchObject({
      'x-own': '1',
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '1',
    });
    expect(ok.headers!['RateLimit-Policy']).toBe('"tenant";q=10;w=60, "user";q=2;w=60');
    await h(event('GET', '/v1/reports', tenant), ctx);
    const denied = await h(event('GET', '/v1/reports', tenant), ctx);
    expect(inner).toHaveBeenCalledTimes(2);
    expect(denied.statusCode).toBe(429);
    expect(denied.headers).toMatchObject({ 'Retry-After': '30', 'content-type': 'application/problem+json' });
    expect(JSON.parse(denied.body)).toMatchObject({
      type: 'https://docs.marketedge.io/problems/429',
      title: 'Too Many Requests',
      status: 429,
      'violated-policies': ['user'],
      retryAfterSec: 30,
      requestId: 'req-1',
    });
    expect(decisions.map((d) => d.status)).toEqual(['allowed', 'allowed', 'denied']);
  });

  it('passes public, unlimited and tenant-less requests straight through', async () => {
    const record = vi.fn();
    configureRateLimiter({ store: 'memory', flags: fixedFlags(), telemetry: { record } });
    const ok = async () => ({ statusCode: 200, body: '' });
    const h = limitedService(obs, { 'GET /health': ok, 'GET /v1/reports': ok });
    expect((await h(event('GET', '/health', 't'), ctx)).headers).toBeUndefined();
    expect(
      (
        await h(
          {
            ...event('GET', '/v1/reports', 't'),
            requestContext: { requestId: 'req-1' },
          } as APIGatewayProxyEvent,
          ctx,
        )
      ).headers,
    ).toBeUndefined();
    const unknown = await h(event('GET', '/nope', 't'), ctx);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers).not.toHaveProperty('X-RateLimit-Limit');
    expect(record).not.toHaveBeenCalled();
  });

  it('answers 503 with Retry-After on a fail-closed route when the store is down', async () => {
    const dead = new FlakyStore(new MemoryStore());
    dead.mode = 'fail';
    configureRateLimiter({ store: dead, flags: fixedFlags(), telemetry: { record: () => undefined } });
    const created = async () => ({ statusCode: 201, body: '' });
    const h = limitedService(obs, { 'POST /v1/reports': created, 'GET /v1/reports': created });
    const res = await h(event('POST', '/v1/reports', freshTenant()), ctx);
    expect(res.statusCode).toBe(503);
    expect(res.headers!['Retry-After']).toBe('1');
    expect(JSON.parse(res.body)).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect((await h(event('GET', '/v1/reports', freshTenant()), ctx)).statusCode).toBe(201);
  });

  it('getUsage and bumpPolicyVersion use the configured limiter; defaults come from the environment', async () => {
    const prev = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    await resetRateLimiter();
    expect(rateLimiter().store.kind).toBe('memory');
    const t = freshTenant();
    await bumpPolicyVersion(t);
    expect(await rateLimiter().store.getVersion(policyVersionKey(t))).not.toBe('');
    const usage = await getUsage({ tenantId: t, tier: 'standard', userId: 'alice' });
    expect(usage.map((u) => u.ruleId)).toEqual(['tenant-rate', 'user-rate', 'user-writes', 'tenant-daily']);
    expect(() => configureRateLimiter({ store: 'redis' })).toThrow(/REDIS_URL/);
    if (prev !== undefined) process.env.REDIS_URL = prev;
  });
});

describe('telemetry', () => {
  const base: Decision = {
    status: 'allowed',
    tenantId: 'acme',
    userId: 'alice',
    tier: 'standard',
    route: 'GET /v1/reports',
    outcomes: [],
    violated: [],
    retryAfterSec: 0,
    degraded: false,
    bypassed: false,
    shadowDenied: false,
    nearLimit: false,
    cached: false,
  };

  it('maps decisions to the six metrics', () => {
    expect(metricsFor(base)).toEqual(['RateLimitAllowed']);
    expect(metricsFor({ ...base, status: 'denied' })).toEqual(['RateLimitDenied']);
    expect(
      metricsFor({ ...base, nearLimit: true, shadowDenied: true, degraded: true, bypassed: true }),
    ).toEqual([
      'RateLimitAllowed',
      'RateLimitNearLimit',
      'RateLimitShadowDenied',
      'RateLimitDegraded',
      'RateLimitBypassed',
    ]);
    expect(metricsFor({ ...base, status: 'unavailable', degraded: true })).toEqual(['RateLimitDegraded']);
  });

  it('emits with tier and route dimensions, tenantId as metadata, and logs non-trivial decisions', async () => {
    const calls: string[] = [];
    const metrics = {
      addDimension: (k: string, v: string) => calls.push(`dim ${k}=${v}`),
      addDimensions: (d: Record<string, string>) => calls.push(`dimension set ${JSON.stringify(d)}`),
      addMetadata: (k: string, v: string) => calls.push(`meta ${k}=${v}`),
      addMetric: (n: string) => calls.push(`metric ${n}`),
      publishStoredMetrics: () => calls.push('publish'),
    };
    const logs: string[] = [];
    const logger = {
      info: (m: string) => logs.push(`info ${m}`),
      warn: (m: string) => logs.push(`warn ${m}`),
    };
    const t = new PowertoolsTelemetry(fixedFlags(), {
      metrics: metrics as never,
      logger: logger as never,
    });
    await t.record({ ...base, status: 'denied', violated: ['user-rate'] });
    expect(calls).toEqual([
      'dim tier=standard',
      'dim route=GET /v1/reports',
      'dimension set {}',
      'meta tenantId=acme',
      'metric RateLimitDenied',
      'publish',
    ]);
    await t.record({ ...base, degraded: true });
    await t.record({ ...base, bypassed: true });
    await t.record({ ...base, shadowDenied: true });
    await t.record({ ...base, status: 'unavailable', degraded: true });
    await t.record(base);
    expect(logs).toEqual([
      'info rate limit denied',
      'warn rate limit decided degraded (fallback)',
      'info rate limit bypassed',
      'info rate limit shadow denied',
      'warn rate limiter unavailable (fail closed)',
    ]);
    const off = new PowertoolsTelemetry(fixedFlags({ gateway_observability_enabled: false }), {
      metrics: metrics as never,
      logger: logger as never,
    });
    const n = calls.length;
    await off.record(base);
    expect(calls.length).toBe(n);
  });
});
