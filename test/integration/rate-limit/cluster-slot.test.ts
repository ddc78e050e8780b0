import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { RedisStore } from '../../../lambdas/shared/rate-limit/adapters/redis-store';
import { counterKey, keySlot, policyVersionKey } from '../../../lambdas/shared/rate-limit/core/keys';
import { RateLimiter } from '../../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import { ROUTES } from '../../../lib/config/routes';
import { freePort } from '../../helpers/free-port';
import { fixedFlags } from '../../unit/rate-limit/conformance.suite';

/**
 * A one-node Redis Cluster (cluster mode enabled, all 16384 slots on this node) — the CROSSSLOT rules of
 * ElastiCache Serverless / cluster mode apply to it.
 */
let proc: ChildProcess;
let port: number;
let dir: string;
let admin: Redis;

beforeAll(async () => {
  port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'rl-cluster-'));
  proc = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-announce-ip',
      '127.0.0.1',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
      '--loglevel',
      'warning',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50 });
  admin.on('error', () => undefined); // refused while the server starts
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      await admin.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  while (Date.now() < deadline) {
    const info = String(await admin.call('CLUSTER', 'INFO'));
    if (info.includes('cluster_state:ok')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  admin?.disconnect();
  proc?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const weirdTenants = ['acme', 'a{b}c', '{x}', 'ten:ant/1', 'üñí', 'a}b{c', '%7B'];

describe('cluster slots', () => {
  it('our CRC16 slot equals CLUSTER KEYSLOT, and all keys of a tenant share one slot', async () => {
    for (const t of weirdTenants) {
      const keys = [
        policyVersionKey(t),
        counterKey({ tenantId: t, ruleId: 'r', kind: 'rate', params: '1-1-1', userId: '{user}:x' }),
        counterKey({ tenantId: t, ruleId: 'q', kind: 'quota', window: 'month' }),
      ];
      const slots = await Promise.all(keys.map((k) => admin.call('CLUSTER', 'KEYSLOT', k)));
      expect(new Set(slots).size, t).toBe(1);
      expect(keys.map(keySlot)).toEqual(slots.map(Number));
    }
  });

  it('a full decision (4 rules) runs as one script on cluster mode without CROSSSLOT', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port }], { dnsLookup: (a, cb) => cb(null, a) });
    cluster.on('error', () => undefined); // slot refresh retries while the node settles
    await new Promise<void>((resolve) => cluster.once('ready', () => resolve()));
    const store = new RedisStore({ client: cluster, ownsClient: true });
    const limiter = new RateLimiter({
      store,
      fallback: new MemoryStore(),
      policySource: new StaticPolicySource(),
      flags: fixedFlags(),
      timeoutMs: 5_000,
    });
    const route = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/reports')!;
    for (const t of weirdTenants) {
      const d = await limiter.check({ tenantId: t, userId: 'al{ice}', tier: 'standard', route });
      expect(d.error).toBeUndefined();
      expect(d).toMatchObject({ status: 'allowed', degraded: false });
      expect(d.outcomes).toHaveLength(4);
    }
    // The check can fail: keys of two tenants in one script are refused by cluster mode.
    await expect(
      cluster.eval('return 1', 2, policyVersionKey('acme'), policyVersionKey('globex')),
    ).rejects.toThrow(/CROSSSLOT/);
    await store.close();
  });
});
