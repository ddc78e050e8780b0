/**
 * Benchmark: our limiter vs rate-limiter-flexible on the same redis-server, in the same run.
 *
 * Workload: 3 stacked rate rules per decision — tenant, user-within-tenant, endpoint (tenant × route) — over a
 * spread of 50 tenants × 20 users × 3 routes; limits high enough that decisions are allows (the full write path).
 * - ours: `RateLimiter.check` (policy resolution + ONE EVALSHA covering all 3 rules, all-or-nothing, Redis TIME)
 * - peer: rate-limiter-flexible `RateLimiterRedis` ×3 consumed in parallel (its `RateLimiterUnion` pattern with one
 *   key per rule — Union itself consumes the same key in every limiter), same ioredis client options, measured with
 *   and without ioredis auto-pipelining in every round (the better counts). Ours uses the production client of
 *   `createRedisClient` (no auto-pipelining; the store batches its own writes per tick). For transparency the peer is
 *   also measured on a client given the same write batching (`peer_batched_ops`, informational, not in the ratio).
 * Reports decisions/s at concurrency 64, p50/p99 latency at concurrency 1, and Redis calls per decision from
 * `INFO commandstats` deltas (client-issued commands: evalsha, eval, hgetall, get — scripts' inner commands excluded
 * by measuring the script commands only), cross-checked with a client-side command counter.
 * Ends with `RESULT {json}`.
 *
 * Run: `npm run bench:limiter` (env: BENCH_SECONDS per throughput run, default 3; BENCH_ROUNDS, default 3).
 */
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { MemoryStore } from '../../lambdas/shared/rate-limit/adapters/memory-store';
import { createRedisClient, RedisStore } from '../../lambdas/shared/rate-limit/adapters/redis-store';
import { RateLimiter } from '../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../lambdas/shared/rate-limit/core/policy-source';
import { ROUTES, type Route } from '../../lib/config/routes';
import { startRedis } from '../helpers/redis-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 5_000);
const CONCURRENCY = 64;
const TENANTS = 50;
const USERS = 20;
const routes: Route[] = ['GET /v1/reports', 'POST /v1/reports', 'GET /v1/reports/{reportId}'].map(
  (k) => ROUTES.find((r) => `${r.method} ${r.path}` === k)!,
);

interface Req {
  tenantId: string;
  userId: string;
  route: Route;
}
let cursor = 0;
function nextReq(): Req {
  const i = cursor++;
  return {
    tenantId: `tenant-${i % TENANTS}`,
    userId: `user-${Math.floor(i / TENANTS) % USERS}`,
    route: routes[i % routes.length]!,
  };
}

// Same client options for both. Auto-pipelining is measured both ways for the peer (its best counts, per round);
// ours runs with the production client of `createRedisClient` (no auto-pipelining: see redis-store.ts).
const clientOptions = { maxRetriesPerRequest: 1, connectTimeout: 1_000 };

/** Counts commands this client puts on the wire. */
function countCommands(client: Redis): { count: () => number } {
  let n = 0;
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((
    cmd: Parameters<Redis['sendCommand']>[0],
    stream?: Parameters<Redis['sendCommand']>[1],
  ) => {
    n++;
    return original(cmd, stream);
  }) as Redis['sendCommand'];
  return { count: () => n };
}

/**
 * Gives a plain ioredis client the same per-tick write batching as our store (`RedisStore` `writeBatch`, 16): used
 * only for an informational peer figure (not a configuration rate-limiter-flexible offers).
 */
function batchWrites(client: Redis, batch = 16): void {
  let writes = 0;
  let corked: Redis['stream'] | undefined;
  let tick = 0;
  const flush = () => {
    const s = corked;
    corked = undefined;
    writes = 0;
    s?.uncork();
  };
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((
    cmd: Parameters<Redis['sendCommand']>[0],
    stream?: Parameters<Redis['sendCommand']>[1],
  ) => {
    if (writes > 0 && writes < batch) writes++;
    else {
      flush();
      if (client.status === 'ready') {
        corked = client.stream;
        corked.cork();
        writes = 1;
        const t = ++tick;
        process.nextTick(() => {
          if (t === tick) flush();
        });
      }
    }
    return original(cmd, stream);
  }) as Redis['sendCommand'];
}

type Decide = (r: Req) => Promise<boolean>;

