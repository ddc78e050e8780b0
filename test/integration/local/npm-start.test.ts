import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/free-port';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;

let proc: ChildProcess;
let port: number;
let stateDir: string;
let stdout = '';
let stderr = '';
let readyMs = 0;
let env: NodeJS.ProcessEnv;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  port = await freePort();
  stateDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  env = { ...process.env, PORT: String(port), LOCAL_STATE_DIR: stateDir };
  delete env.REDIS_URL;
  delete env.LOCAL_REDIS;
  // What `npm ci` does on a fresh clone (the `prepare` script): build the bundle `npm start` runs. The clock for
  // "ready in ≤ 10 s" starts at `npm start`, as the issue measures it.
  await run('npm', ['run', '--silent', 'prepare'], { cwd: ROOT, env });
  const started = performance.now();
  proc = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://localhost:${port}/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  readyMs = performance.now() - started;
});

afterAll(async () => {
  if (proc?.pid && alive(proc.pid)) process.kill(-proc.pid, 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm start (a fresh process, as a user runs it)', () => {
  // Start-up time is a figure, not a timed assertion (it depends on what else the machine runs): printed here; the
  // 30 s bound only catches a stack that never comes up.
  it('becomes ready and GET /health answers 200', () => {
    expect(stdout, stderr).toContain('marketedge local stack ready');
    console.info(`npm start: ready in ${Math.round(readyMs)} ms`);
    expect(readyMs).toBeLessThan(30_000);
  });

  it('prints a banner with the URL, the stores, the demo tenants and the curl to try', () => {
    expect(stdout).toContain(`http://localhost:${port}`);
    expect(stdout).toMatch(/DynamoDB\s+dynalite in memory/);
    expect(stdout).toMatch(
      /limiter\s+redis-server [\d.]+ at redis:\/\/127\.0\.0\.1:\d+ \(started by the stack, pid \d+/,
    );
    for (const id of ['marketedge', 'acme', 'globex', 'initech', 'umbrella', 'hooli'])
      expect(stdout).toContain(id);
    expect(stdout).toContain(`curl -s -H "Authorization: Bearer $TOKEN" http://localhost:${port}/v1/me`);
  });

  it('npm run --silent token prints exactly one token, accepted by the running stack', async () => {
    const { stdout: out } = await run(
      'npm',
      ['run', '--silent', 'token', '--', '--tenant', 'acme', '--user', 'alice'],
      { cwd: ROOT, env },
    );
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const res = await fetch(`http://localhost:${port}/v1/me`, {
      headers: { authorization: `Bearer ${out.trim()}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tenantId: 'acme', userId: 'alice' });
  });

  it('writes one JSON access-log line per request', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const lines = stdout.split('\n').filter((l) => l.startsWith('{"requestId"'));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, string>);
    expect(
      parsed.some((l) => l.route === '/health' && l.status === '200'),
      stdout.slice(-3000),
    ).toBe(true);
    expect(parsed.some((l) => l.route === '/v1/me' && l.tenantId === 'acme')).toBe(true);
  });

  it('SIGTERM to npm (as a supervisor or `kill %1` sends it) stops the stack and its redis-server', async () => {
    const redisPid = Number(/started by the stack, pid (\d+)/.exec(stdout)?.[1]);
    const stackPid = Number(/or kill (\d+)\)/.exec(stdout)?.[1]);
    expect(alive(redisPid)).toBe(true);
    expect(alive(stackPid)).toBe(true);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    process.kill(proc.pid!, 'SIGTERM');
    await exited;
    const deadline = Date.now() + 5_000;
    while ((alive(redisPid) || alive(stackPid)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(alive(stackPid)).toBe(false);
    expect(alive(redisPid)).toBe(false);
  });
});
