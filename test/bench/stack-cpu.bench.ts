/**
 * `npm run bench:stack` — CPU time the local stack's process spends per request, this tree against a peer tree (e.g.
 * a worktree of an older commit, with its own `node_modules`), in the same run. CPU time, not wall time: on a shared
 * machine wall-clock req/s moves with other processes' load, the process's own CPU per request much less.
 *
 * Both stacks run at once (`node local/start.mjs` in each tree, each on a free port, access logs discarded), each
 * with the `load-test` tenant's limits raised as `npm run load` does. Then `STACK_CPU_ROUNDS` rounds (default 3),
 * alternating which stack goes first; per stack and round:
 *   - idle: `STACK_CPU_IDLE_SEC` s (default 5) without requests → ms of CPU per second (timers, sweeps);
 *   - bare: `STACK_CPU_REQUESTS` (default 20 000) × `GET /health` (no authorizer, no limiter);
 *   - full: as many `GET /v1/me` (authorizer + usage plan + limiter + handler), tokens of 20 users;
 *   each over `STACK_CPU_CONNECTIONS` connections (default 10) at `STACK_CPU_RATE` req/s (default 1 000; `0`: as
 *   fast as the stack answers) → µs of the stack process's CPU (utime + stime from `/proc/<pid>/stat`) per
 *   request (timers and sweeps included, as in any run at that rate), and req/s (wall clock, informational);
 *   for `/v1/me` also the limiter's script calls per request (`INFO commandstats` of the stack's own redis-server)
 *   and the share of decisions the stack logged as degraded (`rate limit decided degraded` on its stderr): a
 *   degraded decision skips Redis, so two trees' CPU figures compare only when both shares are about 0.
 *   The default rate is below saturation on purpose: a saturated stack's event loop lags, the limiter's Redis calls
 *   time out and its circuit opens (degraded decisions skip Redis), which makes a slower stack look cheaper.
 * A warm-up of 3 000 requests per route precedes the first round.
 *
 * The peer's tree: `STACK_PEER_DIR` (required), e.g. `git worktree add --detach ../before <commit> && cd ../before &&
 * npm ci`. Tokens for each stack are signed with that tree's dev key (`<tree>/.local`, or `LOCAL_STATE_DIR`).
 * Linux only (`/proc`). Prints one line per measurement, then `RESULT {json}`: per tree the commit and the medians
 * (`bare_us`, `full_us`, `idle_ms_per_s`, `bare_rps`, `full_rps`, `full_degraded`), every round's figures, and
 * `ratio_bare_us`, `ratio_full_us` (this / peer: below 1 means this tree spends less CPU per request).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { Redis } from 'ioredis';
import { getStageConfig } from '../../lib/config/stages';
import { loadOrCreateDevKey } from '../../local/dev-key';
import { localIssuer, signAccessToken } from '../../local/oidc';
import { freePort } from '../../local/redis';
import {
  api,
  expectStatus,
  LOAD_TENANT,
  envNumber as num,
  prepareLimits,
  startStack,
  stopStack,
} from './load-stack';

const env = process.env;
const ROUNDS = num('STACK_CPU_ROUNDS', 3);
const IDLE_SEC = num('STACK_CPU_IDLE_SEC', 5);
const REQUESTS = num('STACK_CPU_REQUESTS', 20_000);
const CONNECTIONS = num('STACK_CPU_CONNECTIONS', 10);
const RATE = env.STACK_CPU_RATE === '0' ? 0 : num('STACK_CPU_RATE', 1_000);
const WARM_UP = 3_000;
const USERS = 20;
const CLOCK_TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (user + system) of a process so far, µs, from `/proc/<pid>/stat`. */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC) * 1e6;
}

interface Tree {
  name: 'this' | 'peer';
  dir: string;
  commit: string;
  child?: ChildProcess;
  base: string;
  tokens: string[];
  restore?: () => Promise<void>;
  /** The stack's own redis-server (limiter store), when it started one. */
  redis?: Redis;
  /** `rate limit decided degraded` log lines seen on the stack's stderr so far. */
  degraded: number;
  rounds: {
    idle_ms_per_s: number;
    bare_us: number;
    full_us: number;
    bare_rps: number;
    full_rps: number;
    /** Limiter script calls (EVALSHA + EVAL) per `/v1/me` request; `null` without the stack's own redis-server. */
    full_store_calls: number | null;
    /** Share of `/v1/me` decisions logged as degraded (store timed out or circuit open: no Redis write). */
    full_degraded: number;
  }[];
}

