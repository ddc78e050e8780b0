import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Which store the limiter uses, and why (printed in the start-up line). */
export type RedisChoice =
  | { kind: 'url'; url: string; source: 'REDIS_URL' }
  | { kind: 'spawned'; url: string; version: string; pid: number; stop: () => Promise<void> }
  | { kind: 'memory'; reason: string };

/** `redis-server` binary to look for on PATH; override with `REDIS_SERVER_BIN`. */
const BIN = () => process.env.REDIS_SERVER_BIN ?? 'redis-server';

/**
 * Picks the limiter store: `REDIS_URL` when set; else (unless `LOCAL_REDIS=memory`) a private `redis-server` from
 * PATH started on a free 127.0.0.1 port without persistence (killed when the stack stops or the process exits);
 * else the in-memory limiter store.
 * @param env environment to read (`REDIS_URL`, `LOCAL_REDIS`, `REDIS_SERVER_BIN`)
 */
export async function chooseRedis(env: NodeJS.ProcessEnv = process.env): Promise<RedisChoice> {
  if (env.REDIS_URL) return { kind: 'url', url: env.REDIS_URL, source: 'REDIS_URL' };
  if (env.LOCAL_REDIS === 'memory') return { kind: 'memory', reason: 'LOCAL_REDIS=memory' };
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
  const proc: ChildProcess = spawn(
    BIN(),
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
    ],
    { stdio: 'ignore' },
  );
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
  });
  failed.catch(() => undefined);
  await Promise.race([waitForPing(port, 5_000), failed]);
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

/** One line describing the choice, e.g. `redis-server 7.0.15 at redis://127.0.0.1:40123 (started by the stack)`. */
export function describeRedis(c: RedisChoice): string {
  switch (c.kind) {
    case 'url':
      return `Redis at ${redactUrl(c.url)} (from REDIS_URL)`;
    case 'spawned':
      return `redis-server ${c.version} at ${c.url} (started by the stack, pid ${c.pid}; stops with it)`;
    case 'memory':
      return `in-memory limiter store (${c.reason}; set REDIS_URL to use Redis)`;
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
