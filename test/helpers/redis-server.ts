import type { ChildProcess } from 'node:child_process';
import { freePort, launchRedisServer } from '../../local/redis-server';

/** A private `redis-server` started for one test file. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Kills the server (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after {@link RedisServer.stop}). */
  restart(): Promise<void>;
}

/**
 * Starts a throwaway `redis-server` on a free port (no persistence) and waits until it answers `PING`.
 * Binary: `REDIS_SERVER_BIN` or `redis-server` from PATH.
 * @throws {Error} when `redis-server` is not installed (`apt-get install -y redis-server`) or does not start in 5 s
 */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  let proc: ChildProcess = await launchRedisServer(port, bin);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const p = proc;
      if (p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGKILL');
      });
    },
    async restart() {
      proc = await launchRedisServer(port, bin);
    },
  };
}
