import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../../../lambdas/admin/app';
import { DynamoBlockStore } from '../../../lambdas/security-responder/block-store';
import { AdminClampPort, CLAMP_RULE_ID } from '../../../lambdas/security-responder/clamp';
import { hourStart } from '../../../lambdas/shared/security/anomaly';
import { RedisActivityStore, RedisBaselineStore } from '../../../lambdas/shared/security/anomaly-redis';
import { FailedAuthDetector } from '../../../lambdas/shared/security/failed-auth';
import { RedisWindowStore } from '../../../lambdas/shared/security/sliding-window';
import { type RedisServer, startRedis } from '../../helpers/redis-server';
import { ACTORS, call, testDeps } from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from '../admin/setup';

let redis: RedisServer;
let client: Redis;
let db: AdminDb;

beforeAll(async () => {
  [redis, db] = await Promise.all([startRedis(), startAdminDb('security')]);
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  client?.disconnect();
  await Promise.all([redis?.stop(), db?.stop()]);
});

async function ttlsOfAll(): Promise<Record<string, number>> {
  const keys = await client.keys('sec:*');
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await client.pttl(k)] as const)));
}

describe('Redis sliding windows (failed auth)', () => {
  it('counts with Redis TIME, trips once per cool-down, and every key has a TTL', async () => {
    const detector = new FailedAuthDetector({
      store: new RedisWindowStore(client),
      config: { windowSec: 60, perIpThreshold: 5, perTenantThreshold: 1000, cooldownSec: 120 },
    });
    const trips: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = await detector.observe({ ip: '2001:db8::77', tenantId: 'acme' });
      if (d.some((x) => x.subject === 'ip')) trips.push(i);
    }
    expect(trips).toEqual([4]);
    const ttls = await ttlsOfAll();
    expect(Object.keys(ttls).sort()).toEqual([
      'sec:fa:{ip%3A2001%3Adb8%3A%3A77}',
      'sec:fa:{ip%3A2001%3Adb8%3A%3A77}:trip',
      'sec:fa:{tenant%3Aacme}',
    ]);
    for (const [k, ttl] of Object.entries(ttls)) {
      expect(ttl, k).toBeGreaterThan(0);
      expect(ttl, k).toBeLessThanOrEqual(120_000);
    }
    // only the current (and at most the previous) bucket is kept
    expect(Object.keys(await client.hgetall('sec:fa:{ip%3A2001%3Adb8%3A%3A77}')).length).toBeLessThanOrEqual(
      2,
    );
  });

  it('concurrent hits from many clients are all counted (atomic script)', async () => {
    const store = new RedisWindowStore(client);
    const spec = { windowMs: 60_000, threshold: 50, cooldownMs: 60_000 };
    const hits = await Promise.all(Array.from({ length: 50 }, () => store.hit('ip:198.51.100.200', spec)));
    expect(hits.filter((h) => h.tripped)).toHaveLength(1);
    expect(Math.max(...hits.map((h) => h.count))).toBeGreaterThanOrEqual(50);
  });
});

describe('Redis anomaly stores', () => {
  it('aggregates hourly figures per tenant, drains once, keeps baselines, all keys with TTLs', async () => {
    await client.flushall();
    const activity = new RedisActivityStore(client);
    const baselines = new RedisBaselineStore(client);
    const h = hourStart(Date.now());
    await activity.add('acme', h, { requests: 1, bytesOut: 100 });
    await activity.add('acme', h, { requests: 1, throttled: 1 });
    await activity.add('globex', h, { requests: 1, unauthorized: 1 });
    await baselines.put('acme', { figures: { requests: { mean: 2, variance: 0, hours: 1 } }, lastHourMs: h });
    for (const [k, ttl] of Object.entries(await ttlsOfAll())) expect(ttl, k).toBeGreaterThan(0);
    const drained = await activity.drain(h);
    expect(drained.find((t) => t.tenantId === 'acme')?.figures).toEqual({
      requests: 2,
      throttled: 1,
      unauthorized: 0,
      bytesOut: 100,
    });
    expect(drained).toHaveLength(2);
    expect(await activity.drain(h)).toEqual([]);
    expect((await baselines.get('acme'))?.lastHourMs).toBe(h);
    expect(await baselines.get('nobody')).toBeUndefined();
  });
});

const store = () =>
  new DynamoBlockStore(
    () => db.client,
    () => db.tables.security,
  );