/** Port of the redis-server child the stack spawned (its process title is `redis-server 127.0.0.1:<port>`). */
function redisPortOf(stackPid: number): number | undefined {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== stackPid) continue;
      const title = readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const port = /redis-server\s.*:(\d+)/.exec(title)?.[1];
      if (port) return Number(port);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

/** Limiter script calls the redis-server has answered so far (`INFO commandstats`: evalsha + eval). */
async function scriptCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let n = 0;
  for (const m of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) n += Number(m[1]);
  return n;
}

function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function start(tree: Tree): Promise<void> {
  const port = await freePort();
  tree.base = `http://localhost:${port}`;
  tree.child = await startStack(port, {
    dir: tree.dir,
    onStderr: (text) => {
      tree.degraded += text.split('decided degraded').length - 1;
    },
  });
  const redisPort = tree.child.pid === undefined ? undefined : redisPortOf(tree.child.pid);
  if (redisPort) tree.redis = new Redis({ port: redisPort, lazyConnect: true, maxRetriesPerRequest: 1 });
  const key = await loadOrCreateDevKey(
    env.LOCAL_STATE_DIR ? resolve(env.LOCAL_STATE_DIR) : join(tree.dir, '.local'),
  );
  const { audience, claimsNamespace } = getStageConfig(env.STAGE ?? 'dev').auth0;
  const mint = (tenantId: string, userId: string, roles: string[]) =>
    signAccessToken(key, localIssuer(port), claimsNamespace, {
      tenantId,
      userId,
      roles,
      permissions: [],
      audience,
    });
  tree.restore = await prepareLimits(tree.base, await mint('marketedge', 'ops', ['platform-admin']));
  tree.tokens = await Promise.all(
    Array.from({ length: USERS }, (_, i) => mint(LOAD_TENANT, `load-${i}`, ['user'])),
  );
  // Usage plans and policies are cached for ~2 s by the gateway and limiter.
  await new Promise((r) => setTimeout(r, 2_500));
  for (const t of tree.tokens) expectStatus('warm-up', await api(tree.base, t, 'GET', '/v1/me'), [200]);
}

