import { execFileSync } from 'node:child_process';
import { SETTINGS, settingOrDefault } from '../lib/config/settings';
import { launchRedisCluster } from './redis-cluster';
import { freePort, launchRedisServer } from './redis-server';

/**
 * Which store the limiter uses, and why (printed in the start-up line). `cluster` true: the handlers use the Redis
 * Cluster client (`REDIS_CLUSTER=true`), as in AWS (ElastiCache Serverless is cluster mode).
 */
export type RedisChoice =
  | { kind: 'url'; url: string; source: string; cluster: boolean }
  | { kind: 'spawned'; url: string; version: string; pid: number; stop: () => Promise<void> }
  | {
      kind: 'spawned-cluster';
      url: string;
      /** Client ports of the 6 nodes (3 primaries + 3 replicas). */
      ports: readonly number[];
      stop: () => Promise<void>;
    }
  | { kind: 'memory'; reason: string };

/** True when the handlers must use the cluster client for this choice. */
export function isCluster(c: RedisChoice): boolean {
  return c.kind === 'spawned-cluster' || (c.kind === 'url' && c.cluster);
}

/** `redis-server` binary to look for on PATH; override with `REDIS_SERVER_BIN`. */
const BIN = () => process.env.REDIS_SERVER_BIN ?? 'redis-server';

/**
 * Picks the limiter store: `REDIS_URL` when set (a Redis Cluster seed node when `REDIS_CLUSTER=true`); else with
 * `LOCAL_REDIS=cluster` a private 6-node Redis Cluster (3 primaries + 3 replicas, `local/redis-cluster.ts`); else
 * (unless `LOCAL_REDIS=memory`) a private `redis-server` from PATH started on a free 127.0.0.1 port without
 * persistence (killed when the stack stops or the process exits); else the in-memory limiter store.
 * @param env environment to read (`REDIS_URL`, `REDIS_CLUSTER`, `LOCAL_REDIS`, `REDIS_SERVER_BIN`, `REDIS_CLI_BIN`)
 * @throws {Error} `LOCAL_REDIS=cluster` and the cluster does not start (missing `redis-cli`, not healthy in time)
 */
export async function chooseRedis(env: NodeJS.ProcessEnv = process.env): Promise<RedisChoice> {
  const url = env[SETTINGS.redisUrl.name];
  if (url)
    return {
      kind: 'url',
      url,
      source: SETTINGS.redisUrl.name,
      cluster: settingOrDefault(env, SETTINGS.redisCluster),
    };
  if (env.LOCAL_REDIS === 'memory') return { kind: 'memory', reason: 'LOCAL_REDIS=memory' };
  if (env.LOCAL_REDIS === 'cluster') {
    const c = await launchRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
    return { kind: 'spawned-cluster', url: c.url, ports: c.nodes.map((n) => n.port), stop: () => c.stop() };
  }
  let version: string;
  try {
    version = execFileSync(BIN(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return { kind: 'memory', reason: `${BIN()} not found on PATH` };
  }
  try {
    return await spawnRedis(/v=(\S+)/.exec(version)?.[1] ?? 'unknown');
  } catch (e) {
    return {
      kind: 'memory',
      reason: `${BIN()} did not start: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

async function spawnRedis(version: string): Promise<RedisChoice> {
  const port = await freePort();
  const proc = await launchRedisServer(port, BIN());
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    kind: 'spawned',
    url: `redis://127.0.0.1:${port}`,
    version,
    pid: proc.pid ?? 0,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
}

/** Asks the OS for a free TCP port on 127.0.0.1 (re-exported for the stack's other servers). */
export { freePort };

/** One line describing the choice, e.g. `redis-server 7.0.15 at redis://127.0.0.1:40123 (started by the stack)`. */
export function describeRedis(c: RedisChoice): string {
  switch (c.kind) {
    case 'url':
      return c.cluster
        ? `Redis Cluster via seed ${redactUrl(c.url)} (from ${SETTINGS.redisUrl.name}, ${SETTINGS.redisCluster.name}=true)`
        : `Redis at ${redactUrl(c.url)} (from ${SETTINGS.redisUrl.name})`;
    case 'spawned-cluster':
      return `Redis Cluster of 3 primaries + 3 replicas on 127.0.0.1 ports ${c.ports.join(',')} (started by the stack, LOCAL_REDIS=cluster; stops with it)`;
    case 'spawned':
      return `redis-server ${c.version} at ${c.url} (started by the stack, pid ${c.pid}; stops with it)`;
    case 'memory':
      return `in-memory limiter store (${c.reason}; set ${SETTINGS.redisUrl.name} to use Redis)`;
  }
}

/** Removes a password from a Redis URL for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}
