import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a throwaway `redis-server` on 127.0.0.1:`port` without persistence (`--save "" --appendonly no`) and waits
 * until it answers `PING`. Used by the local stack and by the tests' private servers.
 * @param port TCP port (see {@link freePort})
 * @param bin binary to run (default `redis-server`)
 * @param timeoutMs how long to wait for the first `PONG`, ms
 * @param extraArgs further `redis-server` arguments (e.g. the cluster options of `local/redis-cluster.ts`)
 * @returns the running child process
 * @throws {Error} when the binary cannot be spawned, exits early, or does not answer within `timeoutMs`
 */
export async function launchRedisServer(
  port: number,
  bin = 'redis-server',
  timeoutMs = 5_000,
  extraArgs: readonly string[] = [],
): Promise<ChildProcess> {
  const proc = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (e) =>
      reject(new Error(`cannot start ${bin} (apt-get install -y redis-server): ${e.message}`)),
    );
    proc.once('exit', (code) => reject(new Error(`${bin} exited with code ${code}`)));
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([waitForPing(port, timeoutMs), failed]);
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  return proc;
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no PING reply on port ${port} within ${timeoutMs} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    sock.setTimeout(200);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}
