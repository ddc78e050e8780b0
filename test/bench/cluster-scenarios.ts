/**
 * Scenarios of the limiter on a real Redis Cluster — failover, resharding, scale, hot tenant — shared by the cluster
 * integration suite (small, asserted) and `npm run bench:cluster` (longer, reported). Each takes a running cluster
 * from `test/helpers/redis-cluster.ts` and returns plain figures.
 */
import type { Cluster } from 'ioredis';
import {
  counterKey,
  MemoryStore,
  RateLimiter,
  type RateLimiterDeps,
  RedisStore,
  StaticPolicySource,
} from '../../lambdas/shared/rate-limit';
import {
  CLOSED_ROUTE,
  errorKinds,
  type LoadRecord,
  OPEN_ROUTE,
  quantile,
  startLoad,
  tenantSlot,
  tenantsWhere,
} from '../helpers/cluster-load';
import {
  killPrimaryAndWaitForFailover,
  type RunningRedisCluster,
  reshard,
  shards,
} from '../helpers/redis-cluster';
import { fixedFlags } from '../unit/rate-limit/conformance.suite';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tenant rate limit used by the failover scenario: 20 requests/s, burst 10. */
export const FAILOVER_RULE = { limitPerSec: 20, burst: 10 } as const;

/** The production limiter on the cluster (`REDIS_CLUSTER=true` client), with a policy source the scenario sets. */
export function clusterLimiter(
  cluster: RunningRedisCluster,
  policy: StaticPolicySource,
  tuning: Partial<RateLimiterDeps> = {},
): { limiter: RateLimiter; store: RedisStore } {
  const store = new RedisStore({ url: cluster.url, cluster: true });
  const limiter = new RateLimiter({
    store,
    fallback: new MemoryStore(),
    policySource: policy,
    flags: fixedFlags(),
    ...tuning,
  });
  return { limiter, store };
}

/** Figures of {@link failoverScenario}. */
export interface FailoverResult {
  decisions: number;
  /** Longest `check` wall time, ms (includes event-loop delay of this busy process). */
  maxDecisionMs: number;
  p99DecisionMs: number;
  /** Worst event-loop delay during the run, ms (what the machine, not the limiter, added). */
  maxLoopDelayMs: number;
  /** Responses ≥ 500 that the route policy does not call for (a 500, or any 5xx on a fail-open route). */
  unexpected5xx: number;
  /** 503s on the fail-closed route (the route policy while the tenant's shard is down). */
  failClosed503: number;
  /** Degraded decisions of tenants on the killed shard / on the other shards. */
  degradedVictim: number;
  degradedHealthy: number;
  /** ms from the kill to the replica's promotion (cluster-side failover time). */
  promotedAfterMs: number;
  /**
   * ms from the kill until limits are enforced again: the first victim decision answered by Redis from which on, for
   * {@link RECOVERY_SPAN_MS}, at least {@link RECOVERY_SHARE} of the victims' decisions are answered by Redis (the end
   * of the outage, not of every later stall).
   */
  enforcedAgainAfterMs: number;
  /** ms from the kill to the last degraded decision of a victim tenant (an isolated later timeout counts too). */
  lastDegradedVictimMs: number;
  /** Degraded decisions after {@link FailoverResult.enforcedAgainAfterMs}: victims / healthy (machine stalls). */
  strayDegradedVictim: number;
  strayDegradedHealthy: number;
  /** ms from the kill to the last degraded decision of a tenant on a healthy shard (0 = none). */
  healthyDegradedUntilMs: number;
  /** Allowed minus what the limit allows over the window, summed over victim tenants (≥ 0 = over-admission). */
  overAdmission: number;
  /** Worst single victim tenant's over-admission. */
  overAdmissionMaxPerTenant: number;
  /** Same figure for tenants on healthy shards (control: should be ~0). */
  overAdmissionHealthy: number;
  /** The bound the design gives per tenant and container: 2 × burst + 1 (see docs/rate-limiting.md). */
  overAdmissionBoundPerTenant: number;
  victimTenants: number;
  windowSec: number;
  /** Why decisions were degraded, grouped. */
  errorKinds: Record<string, number>;
  /** Errors mentioning CROSSSLOT. */
  crossslotErrors: number;
}

/**
 * Steady load over tenants spread evenly on every shard (each tenant offered 2× its limit, so the limiter is
 * denying all the time); SIGKILL one primary; keep the load for `windowSec` after the kill. The replica takes over
 * (`cluster-node-timeout`), the client must follow it without a restart.
 */