let admin: Redis;
async function redisCpu(): Promise<number> {
  const info = await admin.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]);
}

async function throughput(decide: Decide): Promise<number> {
  const cpu0 = process.cpuUsage();
  const r0 = await redisCpu();
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await decide(nextReq());
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const r1 = await redisCpu();
  if (process.env.BENCH_VERBOSE) {
    console.log(
      `  node cpu ${((cpu.user + cpu.system) / 1e6 / SECONDS).toFixed(2)} cores, redis cpu ${((r1 - r0) / SECONDS).toFixed(2)} cores, ${(done / SECONDS).toFixed(0)}/s`,
    );
  }
  return done / SECONDS;
}

/** Latency at concurrency 1, sampling both limiters alternately so both see the same machine load. */
async function latency(a: Decide, b: Decide): Promise<Array<{ p50: number; p99: number }>> {
  const samples: number[][] = [[], []];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    for (const [j, decide] of [a, b].entries()) {
      const r = nextReq();
      const t0 = performance.now();
      await decide(r);
      samples[j]!.push(performance.now() - t0);
    }
  }
  return samples.map((s) => {
    s.sort((x, y) => x - y);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
    return { p50: q(0.5), p99: q(0.99) };
  });
}

async function commandstats(admin: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await admin.info('commandstats')).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Client-issued commands per decision from commandstats deltas over `n` decisions. */
async function callsPerDecision(admin: Redis, decide: Decide, n: number, clientSide: () => number) {
  const before = await commandstats(admin);
  const c0 = clientSide();
  for (let i = 0; i < n; i++) await decide(nextReq());
  const after = await commandstats(admin);
  const d = (c: string) => (after[c] ?? 0) - (before[c] ?? 0);
  return {
    // Top-level commands: scripts (evalsha/eval) and the limiter's own reads (tier-version poll); the scripts'
    // inner commands (get/set/hmget/hset/pexpire/incrby/pttl/expire) are not client calls.
    server: (d('evalsha') + d('eval') + d('hgetall')) / n,
    client: (clientSide() - c0) / n,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const server = await startRedis();
  admin = new Redis(server.url);
  try {
    // ours
    const oursClient = createRedisClient({ url: server.url }) as Redis;
    const oursCount = countCommands(oursClient);
    const source = new StaticPolicySource();
    for (const tier of ['standard'] as const) {
      source.setTierRules(tier, [
        { id: 'tenant', scope: 'tenant', kind: 'rate', limit: 1_000_000, periodSec: 60 },
        { id: 'user', scope: 'user', kind: 'rate', limit: 1_000_000, periodSec: 60 },
        {
          id: 'endpoint',
          scope: 'tenant',
          kind: 'rate',
          limit: 1_000_000,
          periodSec: 60,
          match: { route: 'GET /v1/reports' },
        },
        {
          id: 'endpoint-post',
          scope: 'tenant',
          kind: 'rate',
          limit: 1_000_000,
          periodSec: 60,
          match: { route: 'POST /v1/reports' },
        },
        {
          id: 'endpoint-get-one',
          scope: 'tenant',
          kind: 'rate',
          limit: 1_000_000,
          periodSec: 60,
          match: { route: 'GET /v1/reports/{reportId}' },
        },
      ]);
    }
    const limiter = new RateLimiter({
      store: new RedisStore({ client: oursClient }),
      fallback: new MemoryStore(),
      policySource: source,
      flags: { isEnabled: async () => true },
      timeoutMs: 1_000, // the benchmark measures speed, not the fail-open path
    });
    let degraded = 0;
    let ruleCount = 0;
    const ours: Decide = async (r) => {
      const d = await limiter.check({
        tenantId: r.tenantId,
        userId: r.userId,
        tier: 'standard',
        route: r.route,
      });
      if (d.degraded) degraded++;
      ruleCount = d.outcomes.length;
      return d.status === 'allowed';
    };

    // peer: RateLimiterRedis ×3 (tenant, user, endpoint), consumed in parallel; one client with auto-pipelining and
    // one without (the better of the two is the peer's figure in each round).
    const makePeer = (enableAutoPipelining: boolean, batched = false) => {
      const client = new Redis(server.url, { ...clientOptions, enableAutoPipelining });
      if (batched) batchWrites(client);
      const count = countCommands(client);
      const mk = (keyPrefix: string) =>
        new RateLimiterRedis({ storeClient: client, keyPrefix, points: 1_000_000, duration: 60 });
      const tenantRl = mk('rlf-tenant');
      const userRl = mk('rlf-user');
      const endpointRl = mk('rlf-endpoint');
      const decide: Decide = async (r) => {
        try {
          await Promise.all([
            tenantRl.consume(r.tenantId),
            userRl.consume(`${r.tenantId}:${r.userId}`),
            endpointRl.consume(`${r.tenantId}:${r.route.method} ${r.route.path}`),
          ]);
          return true;
        } catch {
          return false;
        }
      };
      return { client, count, decide };
    };
    const peerAp = makePeer(true);
    const peerNoAp = makePeer(false);
    const peerBatched = makePeer(false, true);
    const peer = peerNoAp.decide;
    const peerCount = peerNoAp.count;

    // Warm up both (script load, policy caches, JIT).
    for (let i = 0; i < 3_000; i++) {
      await ours(nextReq());
      await peerAp.decide(nextReq());
      await peerNoAp.decide(nextReq());
      await peerBatched.decide(nextReq());
    }

    const oursRuns: number[] = [];
    const peerRuns: number[] = [];
    const peerBatchedRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      oursRuns.push(await throughput(ours));
      const withAp = await throughput(peerAp.decide);
      const withoutAp = await throughput(peerNoAp.decide);
      peerRuns.push(Math.max(withAp, withoutAp));
      peerBatchedRuns.push(await throughput(peerBatched.decide));
      console.log(
        `round ${round + 1}: ours ${oursRuns.at(-1)!.toFixed(0)} decisions/s, peer ${peerRuns.at(-1)!.toFixed(0)} decisions/s (auto-pipelining ${withAp.toFixed(0)}, without ${withoutAp.toFixed(0)}; with our write batching ${peerBatchedRuns.at(-1)!.toFixed(0)}; concurrency ${CONCURRENCY})`,
      );
    }
    const [oursLat, peerLat] = (await latency(ours, peer)) as [
      { p50: number; p99: number },
      { p50: number; p99: number },
    ];
    const oursCalls = await callsPerDecision(admin, ours, 2_000, oursCount.count);
    const peerCalls = await callsPerDecision(admin, peer, 2_000, peerCount.count);

    const oursOps = median(oursRuns);
    const peerOps = median(peerRuns);
    console.log('');
    console.log(`rules per decision (ours): ${ruleCount}; degraded decisions: ${degraded}`);
    console.log(`                       ours          rate-limiter-flexible (RateLimiterRedis ×3)`);
    console.log(
      `decisions/s @64     ${oursOps.toFixed(0).padStart(8)}      ${peerOps.toFixed(0).padStart(8)}`,
    );
    console.log(
      `p50 ms @1           ${oursLat.p50.toFixed(3).padStart(8)}      ${peerLat.p50.toFixed(3).padStart(8)}`,
    );
    console.log(
      `p99 ms @1           ${oursLat.p99.toFixed(3).padStart(8)}      ${peerLat.p99.toFixed(3).padStart(8)}`,
    );
    console.log(
      `redis calls/decision ${oursCalls.server.toFixed(3).padStart(7)} (client ${oursCalls.client.toFixed(3)})  ${peerCalls.server.toFixed(3).padStart(7)} (client ${peerCalls.client.toFixed(3)})`,
    );
    const result = {
      ours_ops: Math.round(oursOps),
      peer_ops: Math.round(peerOps),
      ratio: Number((oursOps / peerOps).toFixed(2)),
      p50_ms: Number(oursLat.p50.toFixed(3)),
      p99_ms: Number(oursLat.p99.toFixed(3)),
      redis_calls_per_decision: Number(oursCalls.server.toFixed(3)),
      peer_p50_ms: Number(peerLat.p50.toFixed(3)),
      peer_p99_ms: Number(peerLat.p99.toFixed(3)),
      peer_redis_calls_per_decision: Number(peerCalls.server.toFixed(3)),
      // Informational: the peer on a client given our per-tick write batching (not one of its configurations).
      peer_batched_ops: Math.round(median(peerBatchedRuns)),
    };
    oursClient.disconnect();
    peerAp.client.disconnect();
    peerNoAp.client.disconnect();
    peerBatched.client.disconnect();
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

await main();
