import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../../lib/config/settings';
import { runAnalyticsCli } from '../../../local/analytics/cli';
import { ERASE_USAGE, runEraseCli } from '../../../local/analytics/erase';
import { ERASURES_FILE } from '../../../local/analytics/erasures';
import { EXPORTS_DIR } from '../../../local/analytics/reader';
import { UnknownTenantError } from '../../../local/analytics/tenant-events';
import { FIXTURE_SECRET, writeFixtureStore } from '../../unit/analytics/fixture';

const ROOT = resolve(import.meta.dirname, '../../..');
const NOVEMBER = ['--from', '2026-11-01', '--to', '2026-11-30'];

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  root = writeFixtureStore('analytics-unknown-tenant-');
  env = { [SETTINGS.analyticsDir.name]: root, ANALYTICS_HASH_SECRET: FIXTURE_SECRET };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Runs a CLI as `npm run` does (tsx), in its own process: stdout, stderr and the exit code. */
async function cli(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, file), ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('npm run analytics -- <query> --tenant T: a tenant with no events is said so', () => {
  it('no events at all: the empty result, and a note naming the tenants that have events', async () => {
    const notes: string[] = [];
    const json = await runAnalyticsCli(
      ['active_users', '--tenant', 'acmee', ...NOVEMBER, '--json'],
      env,
      (l) => notes.push(l),
    );
    expect(JSON.parse(json)).toEqual({ rows: [] });
    expect(notes).toEqual(["no events for tenant 'acmee' (tenants with events: acme, globex)"]);
  });

  it('none in the range: the note names the days the tenant has', async () => {
    const notes: string[] = [];
    await runAnalyticsCli(
      ['funnel', '--tenant', 'acme', '--from', '2026-12-01', '--to', '2026-12-02'],
      env,
      (l) => notes.push(l),
    );
    expect(notes).toEqual([
      "no events for tenant 'acme' from 2026-12-01 to 2026-12-02 (it has events from 2026-11-02 to 2026-11-12)",
    ]);
  });

  it('a tenant with events in the range: no note, also when the answer itself is empty', async () => {
    const notes: string[] = [];
    const rows = (q: string) =>
      runAnalyticsCli([q, '--tenant', 'globex', ...NOVEMBER, '--json'], env, (l) => notes.push(l)).then(
        (out) => (JSON.parse(out) as { rows: unknown[] }).rows,
      );
    expect((await rows('events_per_day')).length).toBeGreaterThan(0);
    expect(await rows('feature_adoption')).toEqual([]); // globex used no feature: an answer, not a typo
    expect(notes).toEqual([]);
  });

  it('as a command: the note on stderr, the result on stdout, exit 0', async () => {
    const r = await cli('local/analytics/cli.ts', ['events_per_day', '--tenant', 'nobody', ...NOVEMBER]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no events for tenant 'nobody' (tenants with events: acme, globex)");
    expect(r.stdout).toContain('events_per_day:');
    expect(r.stdout).not.toContain('no events');
  });
});

describe('npm run analytics:erase -- --tenant T: a tenant the store knows nothing of is refused', () => {
  it('refused with the tenants that have events; nothing done (no ledger mark, no export deleted)', async () => {
    mkdirSync(join(root, EXPORTS_DIR), { recursive: true });
    writeFileSync(join(root, EXPORTS_DIR, 'earlier.csv'), 'event_id\n');
    for (const args of [
      ['--user', 'u1'],
      ['--user', 'u1', '--dry-run'],
    ]) {
      const err = await runEraseCli(['--tenant', 'acmee', ...args], env).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnknownTenantError);
      expect((err as Error).message).toBe(
        "no events for tenant 'acmee': nothing erased (tenants with events: acme, globex)",
      );
    }
    expect(existsSync(join(root, ERASURES_FILE))).toBe(false);
    expect(readdirSync(join(root, EXPORTS_DIR))).toEqual(['earlier.csv']);
  });

  it("a known tenant: a user without events is 0 removed, and a re-run after a tenant's last events went succeeds", async () => {
    expect(await runEraseCli(['--tenant', 'acme', '--user', 'nobody'], env)).toMatch(/^removed 0 events /);
    // g1 is globex's only user: after the erasure globex has no events, but the ledger knows it.
    expect(await runEraseCli(['--tenant', 'globex', '--user', 'g1'], env)).toMatch(/^removed 2 events /);
    expect(await runEraseCli(['--tenant', 'globex', '--user', 'g1'], env)).toMatch(/^removed 0 events /);
  });

  it('as a command: exit 3 and the reason on stderr; --help documents it (exit 0)', async () => {
    const r = await cli('local/analytics/erase.ts', ['--tenant', 'acmee', '--user', 'u1']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      "no events for tenant 'acmee': nothing erased (tenants with events: acme, globex)",
    );
    expect(await runEraseCli(['--help'], env)).toBe(ERASE_USAGE);
    expect(ERASE_USAGE).toMatch(/3 no events for tenant T \(nothing erased\)/);
  });
});