export async function failoverScenario(
  cluster: RunningRedisCluster,
  o: {
    tenantsPerShard?: number;
    warmupMs?: number;
    windowSec?: number;
    tuning?: Partial<RateLimiterDeps>;
  } = {},
): Promise<FailoverResult> {
  const perShard = o.tenantsPerShard ?? 4;
  const windowSec = o.windowSec ?? 10;
  const sh = await shards(cluster);
  const groups = tenantsWhere(
    `fo${Date.now().toString(36)}`,
    sh.map((s) => (slot: number) => s.primary.slots.some(([a, b]) => slot >= a && slot <= b)),
    perShard,
  );
  const victims = new Set(groups[0]!);
  const tenants = groups.flat();
  const policy = new StaticPolicySource();
  policy.setTierRules('standard', [
    {
      id: 'tenant-rate',
      scope: 'tenant',
      kind: 'rate',
      limit: FAILOVER_RULE.limitPerSec,
      periodSec: 1,
      burst: FAILOVER_RULE.burst,
    },
  ]);
  const { limiter, store } = clusterLimiter(cluster, policy, o.tuning);
  const perTenantRate = FAILOVER_RULE.limitPerSec * 2;
  const load = startLoad({
    limiter,
    ratePerSec: perTenantRate * tenants.length,
    pick: (i) => ({
      tenantId: tenants[i % tenants.length]!,
      userId: `u${i % 7}`,
      closed: Math.floor(i / tenants.length) % 5 === 0,
    }),
  });
  await sleep(o.warmupMs ?? 2_000);
  const killAt = load.elapsedMs();
  const { promotedAfterMs } = await killPrimaryAndWaitForFailover(cluster, sh[0]!.primary.port);
  const windowEnd = killAt + windowSec * 1000;
  while (load.elapsedMs() < windowEnd + 200) await sleep(50);
  const { records, maxLoopDelayMs } = await load.stop();
  await store.close();

  const inWindow = records.filter((r) => r.atMs >= killAt && r.atMs < windowEnd);
  const allowedBy = new Map<string, number>();
  for (const r of inWindow)
    if (r.status === 200) allowedBy.set(r.tenantId, (allowedBy.get(r.tenantId) ?? 0) + 1);
  const expected = FAILOVER_RULE.limitPerSec * windowSec;
  const over = (t: string) => (allowedBy.get(t) ?? 0) - expected;
  const victimOver = [...victims].map(over);
  const healthy = tenants.filter((t) => !victims.has(t));
  const lastDegraded = (pred: (r: LoadRecord) => boolean) =>
    records.filter((r) => r.degraded && pred(r)).reduce((m, r) => Math.max(m, r.atMs - killAt), 0);
  const enforcedAgainAfterMs = recoveredAfterMs(
    records.filter((r) => victims.has(r.tenantId) && r.atMs >= killAt),
    killAt,
  );
  const stray = (pred: (r: LoadRecord) => boolean) =>
    records.filter((r) => r.degraded && r.atMs - killAt > enforcedAgainAfterMs && pred(r)).length;
  return {
    decisions: records.length,
    maxDecisionMs: Math.max(...records.map((r) => r.ms)),
    p99DecisionMs: quantile(
      records.map((r) => r.ms),
      0.99,
    ),
    maxLoopDelayMs,
    unexpected5xx: records.filter((r) => r.status >= 500 && !(r.status === 503 && r.closed)).length,
    failClosed503: records.filter((r) => r.status === 503 && r.closed).length,
    degradedVictim: records.filter((r) => r.degraded && victims.has(r.tenantId)).length,
    degradedHealthy: records.filter((r) => r.degraded && !victims.has(r.tenantId)).length,
    promotedAfterMs,
    enforcedAgainAfterMs,
    lastDegradedVictimMs: lastDegraded((r) => victims.has(r.tenantId)),
    strayDegradedVictim: stray((r) => victims.has(r.tenantId)),
    strayDegradedHealthy: stray((r) => !victims.has(r.tenantId)),
    healthyDegradedUntilMs: lastDegraded((r) => !victims.has(r.tenantId)),
    overAdmission: victimOver.reduce((a, b) => a + b, 0),
    overAdmissionMaxPerTenant: Math.max(...victimOver),
    overAdmissionHealthy: healthy.map(over).reduce((a, b) => a + b, 0),
    overAdmissionBoundPerTenant: 2 * FAILOVER_RULE.burst + 1,
    victimTenants: victims.size,
    windowSec,
    errorKinds: errorKinds(records),
    crossslotErrors: records.filter((r) => r.error?.includes('CROSSSLOT')).length,
  };
}

