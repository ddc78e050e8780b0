import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpPolicyVersion } from '../../../lambdas/shared/rate-limit';
import type { RuleInput } from '../../../lib/config/policy';
import { type RedisServer, startRedis } from '../../helpers/redis-server';
import { burst, sleep, startTestStack, type TestResponse, type TestStack } from './stack-harness';

let redis: RedisServer;
let t: TestStack;
let ops: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  redis = await startRedis();
  t = await startTestStack(redis.url);
  ops = await t.token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
  alice = await t.token({ tenantId: 'globex', userId: 'alice' });
  bob = await t.token({ tenantId: 'globex', userId: 'bob' });
});
afterAll(async () => {
  await t?.stop();
  await redis?.stop();
});

/**
 * Other traffic of the tenant (bob): the limiter learns of a policy change from the version its script returns,
 * so the one decision that discovers a bump is still made under the old policy; with this request before alice's
 * burst, every decision of the burst is made under the new one.
 */
async function otherTenantTraffic(): Promise<void> {
  expect((await t.call('GET', '/v1/reports', { token: bob })).status).toBe(200);
}

/** Replaces globex's limit overrides through the admin API (GET for the ETag, PUT with If-Match). */
async function putGlobexRules(rules: RuleInput[]): Promise<void> {
  const cur = await t.call('GET', '/admin/tenants/globex/limits', { token: ops });
  expect(cur.status).toBe(200);
  const put = await t.call('PUT', '/admin/tenants/globex/limits', {
    token: ops,
    body: { rules },
    headers: { 'if-match': cur.headers.get('etag') ?? '' },
  });
  expect(put.status, put.text).toBe(200);
  await otherTenantTraffic();
}

const count = (rs: TestResponse[], status: number) => rs.filter((r) => r.status === status).length;

describe('local stack with Redis: limits end to end over HTTP', () => {
  it('reports its limiter store as the given Redis', () => {
    expect(t.stack.redis).toMatchObject({ kind: 'url', url: redis.url });
  });

  it('burst beyond a user limit: exactly the limit passes, then 429 with headers and Retry-After; after waiting, success', async () => {
    await putGlobexRules([
      { id: 'alice-rate', scope: 'user', subject: 'alice', kind: 'rate', limit: 5, periodSec: 15, burst: 5 },
    ]);
    const rs = await burst(t, 8, '/v1/me', alice);
    expect(count(rs, 200)).toBe(5);
    expect(count(rs, 429)).toBe(3);
    const denied = rs.find((r) => r.status === 429)!;
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    expect(denied.json?.['violated-policies']).toEqual(['alice-rate']);
    const retryAfter = Number(denied.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(denied.headers.get('x-ratelimit-limit')).toBe('5');
    expect(denied.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(denied.headers.get('ratelimit')).toContain('"alice-rate"');
    const passed = rs.find((r) => r.status === 200)!;
    expect(passed.headers.get('x-ratelimit-limit')).toBe('5');
    expect(t.accessLog.filter((l) => l.status === '429' && l.userId === 'alice')).toHaveLength(3);
    await sleep(retryAfter * 1000);
    const again = await t.call('GET', '/v1/me', { token: alice });
    expect(again.status).toBe(200);
  });

  it('admin lowers the user limit through the admin API: within 1 s the new limit holds', async () => {
    await putGlobexRules([
      {
        id: 'alice-lowered',
        scope: 'user',
        subject: 'alice',
        kind: 'rate',
        limit: 2,
        periodSec: 60,
        burst: 2,
      },
    ]);
    await sleep(1_000);
    const rs = await burst(t, 5, '/v1/me', alice);
    expect(count(rs, 200)).toBe(2);
    expect(count(rs, 429)).toBe(3);
    expect(rs.find((r) => r.status === 429)!.json?.['violated-policies']).toEqual(['alice-lowered']);
    // bob (same tenant) is not affected by alice's rule
    expect(count(await burst(t, 5, '/v1/me', bob), 200)).toBe(5);
  });

  it('a bypass lifts the limit; removing it restores the limit', async () => {
    const created = await t.call('POST', '/admin/tenants/globex/bypass', {
      token: ops,
      body: { userId: 'alice', reason: 'incident 42: partner migration', ttlSec: 60 },
    });
    expect(created.status, created.text).toBe(201);
    const bypassId = String(created.json?.bypassId);
    await otherTenantTraffic();
    await sleep(1_000);
    expect(count(await burst(t, 6, '/v1/me', alice), 200)).toBe(6);
    const del = await t.call('DELETE', `/admin/tenants/globex/bypass/${bypassId}`, { token: ops });
    expect(del.status).toBe(204);
    await otherTenantTraffic();
    await sleep(1_000);
    expect((await t.call('GET', '/v1/me', { token: alice })).status).toBe(429);
  });

  it('a bypass that expires restores the limit by itself', async () => {
    // The admin API's shortest bypass is 60 s, so this one is written straight into the limits table (the item shape
    // the admin API writes) and announced the way the admin API does, with bumpPolicyVersion.
    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const doc = DynamoDBDocumentClient.from(t.stack.dynamo.client);
    await doc.send(
      new PutCommand({
        TableName: t.stack.dynamo.tables.limits,
        Item: {
          pk: 'TENANT#globex',
          sk: 'BYPASS#expiry-test',
          bypassId: 'expiry-test',
          userId: 'alice',
          reason: 'short bypass for the expiry test',
          createdBy: 'ops',
          createdAt: new Date().toISOString(),
          expiresAt,
        },
      }),
    );
    await bumpPolicyVersion('globex');
    await otherTenantTraffic();
    expect(count(await burst(t, 4, '/v1/me', alice), 200)).toBe(4);
    await sleep(expiresAt * 1000 + 300 - Date.now());
    expect((await t.call('GET', '/v1/me', { token: alice })).status).toBe(429);
  });

  it('tenant A flooded to 429 while tenant B keeps getting 200', async () => {
    const flooders = await Promise.all(
      ['alice', 'bob', 'admin'].map((u) => t.token({ tenantId: 'initech', userId: u })),
    );
    const acme = await t.token({ tenantId: 'acme', userId: 'bob' });
    const flood = Promise.all(flooders.map((tok) => burst(t, 15, '/v1/reports', tok)));
    const steady: number[] = [];
    for (let i = 0; i < 10; i++) steady.push((await t.call('GET', '/v1/reports', { token: acme })).status);
    const flooded = (await flood).flat();
    expect(count(flooded, 429)).toBeGreaterThan(0);
    expect(steady).toEqual(Array(10).fill(200));
  });
});
