import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, launchRedisServer } from './redis-server';

/** Options of {@link launchRedisCluster}. */
export interface RedisClusterOptions {
  /** Primaries (shards), 1–16 (default 3). Three or more are created with `redis-cli --cluster create`. */
  primaries?: number;
  /** Replicas per primary (default 1). */
  replicasPerPrimary?: number;
  /** `cluster-node-timeout`, ms: how long a silent primary lives before its replica takes over (default 1000). */
  nodeTimeoutMs?: number;
  /**
   * `cluster-require-full-coverage`: with `yes` every node refuses queries (CLUSTERDOWN) while any slot has no live
   * primary; with `no` only the uncovered slots fail. Default false — `no`, as ElastiCache's parameter groups set it
   * (Redis' own default is `yes`): measured in a failover (`npm run bench:cluster`), `yes` also sends the healthy
   * shards' tenants to the fallback from the primary's FAIL mark until the promotion plus one breaker cooldown.
   */
  requireFullCoverage?: boolean;
  /** Further `redis-server` arguments for every node (e.g. `['--timeout', '2']`, the idle-client timeout in s). */
  extraArgs?: readonly string[];
  /** `redis-server` binary (default `REDIS_SERVER_BIN` or `redis-server`). */
  serverBin?: string;
  /** `redis-cli` binary (default `REDIS_CLI_BIN` or `redis-cli`). */
  cliBin?: string;
  /** Longest wait for the cluster to be created and healthy, ms (default 30 000). */
  readyTimeoutMs?: number;
}

/** One `redis-server` process of the cluster. */
export interface ClusterNodeProcess {
  /** Client port on 127.0.0.1. */
  readonly port: number;
  /** Cluster bus port (`cluster-port`), chosen free like the client port. */
  readonly busPort: number;
  readonly pid: number;
  /** False once the process has exited (killed or stopped). */
  readonly alive: boolean;
}

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeView {
  id: string;
  port: number;
  role: 'primary' | 'replica';
  /** For replicas: the id of the primary they replicate. */
  primaryId?: string;
  /** Slot ranges served (primaries), inclusive `[from, to]`. */
  slots: [number, number][];
  /** Flagged `fail` (or `fail?`) by the node that answered. */
  failed: boolean;
  connected: boolean;
}

/** A running cluster of private `redis-server` processes on 127.0.0.1. */
export interface RunningRedisCluster {
  /** Processes in creation order (the first `primaries` were created as primaries). */
  readonly nodes: readonly ClusterNodeProcess[];
  /** `redis://127.0.0.1:<port of the first node>`: a seed for cluster clients (`REDIS_URL` + `REDIS_CLUSTER=true`). */
  readonly url: string;
  /** Working directory of the nodes (cluster config files); removed by `stop`. */
  readonly dir: string;
  /** Runs one command on one node (admin connection, 2 s timeout). @throws the node's error, or when it is down */
  call(port: number, ...args: (string | number)[]): Promise<unknown>;
  /** `CLUSTER NODES` as seen by a live node (`viaPort`, default: the first live one). */
  topology(viaPort?: number): Promise<ClusterNodeView[]>;
  /** The live primary serving `slot`, as the first live node sees it. @throws when no primary serves it */
  ownerOf(slot: number): Promise<ClusterNodeView>;
  /** Kills one node (default SIGKILL) and waits until the process is gone. */
  kill(port: number, signal?: NodeJS.Signals): Promise<void>;
  /** Sends SIGSTOP / SIGCONT to one node (freeze a primary without closing its sockets). */
  pause(port: number, paused: boolean): void;
  /**
   * Waits until every live node reports `cluster_state:ok`, all agree on which node serves which slot, every slot
   * is served by a live node, and every live replica's link to its primary is up.
   * @throws {Error} after `timeoutMs` (default 30 000) with the last observed problem
   */
  waitHealthy(timeoutMs?: number): Promise<ClusterNodeView[]>;
  /** Stops every node (SIGKILL: nothing to persist) and removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parses `CLUSTER NODES` output. Migrating/importing markers (`[slot->-id]`) are ignored. */
export function parseClusterNodes(text: string): ClusterNodeView[] {
  const views: ClusterNodeView[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const [id, addr, flags, master, , , , link, ...slotFields] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ];
    const flagSet = new Set(flags.split(','));
    const port = Number(/:(\d+)@/.exec(addr)?.[1] ?? /:(\d+)$/.exec(addr)?.[1] ?? 0);
    const slots: [number, number][] = [];
    for (const s of slotFields) {
      if (s.startsWith('[')) continue;
      const [a, b] = s.split('-');
      slots.push([Number(a), Number(b ?? a)]);
    }
    const replica = flagSet.has('slave');
    views.push({
      id,
      port,
      role: replica ? 'replica' : 'primary',
      ...(replica && master !== '-' ? { primaryId: master } : {}),
      slots,
      failed: flagSet.has('fail') || flagSet.has('fail?'),
      connected: link === 'connected',
    });
  }
  return views;
}