/** Span over which recovery is judged, ms. */
export const RECOVERY_SPAN_MS = 1_000;
/** Share of decisions answered by Redis that counts as recovered over {@link RECOVERY_SPAN_MS}. */
export const RECOVERY_SHARE = 0.95;

/**
 * ms from `killAt` to the first decision answered by Redis that starts a {@link RECOVERY_SPAN_MS} span in which at
 * least {@link RECOVERY_SHARE} of `records` (sorted or not) are answered by Redis; `Infinity` if none does.
 */
export function recoveredAfterMs(records: readonly LoadRecord[], killAt: number): number {
  const rs = [...records].sort((a, b) => a.atMs - b.atMs);
  let end = 0;
  let degradedInSpan = 0;
  for (let i = 0; i < rs.length; i++) {
    const start = rs[i]!;
    while (end < rs.length && rs[end]!.atMs < start.atMs + RECOVERY_SPAN_MS) {
      if (rs[end]!.degraded) degradedInSpan++;
      end++;
    }
    const lastAt = rs[rs.length - 1]!.atMs;
    if (
      !start.degraded &&
      start.atMs + RECOVERY_SPAN_MS <= lastAt &&
      degradedInSpan <= (end - i) * (1 - RECOVERY_SHARE)
    )
      return start.atMs - killAt;
    if (start.degraded) degradedInSpan--;
  }
  return Number.POSITIVE_INFINITY;
}

/** Figures of {@link reshardScenario}. */
export interface ReshardResult {
  decisions: number;
  /** Slots moved and ms `redis-cli --cluster reshard` took. */
  slotsMoved: number;
  reshardMs: number;
  /** Tenants whose slot moved / stayed. */
  movedTenants: number;
  stayedTenants: number;
  /** Decisions not answered from Redis (in-memory fallback, or 503 on the fail-closed route). */
  degraded: number;
  /** Responses ≥ 500 (fail-closed 503s of degraded decisions included). */
  errors5xx: number;
  /** Errors mentioning CROSSSLOT anywhere in the run. */
  crossslotErrors: number;
  /** Σ |Redis quota counter − allowed decisions answered by Redis| over tenants whose slot stayed (must be 0). */
  stayedCountDiff: number;
  /** The same over tenants whose slot moved (bounded by the degraded decisions of those tenants). */
  movedCountDiff: number;
  /** Decisions lost: answered with a 500 (the check threw), or allowed by Redis but missing from its counter. */
  lostDecisions: number;
  /** Why decisions were degraded, grouped. */
  errorKinds: Record<string, number>;
  /** Longest / p99 decision of tenants whose slot moved, and of the others, ms. */
  movedMaxMs: number;
  movedP99Ms: number;
  stayedMaxMs: number;
  stayedP99Ms: number;
}

/**
 * Steady load of allowed decisions (high limits, a day quota counting every request exactly, one key per user so
 * each slot holds many keys) while `redis-cli --cluster reshard` moves `slots` slots from one primary to another.
 * Half the tenants live in the slots that move.
 */
