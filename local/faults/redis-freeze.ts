import { Redis } from 'ioredis';
import type { RedisChoice } from '../redis';

/** A Redis freeze in progress. */
export interface RedisFreeze {
  /** How: `SIGSTOP` of the spawned `redis-server`, or `CLIENT PAUSE` slices on each node. */
  how: 'sigstop' | 'client-pause';
  /** Ends the freeze (`SIGCONT`, or stops renewing: the last slice expires within {@link PAUSE_SLICE_MS}·2). */
  thaw(): Promise<void>;
}

/** Length of one `CLIENT PAUSE`, ms, when the freeze has to renew pauses. */
export const PAUSE_SLICE_MS = 500;

/**
 * Freezes the stack's Redis: every command of every client (the limiters', the admin API's bumps) hangs until
 * `thaw()`; the limiter's own timeout and breaker decide what the requests see.
 * - the `redis-server` the stack spawned: `SIGSTOP` (a real freeze: connections stay open, nothing answers), `SIGCONT`
 *   to thaw;
 * - `REDIS_URL` (one node) or the spawned Redis Cluster: `CLIENT PAUSE <slice> ALL` on every node, renewed back to
 *   back (Redis 7.0 blocks even the pausing connection until the pause ends, so it cannot be lifted early). Commands
 *   queued during a slice may run in the instant between two slices.
 * @returns `undefined` when there is nothing to freeze (in-memory store) or the nodes are unknown (external cluster)
 * @throws when a node cannot be reached for the first pause
 */
export async function freezeRedis(redis: RedisChoice): Promise<RedisFreeze | undefined> {
  if (redis.kind === 'spawned') {
    process.kill(redis.pid, 'SIGSTOP');
    return {
      how: 'sigstop',
      async thaw() {
        try {
          process.kill(redis.pid, 'SIGCONT');
        } catch {
          // already gone (the stack is stopping)
        }
      },
    };
  }
  const urls =
    redis.kind === 'url' && !redis.cluster
      ? [redis.url]
      : redis.kind === 'spawned-cluster'
        ? redis.ports.map((p) => `redis://127.0.0.1:${p}`)
        : undefined;
  return urls && pauseInSlices(urls);
}

async function pauseInSlices(urls: readonly string[]): Promise<RedisFreeze> {
  const clients = urls.map(
    (url) => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true }),
  );
  let frozen = true;
  const pause = (c: Redis) => c.call('CLIENT', 'PAUSE', String(PAUSE_SLICE_MS), 'ALL');
  try {
    await Promise.all(
      clients.map(async (c) => {
        await c.connect();
        await pause(c);
      }),
    );
  } catch (e) {
    for (const c of clients) c.disconnect();
    throw e;
  }
  const loops = clients.map(async (c) => {
    while (frozen) {
      try {
        await pause(c); // blocks until the running pause expires, then renews it at once
      } catch {
        return;
      }
    }
  });
  return {
    how: 'client-pause',
    async thaw() {
      frozen = false;
      await Promise.all(loops);
      for (const c of clients) c.disconnect();
    },
  };
}