/** `amount` requests of one path; resolves with req/s and the number of non-2xx responses and errors. */
function drive(url: string, amount: number, tokens: string[]): Promise<{ rps: number; errors: number }> {
  let next = 0;
  return new Promise((resolveRun, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        amount,
        ...(RATE > 0 ? { overallRate: RATE } : {}),
        timeout: 10,
        setupClient: (client) => {
          if (tokens.length > 0)
            client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length]}` });
        },
      },
      (err: Error | null, r: Result) =>
        err ? reject(err) : resolveRun({ rps: r.requests.average, errors: r.non2xx + r.errors + r.timeouts }),
    );
  });
}

/**
 * µs of the stack's CPU per request over `amount` requests of `path`, req/s, limiter script calls per request and the
 * share of degraded decisions.
 */
async function measure(
  tree: Tree,
  path: string,
  amount: number,
): Promise<{ us: number; rps: number; storeCalls: number | null; degraded: number }> {
  const pid = tree.child?.pid;
  if (pid === undefined) throw new Error(`${tree.name}: stack not started`);
  const tokens = path === '/health' ? [] : tree.tokens;
  const callsBefore = tree.redis ? await scriptCalls(tree.redis) : undefined;
  const degradedBefore = tree.degraded;
  const before = cpuMicros(pid);
  const { rps, errors } = await drive(`${tree.base}${path}`, amount, tokens);
  const us = (cpuMicros(pid) - before) / amount;
  if (errors > 0) throw new Error(`${tree.name} ${path}: ${errors} non-2xx responses or errors`);
  await new Promise((r) => setTimeout(r, 100)); // the last WARN lines reach the pipe
  const storeCalls =
    tree.redis && callsBefore !== undefined ? ((await scriptCalls(tree.redis)) - callsBefore) / amount : null;
  return { us, rps, storeCalls, degraded: (tree.degraded - degradedBefore) / amount };
}

async function idle(tree: Tree): Promise<number> {
  const pid = tree.child?.pid;
  if (pid === undefined) throw new Error(`${tree.name}: stack not started`);
  const before = cpuMicros(pid);
  await new Promise((r) => setTimeout(r, IDLE_SEC * 1000));
  return (cpuMicros(pid) - before) / 1000 / IDLE_SEC;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);

async function main(): Promise<void> {
  const peerDir = env.STACK_PEER_DIR;
  if (!peerDir) throw new Error('set STACK_PEER_DIR to the peer tree (a worktree with its own node_modules)');
  const here = new URL('../../', import.meta.url).pathname;
  const trees: Tree[] = [
    { name: 'this', dir: here, commit: commitOf(here), base: '', tokens: [], degraded: 0, rounds: [] },
    {
      name: 'peer',
      dir: resolve(peerDir),
      commit: commitOf(peerDir),
      base: '',
      tokens: [],
      degraded: 0,
      rounds: [],
    },
  ];
  const loadStart = load();
  process.stdout.write(
    `stack CPU: this ${trees[0]!.commit} vs peer ${trees[1]!.commit} (${trees[1]!.dir}); ${ROUNDS} rounds × ` +
      `${REQUESTS} requests per route over ${CONNECTIONS} connections${RATE ? ` at ${RATE} req/s` : ''}, ` +
      `idle ${IDLE_SEC} s; load average ${loadStart.join(' ')}\n`,
  );
  try {
    await Promise.all(trees.map(start));
    for (const t of trees) {
      await measure(t, '/health', WARM_UP);
      await measure(t, '/v1/me', WARM_UP);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? trees : [...trees].reverse()) {
        const idleMs = await idle(t);
        const bare = await measure(t, '/health', REQUESTS);
        const full = await measure(t, '/v1/me', REQUESTS);
        const r = {
          idle_ms_per_s: round1(idleMs),
          bare_us: round1(bare.us),
          full_us: round1(full.us),
          bare_rps: Math.round(bare.rps),
          full_rps: Math.round(full.rps),
          full_store_calls: full.storeCalls === null ? null : Math.round(full.storeCalls * 1000) / 1000,
          full_degraded: Math.round(full.degraded * 1000) / 1000,
        };
        t.rounds.push(r);
        process.stdout.write(
          `round ${round + 1} ${t.name.padEnd(4)} idle ${String(r.idle_ms_per_s).padStart(6)} ms/s  ` +
            `bare ${String(r.bare_us).padStart(6)} µs/req (${r.bare_rps} req/s)  ` +
            `full ${String(r.full_us).padStart(6)} µs/req (${r.full_rps} req/s, ${r.full_store_calls ?? '?'} limiter ` +
            `calls/req, ${(r.full_degraded * 100).toFixed(1)} % degraded)  load ${load().join(' ')}\n`,
        );
      }
    }
    const summary = (t: Tree) => ({
      commit: t.commit,
      bare_us: round1(median(t.rounds.map((r) => r.bare_us))),
      full_us: round1(median(t.rounds.map((r) => r.full_us))),
      idle_ms_per_s: round1(median(t.rounds.map((r) => r.idle_ms_per_s))),
      bare_rps: Math.round(median(t.rounds.map((r) => r.bare_rps))),
      full_rps: Math.round(median(t.rounds.map((r) => r.full_rps))),
      full_degraded: median(t.rounds.map((r) => r.full_degraded)),
      rounds: t.rounds,
    });
    const [a, b] = trees.map(summary) as [ReturnType<typeof summary>, ReturnType<typeof summary>];
    const result = {
      this: a,
      peer: b,
      ratio_bare_us: Math.round((a.bare_us / b.bare_us) * 1000) / 1000,
      ratio_full_us: Math.round((a.full_us / b.full_us) * 1000) / 1000,
      settings: {
        rounds: ROUNDS,
        requests: REQUESTS,
        connections: CONNECTIONS,
        rate: RATE || null,
        idle_sec: IDLE_SEC,
      },
      load_average: { start: loadStart, end: load() },
      measured_at: new Date().toISOString(),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    for (const t of trees) {
      await t
        .restore?.()
        .catch((e: unknown) => process.stderr.write(`${t.name}: restore failed: ${String(e)}\n`));
      t.redis?.disconnect();
      if (t.child) await stopStack(t.child);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:stack: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