export async function reshardScenario(
  cluster: RunningRedisCluster,
  o: {
    slots?: number;
    tenants?: number;
    usersPerTenant?: number;
    ratePerSec?: number;
    tuning?: Partial<RateLimiterDeps>;
  } = {},
): Promise<ReshardResult> {
  const slots = o.slots ?? 200;
  const nTenants = o.tenants ?? 12;
  const users = o.usersPerTenant ?? 40;
  const sh = await shards(cluster);
  const from = sh[0]!.primary;
  const to = sh[1]!.primary;
  // redis-cli moves the source's lowest slots first.
  const fromSlots = from.slots.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
  const moving = new Set(fromSlots.slice(0, slots));
  const [movers, stayers] = tenantsWhere(
    `rs${Date.now().toString(36)}`,
    [(s) => moving.has(s), (s) => !moving.has(s)],
    Math.ceil(nTenants / 2),
  ) as [string[], string[]];
  const tenants = [...movers, ...stayers];
  const policy = new StaticPolicySource();
  policy.setTierRules('free', [
    { id: 'user-rate', scope: 'user', kind: 'rate', limit: 1_000_000, periodSec: 60 },
    { id: 'tenant-daily', scope: 'tenant', kind: 'quota', limit: 1_000_000_000, window: 'day' },
  ]);
  const { limiter, store } = clusterLimiter(cluster, policy, o.tuning);
  const pick = (i: number) => ({
    tenantId: tenants[i % tenants.length]!,
    userId: `user-${Math.floor(i / tenants.length) % users}`,
    closed: i % 3 === 0,
    tier: 'free' as const,
  });
  // Create every user's key first: the slots then hold many keys, so MIGRATE takes several batches per slot.
  for (let i = 0; i < tenants.length * users; i++) {
    const p = pick(i);
    const route = p.closed ? CLOSED_ROUTE : OPEN_ROUTE;
    await limiter.check({ tenantId: p.tenantId, userId: p.userId, tier: p.tier, route });
  }
  const load = startLoad({ limiter, ratePerSec: o.ratePerSec ?? 400, pick });
  await sleep(300);
  const reshardMs = await reshard(cluster, from, to, slots);
  await sleep(300);
  const { records } = await load.stop();
  const client = store.client as Cluster;
  const day = (t: string) =>
    counterKey({ tenantId: t, ruleId: 'tenant-daily', kind: 'quota', window: 'day' });
  const counted = new Map<string, number>();
  for (const t of tenants) counted.set(t, Number((await client.hget(day(t), 'c')) ?? 0));
  await store.close();
  // The warm-up decisions above count too.
  const warm = new Map<string, number>();
  for (let i = 0; i < tenants.length * users; i++) {
    const t = pick(i).tenantId;
    warm.set(t, (warm.get(t) ?? 0) + 1);
  }
  const byRedis = new Map<string, number>();
  for (const r of records)
    if (r.status === 200 && !r.degraded) byRedis.set(r.tenantId, (byRedis.get(r.tenantId) ?? 0) + 1);
  const diff = (t: string) => Math.abs((counted.get(t) ?? 0) - (warm.get(t) ?? 0) - (byRedis.get(t) ?? 0));
  const missing = tenants.reduce(
    (n, t) => n + Math.max(0, (warm.get(t) ?? 0) + (byRedis.get(t) ?? 0) - (counted.get(t) ?? 0)),
    0,
  );
  const degraded = records.filter((r) => r.degraded).length;
  const errors5xx = records.filter((r) => r.status >= 500).length;
  const errors500 = records.filter((r) => r.status === 500).length;
  const moverSet = new Set(movers);
  const movedMs = records.filter((r) => moverSet.has(r.tenantId)).map((r) => r.ms);
  const stayedMs = records.filter((r) => !moverSet.has(r.tenantId)).map((r) => r.ms);
  // Sanity: the tenants really are where the scenario says.
  for (const t of movers) if (!moving.has(tenantSlot(t))) throw new Error('tenant placement mismatch');
  return {
    decisions: records.length,
    slotsMoved: slots,
    reshardMs,
    movedTenants: movers.length,
    stayedTenants: stayers.length,
    degraded,
    errors5xx,
    crossslotErrors: records.filter((r) => r.error?.includes('CROSSSLOT')).length,
    stayedCountDiff: stayers.reduce((n, t) => n + diff(t), 0),
    movedCountDiff: movers.reduce((n, t) => n + diff(t), 0),
    lostDecisions: errors500 + missing,
    errorKinds: errorKinds(records),
    movedMaxMs: Math.max(0, ...movedMs),
    movedP99Ms: quantile(movedMs, 0.99),
    stayedMaxMs: Math.max(0, ...stayedMs),
    stayedP99Ms: quantile(stayedMs, 0.99),
  };
}

/** Three stacked rate rules (tenant, user, endpoint), limits high enough that every decision is an allow. */
function throughputPolicy(): StaticPolicySource {
  const policy = new StaticPolicySource();
  policy.setTierRules('standard', [
    { id: 'tenant', scope: 'tenant', kind: 'rate', limit: 1_000_000, periodSec: 60 },
    { id: 'user', scope: 'user', kind: 'rate', limit: 1_000_000, periodSec: 60 },
    {
      id: 'endpoint',
      scope: 'tenant',
      kind: 'rate',
      limit: 1_000_000,
      periodSec: 60,
      match: { route: 'GET /v1/me' },
    },
  ]);
  return policy;
}

