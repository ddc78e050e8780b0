import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { LIMITER_SHA, RedisStore } from '../../../lambdas/shared/rate-limit/adapters/redis-store';
import { counterKey, keySlot, policyVersionKey } from '../../../lambdas/shared/rate-limit/core/keys';
import { RateLimiter } from '../../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import { ROUTES } from '../../../lib/config/routes';
import { type RedisServer, startRedis } from '../../helpers/redis-server';
import { fixedFlags, freshTenant, storeConformance } from '../../unit/rate-limit/conformance.suite';

let server: RedisServer;
let store: RedisStore;
let admin: Redis;

beforeAll(async () => {
  server = await startRedis();
  store = new RedisStore({ url: server.url });
  admin = new Redis(server.url);
});

afterAll(async () => {
  await store?.close();
  admin?.disconnect();
  await server?.stop();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

storeConformance('redis (real time)', () => ({
  store,
  now: () => Date.now(),
  advance: sleep,
  pttl: (k) => admin.pttl(k),
}));

const reportsGet = ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/reports')!;
const reportsPost = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/reports')!;

async function commandCalls(): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('RedisStore on a real redis-server', () => {
  it('batched socket writes (default) and one write per decision give the same exact counts', async () => {
    for (const writeBatch of [1, 16]) {
      const st = new RedisStore({ url: server.url, writeBatch });
      try {
        const t = freshTenant('batch');
        const key = counterKey({ tenantId: t, ruleId: 'x', kind: 'rate' });
        const check = () =>
          st.evaluate({
            versionKey: policyVersionKey(t),
            checks: [{ kind: 'rate', key, intervalMs: 60_000 / 30, toleranceMs: 60_000, enforce: true }],
            bypassUntilMs: 0,
            mode: 'check',
            expectVersion: '',
          });
        await check(); // connects
        // 50 decisions started in one tick: more than 3 batches of 16, on a limit (burst) of 30.
        const rs = await Promise.all(Array.from({ length: 50 }, check));
        expect(rs.filter((r) => !r.blocked)).toHaveLength(29);
        expect(rs.every((r) => r.stale !== true)).toBe(true);
      } finally {
        await st.close();
      }
    }
  });

  it('reads a TAT left by the previous script version (<ms>|<expiry>), rewrites it as integer µs with an expiry', async () => {
    const t = freshTenant('legacy');
    const key = counterKey({ tenantId: t, ruleId: 'legacy', kind: 'rate' });
    const now = Date.now();
    // 3 of 5 used in the old format: TAT = now + 3 T (T = 12 s), key expiring much later than the new scheme would set.
    await admin.set(key, `${(now + 36_000).toFixed(3)}|${now + 3_600_000}`, 'PX', 3_600_000);
    const r = await store.evaluate({
      versionKey: policyVersionKey(t),
      checks: [{ kind: 'rate', key, intervalMs: 12_000, toleranceMs: 60_000, enforce: true }],
      bypassUntilMs: 0,
      mode: 'check',
    });
    expect(r.results[0]).toMatchObject({ allowed: true, remaining: 1 });
    const raw = await admin.get(key);
    expect(raw).toMatch(/^\d{16}$/);
    expect(Math.abs(Number(raw) / 1000 - (now + 48_000))).toBeLessThan(1);
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(48_000 + 60_000 - 1_000);
    expect(ttl).toBeLessThanOrEqual(48_000 + 60_000 + 2_000);
  });

  it('parseReply rejects a reply that does not match the checks (script/client mismatch)', async () => {
    const { parseReply } = await import('../../../lambdas/shared/rate-limit/adapters/redis-store');
    expect(() => parseReply('1,0,', 1)).toThrow(/unexpected limiter script reply/);
    expect(() => parseReply([1, 0, '', 1, 2, 3], 1)).toThrow(/0.75 results for 1 checks/);
    expect(parseReply([5, 4, 'v1'], 2)).toMatchObject({ stale: true, version: 'v1', results: [] });
  });

  it('4 processes × 250 concurrent decisions on a limit of 100 → exactly 100 allowed; every key has a TTL', async () => {
    const tenant = freshTenant('conc');
    const worker = fileURLToPath(new URL('./concurrency-worker.ts', import.meta.url));
    const startAt = Date.now() + 4_000;
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{
            allowed: number;
            denied: number;
            unavailable: number;
            degraded: number;
            keys: string[];
          }>((resolve, reject) => {
            const p = spawn(
              process.execPath,
              ['--import', 'tsx', worker, server.url, tenant, '250', String(startAt)],
              {
                stdio: ['ignore', 'pipe', 'pipe'],
              },
            );
            let out = '';
            let err = '';
            p.stdout.on('data', (d) => {
              out += d;
            });
            p.stderr.on('data', (d) => {
              err += d;
            });
            p.on('exit', (code) => {
              const line = out.trim().split('\n').pop() ?? '';
              if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
              else reject(new Error(`worker exited ${code}: ${err || out}`));
            });
          }),
      ),
    );
    const total = (k: 'allowed' | 'denied' | 'unavailable' | 'degraded') =>
      runs.reduce((s, r) => s + r[k], 0);
    expect(total('unavailable')).toBe(0);
    expect(total('degraded')).toBe(0);
    expect(total('allowed')).toBe(100);
    expect(total('denied')).toBe(900);

    // No key without a TTL anywhere in the server (SCAN + PTTL).
    let cursor = '0';
    const seen: string[] = [];
    do {
      const [next, keys] = await admin.scan(cursor, 'COUNT', 500);
      cursor = next;
      seen.push(...keys);
    } while (cursor !== '0');
    expect(seen.length).toBeGreaterThan(0);
    for (const k of seen) expect(await admin.pttl(k), k).toBeGreaterThan(0);

    // All keys of one decision share one cluster slot.
    const keys = [policyVersionKey(tenant), ...runs.flatMap((r) => r.keys)];
    expect(new Set(keys.map(keySlot)).size).toBe(1);
  }, 60_000);

  it('one EVALSHA per decision (INFO commandstats), and EVAL once after NOSCRIPT', async () => {
    const source = new StaticPolicySource();
    const limiter = new RateLimiter({
      store,
      fallback: new MemoryStore(),
      policySource: source,
      flags: fixedFlags(),
      timeoutMs: 1_000,
      tierVersionPollMs: 60_000,
    });
    const tenant = freshTenant('calls');
    await limiter.check({ tenantId: tenant, userId: 'alice', tier: 'premium', route: reportsPost }); // warm caches
    await admin.script('FLUSH');
    const sent: string[] = [];
    const client = store.client as Redis;
    const original = client.sendCommand.bind(client);
    client.sendCommand = ((
      cmd: Parameters<Redis['sendCommand']>[0],
      stream?: Parameters<Redis['sendCommand']>[1],
    ) => {
      sent.push(cmd.name);
      return original(cmd, stream);
    }) as Redis['sendCommand'];
    const before = await commandCalls();
    for (let i = 0; i < 50; i++) {
      const d = await limiter.check({
        tenantId: tenant,
        userId: `u${i % 5}`,
        tier: 'premium',
        route: reportsPost,
      });
      expect(d.error).toBeUndefined();
      expect(d.status).toBe('allowed');
      expect(d.outcomes).toHaveLength(4);
    }
    const after = await commandCalls();
    const delta = (c: string) => (after[c] ?? 0) - (before[c] ?? 0);
    expect(delta('evalsha')).toBe(50);
    expect(delta('eval')).toBe(1); // the NOSCRIPT fallback, once
    expect(Number(((await admin.script('EXISTS', LIMITER_SHA)) as number[])[0])).toBe(1);
    client.sendCommand = original;
    // Client side: 50 decisions = 50 EVALSHA (+ the one EVAL after NOSCRIPT), nothing else on the wire.
    expect(sent.filter((c) => c === 'evalsha')).toHaveLength(50);
    expect(sent.filter((c) => c !== 'evalsha')).toEqual(['eval']);
  });

  it('tenant isolation: tenant A flooding to denial does not change tenant B’s decisions', async () => {
    const source = new StaticPolicySource();
    source.setTierRules('free', [
      { id: 'tenant', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 60 },
      { id: 'user', scope: 'user', kind: 'rate', limit: 5, periodSec: 60 },
    ]);
    const limiter = new RateLimiter({
      store,
      fallback: new MemoryStore(),
      policySource: source,
      flags: fixedFlags(),
      timeoutMs: 1_000,
    });
    const a = freshTenant('a');
    const b = freshTenant('b');
    const seq = async (t: string, n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const d = await limiter.check({ tenantId: t, userId: 'alice', tier: 'free', route: reportsGet });
        out.push(`${d.status}:${d.outcomes.map((o) => o.remaining).join('/')}`);
      }
      return out;
    };
    const baseline = await seq(freshTenant('baseline'), 7);
    const flood = await seq(a, 30);
    expect(flood.filter((s) => s.startsWith('denied')).length).toBe(25);
    expect(await seq(b, 7)).toEqual(baseline);
  });
});

