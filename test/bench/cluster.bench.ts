/**
 * Benchmark and drill: the limiter on real Redis Clusters of private `redis-server` processes (loopback only).
 *
 * 1. failover — 3 primaries + 3 replicas; steady open-loop load over tenants on every shard (each offered twice its
 *    20/s limit); SIGKILL one primary; its replica takes over (`cluster-node-timeout` 1 s). Production limiter
 *    settings (25 ms store timeout, breaker 5 / 2 s). Reports the longest decision, 5xx the route policy does not
 *    call for, degraded decisions on the killed and on the healthy shards, when Redis decides again, and the
 *    over-admission of the killed shard's tenants against the limit.
 * 2. reshard — `redis-cli --cluster reshard` moves slots holding half the tenants (each with many keys) while
 *    decisions run; counts compared with the Redis counters afterwards (production settings).
 * 3. scale — clusters of 1, 2 and 3 primaries (no replicas) side by side; closed-loop decisions at concurrency 64
 *    over the same 60 tenants × 20 users, rounds interleaved 1,2,3,1,2,3…, median per size; Redis and Node CPU
 *    per decision and each primary's share of the script calls.
 * 4. hot tenant — 3 primaries; fixed offered rate; uniform phases alternate with phases where one tenant sends half
 *    the traffic; other tenants' p99 compared.
 * Ends with `RESULT {json}`.
 *
 * Run: `npm run bench:cluster` (env: BENCH_SECONDS per scale round, default 3; BENCH_ROUNDS, default 3;
 * BENCH_HOT_RATE offered decisions/s of the hot-tenant scenario, default 2000; BENCH_FAILOVER_WINDOW s, default 10).
 */
import { cpus, loadavg } from 'node:os';
import { startRedisCluster } from '../helpers/redis-cluster';
import {
  failoverScenario,
  hotTenantScenario,
  reshardScenario,
  SCALE_TENANTS,
  type ThroughputResult,
  tenantSpread,
  throughputRound,
} from './cluster-scenarios';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HOT_RATE = Number(process.env.BENCH_HOT_RATE ?? 2_000);
const FAILOVER_WINDOW = Number(process.env.BENCH_FAILOVER_WINDOW ?? 10);

const log = (...a: unknown[]) => console.log(...a);
const r1 = (x: number) => Math.round(x * 10) / 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  log(`cluster bench: ${cpus().length} cores, load average ${loadavg().map(r1).join(' ')}`);

  // 1 + 2: failover and resharding on a 6-node cluster, production limiter settings.
  let cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  let failover: Awaited<ReturnType<typeof failoverScenario>>;
  let reshard: Awaited<ReturnType<typeof reshardScenario>>;
  try {
    reshard = await reshardScenario(cluster, {
      slots: 300,
      tenants: 12,
      usersPerTenant: 40,
      ratePerSec: 400,
    });
    log('reshard', JSON.stringify(reshard));
    failover = await failoverScenario(cluster, {
      tenantsPerShard: 4,
      warmupMs: 2_000,
      windowSec: FAILOVER_WINDOW,
    });
    log('failover', JSON.stringify(failover));
  } finally {
    await cluster.stop();
  }

  // 3: scale — 1, 2, 3 primaries side by side, interleaved rounds.
  const sizes = [1, 2, 3] as const;
  const clusters = await Promise.all(
    sizes.map((n) => startRedisCluster({ primaries: n, replicasPerPrimary: 0 })),
  );
  const results = new Map<number, ThroughputResult[]>(sizes.map((n) => [n, []]));
  const spread = new Map<number, number[]>();
  try {
    for (const [k, n] of sizes.entries()) spread.set(n, await tenantSpread(clusters[k]!, SCALE_TENANTS));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, n] of sizes.entries()) {
        const res = await throughputRound(clusters[k]!, { seconds: SECONDS });
        results.get(n)!.push(res);
        log(`scale ${n} primaries round ${r + 1}`, JSON.stringify(res));
      }
    }
  } finally {
    await Promise.all(clusters.map((c) => c.stop()));
  }
  const ops = (n: number) => median(results.get(n)!.map((x) => x.opsPerSec));
  const pick = (n: number) => {
    const rs = results.get(n)!;
    return rs.find((x) => x.opsPerSec === ops(n)) ?? rs[0]!;
  };

  // 4: hot tenant on 3 primaries.
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  let hot: Awaited<ReturnType<typeof hotTenantScenario>>;
  try {
    hot = await hotTenantScenario(cluster, { ratePerSec: HOT_RATE, seconds: SECONDS, rounds: ROUNDS });
    log('hot tenant', JSON.stringify(hot));
  } finally {
    await cluster.stop();
  }

  const result = {
    failover_max_decision_ms: r1(failover.maxDecisionMs),
    failover_p99_decision_ms: r1(failover.p99DecisionMs),
    failover_max_loop_delay_ms: r1(failover.maxLoopDelayMs),
    failover_5xx: failover.unexpected5xx,
    failover_503_fail_closed: failover.failClosed503,
    failover_over_admission: failover.overAdmission,
    failover_over_admission_max_per_tenant: failover.overAdmissionMaxPerTenant,
    failover_over_admission_bound_per_tenant: failover.overAdmissionBoundPerTenant,
    failover_victim_tenants: failover.victimTenants,
    failover_promoted_ms: Math.round(failover.promotedAfterMs),
    failover_enforced_again_ms: Math.round(failover.enforcedAgainAfterMs),
    failover_last_degraded_victim_ms: Math.round(failover.lastDegradedVictimMs),
    failover_stray_degraded: [failover.strayDegradedVictim, failover.strayDegradedHealthy],
    failover_degraded_victim: failover.degradedVictim,
    failover_degraded_healthy: failover.degradedHealthy,
    failover_decisions: failover.decisions,
    reshard_lost_decisions: reshard.lostDecisions,
    reshard_degraded: reshard.degraded,
    reshard_decisions: reshard.decisions,
    reshard_slots: reshard.slotsMoved,
    reshard_ms: Math.round(reshard.reshardMs),
    reshard_count_diff_moved: reshard.movedCountDiff,
    reshard_count_diff_stayed: reshard.stayedCountDiff,
    crossslot_errors: failover.crossslotErrors + reshard.crossslotErrors,
    ops_1_shard: ops(1),
    ops_2_shards: ops(2),
    ops_3_shards: ops(3),
    redis_cpu_us_per_decision: [1, 2, 3].map((n) => pick(n).redisCpuUsPerDecision),
    node_cpu_us_per_decision: [1, 2, 3].map((n) => pick(n).nodeCpuUsPerDecision),
    busiest_primary_cores: [1, 2, 3].map((n) => pick(n).busiestPrimaryCores),
    shard_share_3: pick(3).shardShare,
    tenants_per_primary: Object.fromEntries([...spread].map(([n, s]) => [`p${n}`, s])),
    hot_tenant_rate: hot.ratePerSec,
    hot_tenant_others_p99_uniform_ms: hot.othersP99UniformMs,
    hot_tenant_others_p99_hot_ms: hot.othersP99HotMs,
    hot_tenant_p99_increase_pct: hot.increasePct,
    load_average: r1(loadavg()[0]!),
  };
  log(`RESULT ${JSON.stringify(result)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