/** `INFO` numbers of every live primary: script calls and CPU seconds. */
async function primaryStats(
  cluster: RunningRedisCluster,
): Promise<Map<number, { evalsha: number; cpuSec: number }>> {
  const out = new Map<number, { evalsha: number; cpuSec: number }>();
  for (const s of await shards(cluster)) {
    const info = String(await cluster.call(s.primary.port, 'INFO', 'all'));
    const evalsha = Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0);
    const cpu =
      Number(/^used_cpu_user:([\d.]+)/m.exec(info)?.[1] ?? 0) +
      Number(/^used_cpu_sys:([\d.]+)/m.exec(info)?.[1] ?? 0);
    out.set(s.primary.port, { evalsha, cpuSec: cpu });
  }
  return out;
}

/** Figures of one {@link throughputRound}. */
export interface ThroughputResult {
  opsPerSec: number;
  /** Share of script calls served by each primary (sums to 1), in port order. */
  shardShare: number[];
  /** Node CPU per decision (this process), µs. */
  nodeCpuUsPerDecision: number;
  /** Redis CPU per decision, summed over primaries, µs. */
  redisCpuUsPerDecision: number;
  /** Busiest primary's CPU while the round ran, share of one core (0–1+). */
  busiestPrimaryCores: number;
  degraded: number;
}

/** The fixed tenant spread of the scale scenario: the same names for every cluster size. */
export const SCALE_TENANTS = Array.from({ length: 60 }, (_, i) => `tenant-${i}`);

/**
 * Closed-loop throughput: `concurrency` decisions in flight for `seconds` over {@link SCALE_TENANTS} × 20 users
 * (3 rules each, all allowed) — the same offered load whatever the cluster's size.
 */
export async function throughputRound(
  cluster: RunningRedisCluster,
  o: { seconds?: number; concurrency?: number } = {},
): Promise<ThroughputResult> {
  const seconds = o.seconds ?? 3;
  const concurrency = o.concurrency ?? 64;
  const { limiter, store } = clusterLimiter(cluster, throughputPolicy(), { timeoutMs: 1_000 });
  let i = 0;
  const next = () => {
    const n = i++;
    return {
      tenantId: SCALE_TENANTS[n % SCALE_TENANTS.length]!,
      userId: `user-${Math.floor(n / SCALE_TENANTS.length) % 20}`,
      tier: 'standard' as const,
      route: OPEN_ROUTE,
    };
  };
  // Warm: connections, policies, script cache on every primary.
  for (let k = 0; k < SCALE_TENANTS.length * 2; k++) await limiter.check(next());
  const before = await primaryStats(cluster);
  const cpu0 = process.cpuUsage();
  let decisions = 0;
  let degraded = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const d = await limiter.check(next());
        decisions++;
        if (d.degraded) degraded++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = await primaryStats(cluster);
  await store.close();
  const calls: number[] = [];
  const cpus: number[] = [];
  for (const [port, a] of [...after].sort((x, y) => x[0] - y[0])) {
    const b = before.get(port) ?? { evalsha: 0, cpuSec: 0 };
    calls.push(a.evalsha - b.evalsha);
    cpus.push(a.cpuSec - b.cpuSec);
  }
  const totalCalls = calls.reduce((x, y) => x + y, 0) || 1;
  return {
    opsPerSec: Math.round(decisions / elapsed),
    shardShare: calls.map((c) => Math.round((c / totalCalls) * 1000) / 1000),
    nodeCpuUsPerDecision: Math.round(((cpu.user + cpu.system) / decisions) * 10) / 10,
    redisCpuUsPerDecision: Math.round(((cpus.reduce((x, y) => x + y, 0) * 1e6) / decisions) * 10) / 10,
    busiestPrimaryCores: Math.round((Math.max(...cpus) / elapsed) * 100) / 100,
    degraded,
  };
}

/** How many of `tenants` each primary serves (port order). */
export async function tenantSpread(
  cluster: RunningRedisCluster,
  tenants: readonly string[],
): Promise<number[]> {
  const sh = (await shards(cluster)).sort((a, b) => a.primary.port - b.primary.port);
  return sh.map(
    (s) =>
      tenants.filter((t) => s.primary.slots.some(([a, b]) => tenantSlot(t) >= a && tenantSlot(t) <= b))
        .length,
  );
}