describe('RedisStore.warmUp', () => {
  it('resolves when the first connection is ready, or after maxMs', async () => {
    const cold = new RedisStore({ url: server.url });
    await cold.warmUp(5_000);
    expect(cold.client.status).toBe('ready');
    await cold.warmUp(5_000); // already ready: returns at once
    await cold.close();
    const nowhere = new RedisStore({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 100 });
    const t0 = Date.now();
    await nowhere.warmUp(150);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(nowhere.client.status).not.toBe('ready');
    await nowhere.close();
  });
});

describe('Redis outage', () => {
  it('open routes keep answering within the timeout (degraded), closed routes 503, then recovery', async () => {
    const own = await startRedis();
    const redisStore = new RedisStore({ url: own.url });
    const limiter = new RateLimiter({
      store: redisStore,
      fallback: new MemoryStore(),
      policySource: new StaticPolicySource(),
      flags: fixedFlags(),
      timeoutMs: 25,
      breakerThreshold: 3,
      breakerCooldownMs: 300,
    });
    const tenant = freshTenant('outage');
    const check = async (route = reportsGet) => {
      const t0 = performance.now();
      const d = await limiter.check({ tenantId: tenant, userId: 'alice', tier: 'standard', route });
      return { d, ms: performance.now() - t0 };
    };
    // Healthy first (a loaded CI box may need a retry to get under the 25 ms budget).
    let healthy = await check();
    for (let i = 0; i < 5 && healthy.d.degraded; i++) healthy = await check();
    expect(healthy.d).toMatchObject({ status: 'allowed', degraded: false });

    await own.stop();
    const during = [];
    for (let i = 0; i < 20; i++) during.push(await check(i % 2 ? reportsPost : reportsGet));
    for (const { d, ms } of during) {
      expect(d.degraded).toBe(true);
      // Never a reconnect wait (seconds): bounded by the 25 ms timeout plus scheduling on a loaded 2-core box (the
      // timeout's exact value is the unit test's, on fake timers: test/unit/rate-limit/limiter.test.ts).
      expect(ms).toBeLessThan(500);
      if (d.route === 'POST /v1/reports') {
        expect(d.status).toBe('unavailable');
        expect(d.retryAfterSec).toBeGreaterThanOrEqual(1);
      } else {
        expect(d.status).toBe('allowed');
        expect(d.outcomes.length).toBeGreaterThan(0); // decided by the in-memory fallback
      }
    }
    expect(limiter.breaker.state).not.toBe('closed');

    await own.restart();
    const deadline = Date.now() + 15_000;
    let recovered = false;
    while (Date.now() < deadline && !recovered) {
      const { d } = await check(reportsPost);
      recovered = d.status === 'allowed' && !d.degraded;
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    expect(limiter.breaker.state).toBe('closed');
    await redisStore.close();
    await own.stop();
  }, 30_000);
});
