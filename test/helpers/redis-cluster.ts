import { execFile } from 'node:child_process';
import {
  type ClusterNodeView,
  launchRedisCluster,
  type RedisClusterOptions,
  type RunningRedisCluster,
} from '../../local/redis-cluster';

export type { ClusterNodeView, RedisClusterOptions, RunningRedisCluster };

/**
 * Starts a private Redis Cluster for one test file or benchmark (default 3 primaries + 3 replicas, created with
 * `redis-cli --cluster create … --cluster-replicas 1`, `cluster-node-timeout` 1000 ms) on free 127.0.0.1 ports.
 * Share one per file: it takes a few seconds to start. Stop it in `afterAll`.
 * @throws {Error} when `redis-server`/`redis-cli` are missing (`apt-get install -y redis-server`) or it is not
 *   healthy in time
 */
export function startRedisCluster(opts: RedisClusterOptions = {}): Promise<RunningRedisCluster> {
  return launchRedisCluster(opts);
}

/** The live primaries and the replicas attached to each, from one node's view. */
export async function shards(
  cluster: RunningRedisCluster,
): Promise<{ primary: ClusterNodeView; replicas: ClusterNodeView[] }[]> {
  const views = await cluster.topology();
  return views
    .filter((v) => v.role === 'primary' && !v.failed && v.slots.length > 0)
    .map((primary) => ({
      primary,
      replicas: views.filter((v) => v.role === 'replica' && v.primaryId === primary.id && !v.failed),
    }));
}

/**
 * Kills (SIGKILL) the primary with client port `port` and waits until one of its replicas serves its slots and the
 * cluster is healthy again.
 * @returns ms from the kill to the replica's promotion being visible, and the promoted node
 */
export async function killPrimaryAndWaitForFailover(
  cluster: RunningRedisCluster,
  port: number,
  timeoutMs = 30_000,
): Promise<{ promotedAfterMs: number; promoted: ClusterNodeView }> {
  const before = await cluster.topology();
  const victim = before.find((v) => v.port === port);
  if (victim?.role !== 'primary') throw new Error(`${port} is not a primary`);
  const replicaPorts = new Set(before.filter((v) => v.primaryId === victim.id).map((v) => v.port));
  const t0 = performance.now();
  await cluster.kill(port);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await cluster.topology().catch(() => []);
    const promoted = views.find(
      (v) => replicaPorts.has(v.port) && v.role === 'primary' && v.slots.length > 0,
    );
    if (promoted) {
      const promotedAfterMs = performance.now() - t0;
      await cluster.waitHealthy(Math.max(1_000, deadline - Date.now()));
      return { promotedAfterMs, promoted };
    }
    if (Date.now() > deadline) throw new Error(`no replica of ${port} promoted within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Moves `slots` slots from one primary to another with `redis-cli --cluster reshard` (its usual order: the source's
 * lowest slots first; keys move with `MIGRATE` in pipelines of `pipeline` keys), then waits for a healthy cluster.
 * @returns ms the reshard took
 */
export async function reshard(
  cluster: RunningRedisCluster,
  from: ClusterNodeView,
  to: ClusterNodeView,
  slots: number,
  pipeline = 10,
): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.env.REDIS_CLI_BIN ?? 'redis-cli',
      [
        '--cluster',
        'reshard',
        `127.0.0.1:${from.port}`,
        '--cluster-from',
        from.id,
        '--cluster-to',
        to.id,
        '--cluster-slots',
        String(slots),
        '--cluster-pipeline',
        String(pipeline),
        '--cluster-yes',
      ],
      { timeout: 120_000, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(`redis-cli --cluster reshard failed: ${err.message}\n${stdout.slice(-2000)}${stderr}`),
          );
        else resolve();
      },
    );
  });
  const ms = performance.now() - t0;
  await cluster.waitHealthy();
  return ms;
}

/** The slots a primary serves, expanded (for small sets) — `[from, to]` ranges flattened. */
export function slotsOf(node: ClusterNodeView): Set<number> {
  const s = new Set<number>();
  for (const [a, b] of node.slots) for (let i = a; i <= b; i++) s.add(i);
  return s;
}