/** Figures of {@link hotTenantScenario}. */
export interface HotTenantResult {
  ratePerSec: number;
  /** Other tenants' p99 with uniform traffic / with one tenant sending half of it (medians over rounds), ms. */
  othersP99UniformMs: number;
  othersP99HotMs: number;
  /** (hot − uniform) / uniform, %. */
  increasePct: number;
  /** Per round, for the record. */
  rounds: { uniformP99Ms: number; hotP99Ms: number }[];
  /** Other tenants on the hot tenant's shard: their p99 with the hot tenant, ms (median over rounds). */
  sameShardP99HotMs: number;
  degraded: number;
}

/**
 * Open loop at a fixed rate over {@link SCALE_TENANTS}: uniform phases alternate with phases where one tenant
 * (`tenant-0`, within its limits: every request is a script call) sends half of all traffic; the other tenants' p99
 * is compared. Same total rate in both phases.
 */
export async function hotTenantScenario(
  cluster: RunningRedisCluster,
  o: { ratePerSec?: number; seconds?: number; rounds?: number } = {},
): Promise<HotTenantResult> {
  const rate = o.ratePerSec ?? 2_000;
  const seconds = o.seconds ?? 3;
  const roundsN = o.rounds ?? 3;
  const { limiter, store } = clusterLimiter(cluster, throughputPolicy(), { timeoutMs: 1_000 });
  const hot = SCALE_TENANTS[0]!;
  const others = SCALE_TENANTS.slice(1);
  const hotSlot = tenantSlot(hot);
  const hotShard = (await shards(cluster)).find((s) =>
    s.primary.slots.some(([a, b]) => hotSlot >= a && hotSlot <= b),
  )!;
  const sameShard = new Set(
    others.filter((t) => hotShard.primary.slots.some(([a, b]) => tenantSlot(t) >= a && tenantSlot(t) <= b)),
  );
  const uniform = (i: number) => ({
    tenantId: SCALE_TENANTS[i % SCALE_TENANTS.length]!,
    userId: `u${i % 20}`,
    closed: false,
  });
  const hotPick = (i: number) =>
    i % 2 === 0
      ? { tenantId: hot, userId: `u${(i >> 1) % 20}`, closed: false }
      : { tenantId: others[(i >> 1) % others.length]!, userId: `u${i % 20}`, closed: false };
  for (let k = 0; k < SCALE_TENANTS.length * 2; k++) {
    const p = uniform(k);
    await limiter.check({ tenantId: p.tenantId, userId: p.userId, tier: 'standard', route: OPEN_ROUTE });
  }
  const rounds: { uniformP99Ms: number; hotP99Ms: number }[] = [];
  const sameShardP99: number[] = [];
  let degraded = 0;
  const phase = async (pick: typeof uniform) => {
    const load = startLoad({ limiter, ratePerSec: rate, pick });
    await sleep(seconds * 1000);
    const { records } = await load.stop();
    degraded += records.filter((r) => r.degraded).length;
    const skip = records.filter((r) => r.atMs > 250); // first 250 ms: the timer catching up
    return skip;
  };
  for (let r = 0; r < roundsN; r++) {
    const u = await phase(uniform);
    const h = await phase(hotPick);
    const othersOf = (rs: LoadRecord[]) => rs.filter((x) => x.tenantId !== hot).map((x) => x.ms);
    rounds.push({ uniformP99Ms: quantile(othersOf(u), 0.99), hotP99Ms: quantile(othersOf(h), 0.99) });
    sameShardP99.push(
      quantile(
        h.filter((x) => sameShard.has(x.tenantId)).map((x) => x.ms),
        0.99,
      ),
    );
  }
  await store.close();
  const med = (xs: number[]) => quantile(xs, 0.5);
  const uni = med(rounds.map((x) => x.uniformP99Ms));
  const hotP = med(rounds.map((x) => x.hotP99Ms));
  return {
    ratePerSec: rate,
    othersP99UniformMs: Math.round(uni * 1000) / 1000,
    othersP99HotMs: Math.round(hotP * 1000) / 1000,
    increasePct: Math.round(((hotP - uni) / uni) * 1000) / 10,
    rounds: rounds.map((x) => ({
      uniformP99Ms: Math.round(x.uniformP99Ms * 1000) / 1000,
      hotP99Ms: Math.round(x.hotP99Ms * 1000) / 1000,
    })),
    sameShardP99HotMs: Math.round(med(sameShardP99) * 1000) / 1000,
    degraded,
  };
}
