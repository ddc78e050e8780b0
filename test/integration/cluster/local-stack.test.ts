import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterKey, keySlot } from '../../../lambdas/shared/rate-limit';
import { SETTINGS } from '../../../lib/config/settings';
import { chooseRedis, describeRedis, isCluster } from '../../../local/redis';
import { tenantSlot } from '../../helpers/cluster-load';
import { type RunningRedisCluster, startRedisCluster } from '../../helpers/redis-cluster';
import { burst, startTestStack, type TestStack } from '../local/stack-harness';

/**
 * The whole local request path on a real 6-node Redis Cluster (3 primaries + 3 replicas): local gateway → Lambda
 * authorizer → rate-limit step (cluster client, `REDIS_URL` = one seed node + `REDIS_CLUSTER=true`) → handler.
 */
let cluster: RunningRedisCluster;
let t: TestStack;

beforeAll(async () => {
  // What this suite checks is the cluster path (slots, headers, state on the right primary), not timing: a 1 s store
  // budget keeps a loaded machine's stalls from sending decisions to the in-memory fallback (the verify run of
  // 2 Dec 14:46 did, at load average 12, and the 429 count came out wrong). Failover timing: cluster.test.ts.
  process.env[SETTINGS.rateLimitTimeoutMs.name] = '1000';
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  t = await startTestStack(cluster.url, { cluster: true });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await cluster?.stop();
  delete process.env.REDIS_CLUSTER;
  delete process.env[SETTINGS.rateLimitTimeoutMs.name];
});

describe('local stack on a 3-primary, 3-replica Redis Cluster', () => {
  it('uses the cluster client and answers 200, then 429 with RateLimit headers once the user limit is spent', async () => {
    expect(t.stack.redis).toMatchObject({ kind: 'url', url: cluster.url, cluster: true });
    expect(process.env.REDIS_CLUSTER).toBe('true');

    const ops = await t.token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
    const carol = await t.token({ tenantId: 'globex', userId: 'carol' });
    const cur = await t.call('GET', '/admin/tenants/globex/limits', { token: ops });
    expect(cur.status, cur.text).toBe(200);
    const put = await t.call('PUT', '/admin/tenants/globex/limits', {
      token: ops,
      headers: { 'if-match': cur.headers.get('etag') ?? '' },
      body: {
        rules: [
          {
            id: 'carol-rate',
            scope: 'user',
            subject: 'carol',
            kind: 'rate',
            limit: 4,
            periodSec: 30,
            burst: 4,
          },
        ],
      },
    });
    expect(put.status, put.text).toBe(200);
    // The limiter learns of a policy change from the version its script returns: one request of the tenant first.
    expect((await t.call('GET', '/v1/me', { token: carol })).status).toBe(200);

    const rs = await burst(t, 7, '/v1/me', carol);
    const ok = rs.filter((r) => r.status === 200);
    const denied = rs.filter((r) => r.status === 429);
    expect(ok).toHaveLength(3); // 4 per burst, one spent above
    expect(denied).toHaveLength(4);
    expect(rs.every((r) => r.status === 200 || r.status === 429)).toBe(true);

    const d = denied[0]!;
    expect(d.headers.get('content-type')).toBe('application/problem+json');
    expect(d.json?.['violated-policies']).toEqual(['carol-rate']);
    expect(Number(d.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(d.headers.get('ratelimit-policy')).toContain('"carol-rate";q=4;w=30');
    expect(d.headers.get('ratelimit')).toMatch(/"carol-rate";r=0;t=\d+/);
    expect(ok[0]!.headers.get('ratelimit-policy')).toContain('"carol-rate"');
    expect(ok[0]!.json).toMatchObject({ tenantId: 'globex', userId: 'carol' });
    // Decided by Redis, not the in-memory fallback: carol's GCRA key lives in the tenant's slot on its primary, and
    // its TAT (epoch µs) is 4 emission intervals (4 × 7.5 s) ahead — all 4 admitted requests were counted there.
    const key = counterKey({
      tenantId: 'globex',
      ruleId: 'carol-rate',
      kind: 'rate',
      params: '4-30-4',
      userId: 'carol',
    });
    expect(keySlot(key)).toBe(tenantSlot('globex'));
    const owner = await cluster.ownerOf(keySlot(key));
    const tatUs = Number(await cluster.call(owner.port, 'GET', key));
    expect(tatUs / 1000 - Date.now()).toBeGreaterThan(25_000);
    expect(t.accessLog.filter((l) => l.status === '429' && l.userId === 'carol')).toHaveLength(4);
  });
});

describe('LOCAL_REDIS=cluster', () => {
  it('starts its own 6-node cluster for the stack and stops it', async () => {
    const choice = await chooseRedis({ LOCAL_REDIS: 'cluster' });
    try {
      expect(choice.kind).toBe('spawned-cluster');
      expect(isCluster(choice)).toBe(true);
      if (choice.kind !== 'spawned-cluster') return;
      expect(choice.ports).toHaveLength(6);
      expect(describeRedis(choice)).toContain('3 primaries + 3 replicas');
      const probe = new Cluster([{ host: '127.0.0.1', port: choice.ports[0]! }], { lazyConnect: true });
      try {
        await probe.set('{probe}:k', '1');
        expect(await probe.get('{probe}:k')).toBe('1');
        expect(String(await probe.cluster('INFO'))).toContain('cluster_size:3');
      } finally {
        probe.disconnect();
      }
    } finally {
      if (choice.kind === 'spawned-cluster') await choice.stop();
    }
  }, 60_000);
});
