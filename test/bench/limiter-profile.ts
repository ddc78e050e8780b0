/**
 * Profiling harness for the limiter alone (no peer): 64 concurrent decisions (3 rate rules) for S seconds on a private
 * redis-server, printing decisions/s, Node CPU µs per decision and Redis `EVALSHA` µs per call (commandstats).
 * Run: `S=4 npx tsx test/bench/limiter-profile.ts` (add `node --import tsx --cpu-prof` for a CPU profile);
 * `BATCH=n` sets the store's `writeBatch`; `AP=1` uses an ioredis client with auto-pipelining instead of the production client.
 * `STORE=fake`: no Redis — the store's client is a stand-in that answers every `EVALSHA` on the next microtask (an
 * allow for each rule; timed like the production client), so the printed Node CPU is the limiter's own per decision
 * (policy cache, resolution, breaker, encoding, reply parsing, decision), without socket or ioredis costs. Far less
 * sensitive to the machine's load than the Redis run: the way to compare two trees on a busy box.
 */
import { Redis } from 'ioredis';
import { timeRedisClient } from '../../lambdas/shared/apm/dependency-latency';
import { MemoryStore } from '../../lambdas/shared/rate-limit/adapters/memory-store';
import { createRedisClient, RedisStore } from '../../lambdas/shared/rate-limit/adapters/redis-store';
import { RateLimiter } from '../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../lambdas/shared/rate-limit/core/policy-source';
import { ROUTES } from '../../lib/config/routes';
import { startRedis } from '../helpers/redis-server';

const fake = process.env.STORE === 'fake';

/** The `STORE=fake` client: every command answered on the next microtask; `EVALSHA` allows all 3 checks. */
function fakeClient(): Redis {
  const allow = [1, 999_999, 60, 0];
  const reply = [Date.now(), 0, '', ...allow, ...allow, ...allow];
  const c = {
    status: 'ready',
    stream: { cork() {}, uncork() {} },
    on() {},
    info: async () => '',
    disconnect() {},
    sendCommand: (cmd: { promise: Promise<unknown> }) => cmd.promise,
    evalsha(): Promise<unknown> {
      return c.sendCommand({ name: 'evalsha', promise: Promise.resolve(reply) } as never);
    },
    eval(): Promise<unknown> {
      return c.evalsha();
    },
    get: async () => '',
    hgetall: async () => ({}),
  };
  return timeRedisClient(c) as unknown as Redis;
}

const server = fake ? undefined : await startRedis();
const client = !server
  ? fakeClient()
  : process.env.AP === '1'
    ? new Redis(server.url, { maxRetriesPerRequest: 1, enableAutoPipelining: true })
    : (createRedisClient({ url: server.url }) as Redis);
const source = new StaticPolicySource();
source.setTierRules('standard', [
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
]);
const limiter = new RateLimiter({
  store: new RedisStore({ client, ...(process.env.BATCH ? { writeBatch: Number(process.env.BATCH) } : {}) }),
  fallback: new MemoryStore(),
  policySource: source,
  flags: { isEnabled: async () => true },
  timeoutMs: 1000,
});
const route = ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/reports')!;
let i = 0;
const decide = () => {
  const k = i++;
  return limiter.check({
    tenantId: `tenant-${k % 50}`,
    userId: `user-${Math.floor(k / 50) % 20}`,
    tier: 'standard',
    route,
  });
};
// STORE=fake: a warm-up first (policy and resolution caches filled, hot code optimised), so the short run measures
// the steady state.
for (let k = 0; k < (fake ? 20_000 : 0); k++) await decide();
const secs = Number(process.env.S ?? 4);
const end = performance.now() + secs * 1000;
let done = 0;
const c0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (performance.now() < end) {
      await decide();
      done++;
    }
  }),
);
const cpu = process.cpuUsage(c0);
const info = await client.info('commandstats');
console.log(
  `${(done / secs).toFixed(0)}/s node µs/decision ${((cpu.user + cpu.system) / done).toFixed(1)}`,
  fake ? '(STORE=fake: no Redis)' : /cmdstat_evalsha:[^\r\n]*/.exec(info)?.[0],
);
client.disconnect();
await server?.stop();
