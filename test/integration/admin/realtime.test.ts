import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLimiter } from '../../../lambdas/admin/deps';
import { createLoggerAndMetrics } from '../../../lambdas/shared/logger-metrics';
import {
  configureRateLimiter,
  DynamoPolicySource,
  resetRateLimiter,
} from '../../../lambdas/shared/rate-limit';
import { limitedService } from '../../helpers/limited-service';
import { type RedisServer, startRedis } from '../../helpers/redis-server';
import { ACTORS, call, createAdminApi, lambdaContext, restEvent, testDeps } from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from './setup';

let redis: RedisServer;
let adb: AdminDb;

beforeAll(async () => {
  [redis, adb] = await Promise.all([startRedis(), startAdminDb('realtime')]);
  configureRateLimiter({
    redisUrl: redis.url,
    policySource: new DynamoPolicySource({ client: adb.client, table: adb.tables.limits }),
  });
});
afterAll(async () => {
  await resetRateLimiter();
  await Promise.all([adb.stop(), redis.stop()]);
});

/** A limited service route (`GET /v1/reports`) behind the real limiter on Redis. */
const service = limitedService(createLoggerAndMetrics('reports'), {
  'GET /v1/reports': async (): Promise<APIGatewayProxyResult> => ({
    statusCode: 200,
    headers: {},
    body: '{"ok":true}',
  }),
});

function asUser(userId: string) {
  return service(
    restEvent({ method: 'GET', path: '/v1/reports', actor: { ...ACTORS.acmeUser, userId } }),
    lambdaContext,
  );
}

describe('real-time limit changes', () => {
  it('lowering a user’s limit through the admin API is enforced within 1 s', async () => {
    const admin = createAdminApi(testDeps(adb.repo, { limiter: sharedLimiter }));
    // Before: alice is under the tier default (standard: 300/min, burst 30).
    for (let i = 0; i < 5; i++) expect((await asUser('alice')).statusCode).toBe(200);

    const cur = await call(admin, { method: 'GET', path: '/admin/tenants/acme/limits' });
    const put = await call(admin, {
      method: 'PUT',
      path: '/admin/tenants/acme/limits',
      headers: { 'If-Match': cur.headers.etag! },
      body: {
        rules: [
          {
            id: 'alice-rate',
            scope: 'user',
            subject: 'alice',
            kind: 'rate',
            limit: 2,
            periodSec: 60,
            burst: 2,
          },
        ],
      },
    });
    expect(put.status).toBe(200);
    const t0 = Date.now();

    let allowed = 0;
    let denied: APIGatewayProxyResult | undefined;
    while (!denied && Date.now() - t0 < 1_000) {
      const res = await asUser('alice');
      if (res.statusCode === 200) allowed++;
      else denied = res;
    }
    const elapsed = Date.now() - t0;
    expect(denied?.statusCode).toBe(429);
    expect(elapsed).toBeLessThan(1_000);
    // New limit: burst 2. At most one more request may pass: the limiter learns of the bump from the version
    // returned with a decision, so the one decision that discovers it is still made under the old policy.
    expect(allowed).toBeLessThanOrEqual(3);
    expect(JSON.parse(denied!.body)['violated-policies']).toContain('alice-rate');
    // Other users keep the tier default.
    expect((await asUser('bob')).statusCode).toBe(200);

    // The usage endpoint reads the same counters.
    const usage = await call(admin, {
      method: 'GET',
      path: '/admin/tenants/acme/usage',
      query: { userId: 'alice' },
    });
    expect(usage.status).toBe(200);
    const rule = (
      usage.body.rules as { ruleId: string; remaining: number; limit: number; used: number }[]
    ).find((r) => r.ruleId === 'alice-rate');
    // The new rule's own counter admitted exactly its burst.
    expect(rule).toMatchObject({ limit: 2, remaining: 0, used: 2 });
  });

  it('an emergency bypass lifts the limit within 1 s, and deleting it restores the limit', async () => {
    const admin = createAdminApi(testDeps(adb.repo, { limiter: sharedLimiter }));
    expect((await asUser('alice')).statusCode).toBe(429);
    const created = await call(admin, {
      method: 'POST',
      path: '/admin/tenants/acme/bypass',
      body: { userId: 'alice', reason: 'incident: alice blocked', ttlSec: 600 },
    });
    expect(created.status).toBe(201);
    const t0 = Date.now();
    let status = 429;
    while (status !== 200 && Date.now() - t0 < 1_000) status = (await asUser('alice')).statusCode;
    expect(status).toBe(200);

    const del = await call(admin, {
      method: 'DELETE',
      path: `/admin/tenants/acme/bypass/${String(created.body.bypassId)}`,
    });
    expect(del.status).toBe(204);
    const t1 = Date.now();
    while (status !== 429 && Date.now() - t1 < 1_000) status = (await asUser('alice')).statusCode;
    expect(status).toBe(429);
  });
});