describe('DynamoDB block store (security table)', () => {
  it('keeps blocks per IP version, claims event ids once, forgets released claims', async () => {
    const s = store();
    const now = Date.now();
    await s.put({
      cidr: '198.51.100.1/32',
      version: 4,
      severity: 8,
      source: 'guardduty',
      reason: 'x',
      ref: 'f1',
      createdAt: now,
      expiresAt: Math.floor(now / 1000) + 60,
    });
    await s.put({
      cidr: '2001:db8::1/128',
      version: 6,
      severity: 7,
      source: 'failed-auth',
      reason: 'y',
      ref: 'e1',
      createdAt: now,
      expiresAt: Math.floor(now / 1000) + 60,
    });
    expect((await s.list(4)).map((b) => b.cidr)).toEqual(['198.51.100.1/32']);
    expect((await s.list(6)).map((b) => [b.cidr, b.source])).toEqual([['2001:db8::1/128', 'failed-auth']]);
    await s.delete(4, '198.51.100.1/32');
    expect(await s.list(4)).toEqual([]);
    expect(await s.claimEvent('evt-1', 60, now)).toBe(true);
    expect(await s.claimEvent('evt-1', 60, now)).toBe(false);
    expect(await s.claimEvent('evt-1', 60, now + 61_000)).toBe(true); // an expired claim (TTL not yet run)
    await s.releaseEvent('evt-1');
    expect(await s.claimEvent('evt-1', 60, now)).toBe(true);
  });
});

describe('tenant clamp through the admin API code path', () => {
  it('adds the clamp rule with If-Match, audited as the responder, and restores the previous rules on expiry', async () => {
    const deps = testDeps(db.repo);
    const api = createAdminApi(deps);
    const s = store();
    const clamp = new AdminClampPort(api, s, { requestsPerMinute: 30, ttlSec: 600 });
    const before = await call(api, {
      method: 'GET',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.platformAdmin,
    });
    const now = Date.now();
    expect(await clamp.clamp('acme', { reason: 'failed_auth_per_tenant', ref: 'd-1', nowMs: now })).toBe(
      true,
    );
    expect(await clamp.clamp('acme', { reason: 'again', ref: 'd-2', nowMs: now })).toBe(false); // already clamped
    const during = await call(api, {
      method: 'GET',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.platformAdmin,
    });
    expect(
      (during.body.overrides as { id: string; limit: number }[]).find((r) => r.id === CLAMP_RULE_ID),
    ).toMatchObject({
      limit: 30,
      periodSec: 60,
      scope: 'tenant',
    });
    expect(deps.limiter.tenantBumps).toContain('acme');
    const audit = await call(api, {
      method: 'GET',
      path: '/admin/audit',
      query: { tenantId: 'acme' },
      actor: ACTORS.platformAdmin,
    });
    expect(JSON.stringify(audit.body)).toContain('security-responder');
    expect(await clamp.liftExpired(now + 599_000)).toEqual([]);
    expect(await clamp.liftExpired(now + 601_000)).toEqual(['acme']);
    const after = await call(api, {
      method: 'GET',
      path: '/admin/tenants/acme/limits',
      actor: ACTORS.platformAdmin,
    });
    expect(after.body.overrides).toEqual(before.body.overrides);
    expect(await s.getClamp('acme')).toBeUndefined();
    expect(await clamp.clamp('no-such-tenant', { reason: 'x', ref: 'd-3', nowMs: now })).toBe(false);
  });

  it('a human change during the clamp wins: lifting leaves their rules', async () => {
    const deps = testDeps(db.repo);
    const api = createAdminApi(deps);
    const clamp = new AdminClampPort(api, store(), { requestsPerMinute: 30, ttlSec: 60 });
    const now = Date.now();
    expect(await clamp.clamp('globex', { reason: 'x', ref: 'd-9', nowMs: now })).toBe(true);
    const cur = await call(api, {
      method: 'GET',
      path: '/admin/tenants/globex/limits',
      actor: ACTORS.platformAdmin,
    });
    const human = [{ id: 'human', kind: 'rate', scope: 'tenant', limit: 5, periodSec: 1 }];
    const put = await call(api, {
      method: 'PUT',
      path: '/admin/tenants/globex/limits',
      actor: ACTORS.platformAdmin,
      body: { rules: human },
      headers: { 'If-Match': cur.headers.etag ?? '' },
    });
    expect(put.status).toBe(200);
    expect(await clamp.liftExpired(now + 61_000)).toEqual(['globex']);
    const after = await call(api, {
      method: 'GET',
      path: '/admin/tenants/globex/limits',
      actor: ACTORS.platformAdmin,
    });
    expect((after.body.overrides as { id: string }[]).map((r) => r.id)).toEqual(['human']);
  });
});
