import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoProbe, redisProbe } from '../../../lambdas/admin/health';
import { type RedisServer, startRedis } from '../../helpers/redis-server';
import { call, createAdminApi, testDeps } from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from './setup';

let redis: RedisServer;
let adb: AdminDb;

beforeAll(async () => {
  [redis, adb] = await Promise.all([startRedis(), startAdminDb('health')]);
});
afterAll(async () => {
  await Promise.all([adb.stop(), redis.stop()]);
});

describe('GET /health/deep against real dependencies', () => {
  it('reports DynamoDB and Redis with latency, and 503 while Redis is down', async () => {
    const api = createAdminApi(
      testDeps(adb.repo, { probes: [dynamoProbe(() => adb.repo.ping()), redisProbe(redis.url)] }),
    );
    const up = await call(api, { method: 'GET', path: '/health/deep' });
    expect(up.status).toBe(200);
    expect(up.body.checks).toMatchObject([
      { name: 'dynamodb', status: 'ok', latencyMs: expect.any(Number) },
      { name: 'redis', status: 'ok', latencyMs: expect.any(Number) },
    ]);

    await redis.stop();
    const down = await call(api, { method: 'GET', path: '/health/deep' });
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'degraded',
      checks: [
        { name: 'dynamodb', status: 'ok' },
        { name: 'redis', status: 'error' },
      ],
    });
    expect((down.body.checks as { latencyMs: number }[])[1]!.latencyMs).toBeLessThanOrEqual(2_500);

    await redis.restart();
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await call(api, { method: 'GET', path: '/health/deep' })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