function run(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${bin} ${args.slice(0, 2).join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `n` distinct free ports. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** Slot → port of its primary, as one node's view (for agreement checks). */
function slotSignature(views: ClusterNodeView[]): string {
  return views
    .filter((v) => v.role === 'primary' && v.slots.length > 0)
    .map((v) => `${v.port}:${v.slots.map(([a, b]) => `${a}-${b}`).join(',')}`)
    .sort()
    .join(' ');
}

/**
 * Starts a Redis Cluster of private `redis-server` processes on free 127.0.0.1 ports (client and bus ports both
 * chosen free, no persistence, `repl-diskless-sync-delay 0` so replicas sync at once) and waits until it is healthy.
 * Three or more primaries are joined with `redis-cli --cluster create … --cluster-replicas <n>`; one or two (which
 * `redis-cli` refuses) with `CLUSTER ADDSLOTSRANGE` / `MEET` / `REPLICATE`.
 * @throws {Error} when a binary is missing (`apt-get install -y redis-server` brings both), a node does not start,
 *   or the cluster is not healthy within `readyTimeoutMs` (every started node is killed first)
 */
export async function launchRedisCluster(opts: RedisClusterOptions = {}): Promise<RunningRedisCluster> {
  const primaries = opts.primaries ?? 3;
  const replicas = opts.replicasPerPrimary ?? 1;
  if (!Number.isInteger(primaries) || primaries < 1 || primaries > 16)
    throw new Error(`primaries must be an integer 1-16, got ${primaries}`);
  const total = primaries * (1 + replicas);
  const serverBin = opts.serverBin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const cliBin = opts.cliBin ?? process.env.REDIS_CLI_BIN ?? 'redis-cli';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const ports = await freePorts(total * 2);
  const procs: { port: number; busPort: number; proc: ChildProcess | undefined }[] = [];
  for (let i = 0; i < total; i++)
    procs.push({ port: ports[i]!, busPort: ports[total + i]!, proc: undefined });

  const admins = new Map<number, Redis>();
  const admin = (port: number): Redis => {
    let c = admins.get(port);
    if (!c) {
      c = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        connectTimeout: 1_000,
        commandTimeout: 2_000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      c.on('error', () => undefined);
      c.on('end', () => {
        if (admins.get(port) === c) admins.delete(port);
      });
      admins.set(port, c);
    }
    return c;
  };
  const call = async (port: number, ...args: (string | number)[]): Promise<unknown> => {
    const [cmd, ...rest] = args;
    return admin(port).call(String(cmd), ...rest.map(String));
  };
  const isAlive = (p: { proc: ChildProcess | undefined }) =>
    p.proc !== undefined && p.proc.exitCode === null && p.proc.signalCode === null;
  const live = () => procs.filter(isAlive);

  const topology = async (viaPort?: number): Promise<ClusterNodeView[]> => {
    const port = viaPort ?? live()[0]?.port;
    if (port === undefined) throw new Error('no live cluster node');
    return parseClusterNodes(String(await call(port, 'CLUSTER', 'NODES')));
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of admins.values()) c.disconnect();
    admins.clear();
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (!isAlive(p)) return resolve();
            p.proc!.once('exit', () => resolve());
            p.proc!.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const killOnExit = () => {
    for (const p of procs) if (isAlive(p)) p.proc!.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const problem = async (): Promise<string | undefined> => {
    const nodes = live();
    let signature: string | undefined;
    for (const n of nodes) {
      const info = String(await call(n.port, 'CLUSTER', 'INFO'));
      if (!info.includes('cluster_state:ok')) return `node ${n.port}: cluster_state not ok`;
      const views = await topology(n.port);
      const livePorts = new Set(nodes.map((x) => x.port));
      let covered = 0;
      for (const v of views) {
        if (v.role !== 'primary' || v.slots.length === 0) continue;
        if (!livePorts.has(v.port) || v.failed) return `node ${n.port}: slots still on down node ${v.port}`;
        for (const [a, b] of v.slots) covered += b - a + 1;
      }
      if (covered !== 16_384) return `node ${n.port}: ${covered} of 16384 slots served`;
      const sig = slotSignature(views);
      if (signature !== undefined && sig !== signature) return `nodes disagree about slots (${n.port})`;
      signature = sig;
      const me = views.find((v) => v.port === n.port);
      if (me?.role === 'replica') {
        const repl = String(await call(n.port, 'INFO', 'replication'));
        if (!repl.includes('master_link_status:up')) return `replica ${n.port}: link to primary not up`;
      }
    }
    return undefined;
  };

  const waitHealthy = async (timeoutMs = readyTimeoutMs): Promise<ClusterNodeView[]> => {
    const deadline = Date.now() + timeoutMs;
    let last = 'not checked';
    while (Date.now() < deadline) {
      try {
        const p = await problem();
        if (p === undefined) return await topology();
        last = p;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      await sleep(50);
    }
    throw new Error(`redis cluster not healthy within ${timeoutMs} ms: ${last}`);
  };

  try {
    await Promise.all(
      procs.map(async (p) => {
        p.proc = await launchRedisServer(p.port, serverBin, 15_000, [
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(p.busPort),
          '--cluster-config-file',
          join(dir, `nodes-${p.port}.conf`),
          '--cluster-node-timeout',
          String(opts.nodeTimeoutMs ?? 1_000),
          '--cluster-require-full-coverage',
          opts.requireFullCoverage === true ? 'yes' : 'no',
          '--cluster-announce-ip',
          '127.0.0.1',
          '--repl-diskless-sync-delay',
          '0',
          '--dir',
          dir,
          ...(opts.extraArgs ?? []),
        ]);
      }),
    );
    const addrs = procs.map((p) => `127.0.0.1:${p.port}`);
    if (primaries >= 3) {
      await run(
        cliBin,
        ['--cluster', 'create', ...addrs, '--cluster-replicas', String(replicas), '--cluster-yes'],
        readyTimeoutMs,
      );
    } else {
      await createSmallCluster(procs, primaries, call, topology, readyTimeoutMs);
    }
    await waitHealthy();
  } catch (e) {
    process.removeListener('exit', killOnExit);
    await stop();
    throw e;
  }

  return {
    get nodes() {
      return procs.map((p) => ({
        port: p.port,
        busPort: p.busPort,
        pid: p.proc?.pid ?? 0,
        alive: isAlive(p),
      }));
    },
    url: `redis://127.0.0.1:${procs[0]!.port}`,
    dir,
    call,
    topology,
    async ownerOf(slot) {
      const views = await topology();
      const owner = views.find(
        (v) => v.role === 'primary' && !v.failed && v.slots.some(([a, b]) => slot >= a && slot <= b),
      );
      if (!owner) throw new Error(`no live primary serves slot ${slot}`);
      return owner;
    },
    async kill(port, signal = 'SIGKILL') {
      const p = procs.find((x) => x.port === port);
      if (!p || !isAlive(p)) return;
      admins.get(port)?.disconnect();
      await new Promise<void>((resolve) => {
        p.proc!.once('exit', () => resolve());
        p.proc!.kill(signal);
      });
    },
    pause(port, paused) {
      const p = procs.find((x) => x.port === port);
      if (p && isAlive(p)) p.proc!.kill(paused ? 'SIGSTOP' : 'SIGCONT');
    },
    waitHealthy,
    async stop() {
      process.removeListener('exit', killOnExit);
      await stop();
    },
  };
}

/** One or two primaries (which `redis-cli --cluster create` refuses): slots split evenly, replicas attached. */
async function createSmallCluster(
  procs: readonly { port: number; busPort: number }[],
  primaries: number,
  call: (port: number, ...args: (string | number)[]) => Promise<unknown>,
  topology: (viaPort?: number) => Promise<ClusterNodeView[]>,
  timeoutMs: number,
): Promise<void> {
  const per = Math.ceil(16_384 / primaries);
  for (let i = 0; i < procs.length; i++) {
    const p = procs[i]!;
    await call(p.port, 'CLUSTER', 'SET-CONFIG-EPOCH', i + 1);
    if (i < primaries)
      await call(p.port, 'CLUSTER', 'ADDSLOTSRANGE', i * per, Math.min(16_383, (i + 1) * per - 1));
  }
  const first = procs[0]!;
  for (const p of procs.slice(1)) await call(first.port, 'CLUSTER', 'MEET', '127.0.0.1', p.port, p.busPort);
  const deadline = Date.now() + timeoutMs;
  const ids: string[] = [];
  for (const p of procs) ids.push(String(await call(p.port, 'CLUSTER', 'MYID')));
  // Every node must know every other before a replica can name its primary.
  for (const p of procs) {
    while ((await topology(p.port)).length < procs.length) {
      if (Date.now() > deadline)
        throw new Error(`node ${p.port} did not meet the cluster in ${timeoutMs} ms`);
      await sleep(50);
    }
  }
  for (let i = primaries; i < procs.length; i++)
    await call(procs[i]!.port, 'CLUSTER', 'REPLICATE', ids[(i - primaries) % primaries]!);
}
