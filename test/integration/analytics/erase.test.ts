import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSink } from '../../../lambdas/shared/analytics/file-sink';
import { userHash } from '../../../lambdas/shared/analytics/hash';
import { EVENTS_TABLE } from '../../../lib/config/analytics';
import { AnalyticsEngine, listPartitions } from '../../../local/analytics/engine';
import { ErasureInputError, eraseUser, runEraseCli } from '../../../local/analytics/erase';
import { FIXTURE_SECRET, fixtureRecords, writeFixtureStore } from '../../unit/analytics/fixture';

let root: string;

beforeEach(() => {
  root = writeFixtureStore('analytics-erase-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function countsByUser(): Promise<Map<string, number>> {
  const engine = await AnalyticsEngine.open(root);
  try {
    const rows = await engine.all(
      `SELECT tenant_id || ':' || user_hash AS k, count(*) AS n FROM ${EVENTS_TABLE} GROUP BY 1`,
    );
    return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
  } finally {
    engine.close();
  }
}

const key = (tenant: string, user: string) => `${tenant}:${userHash(FIXTURE_SECRET, tenant, user)}`;
const snapshot = (tenant: string) =>
  listPartitions(root)
    .filter((p) => p.tenantId === tenant)
    .map((p) => ({ dt: p.dt, files: p.files.map((f) => `${f}@${statSync(join(p.dir, f)).mtimeMs}`) }));

describe('npm run analytics:erase', () => {
  it("removes every event of one user (NDJSON and Parquet), keeps everyone else's, touches only affected partitions", async () => {
    const engine = await AnalyticsEngine.open(root);
    // Half the data already compacted to Parquet, then more NDJSON arrives: both kinds must be rewritten.
    await engine.compact();
    engine.close();
    const late = fileSink({ root });
    late.write(fixtureRecords().filter((r) => r.dt === '2026-11-10'));
    late.flush();

    const before = await countsByUser();
    expect(before.get(key('acme', 'u1'))).toBe(8);
    const untouched = snapshot('acme').filter((p) => ['2026-11-12', '2026-11-04'].includes(p.dt));
    const globex = snapshot('globex');

    const out = await eraseUser({ root, secret: FIXTURE_SECRET, tenantId: 'acme', userId: 'u1' });
    expect(out).toMatchObject({
      userHash: userHash(FIXTURE_SECRET, 'acme', 'u1'),
      partitions: ['2026-11-02', '2026-11-03', '2026-11-10'],
      removed: 8,
      dryRun: false,
    });

    const after = await countsByUser();
    expect(after.has(key('acme', 'u1'))).toBe(false);
    for (const [k, n] of before) if (k !== key('acme', 'u1')) expect(after.get(k), k).toBe(n);
    // u1 was alone on 11-10: that partition is gone.
    expect(listPartitions(root).some((p) => p.tenantId === 'acme' && p.dt === '2026-11-10')).toBe(false);
    // Partitions without u1, and the other tenant, are not rewritten.
    expect(snapshot('acme').filter((p) => ['2026-11-12', '2026-11-04'].includes(p.dt))).toEqual(untouched);
    expect(snapshot('globex')).toEqual(globex);
    // No temp files left behind.
    for (const p of listPartitions(root))
      expect(readdirSync(p.dir).filter((f) => f.startsWith('.'))).toEqual([]);

    // Idempotent: a second run finds nothing.
    const again = await eraseUser({ root, secret: FIXTURE_SECRET, tenantId: 'acme', userId: 'u1' });
    expect(again).toMatchObject({ partitions: [], removed: 0 });
  });

  it('the same user id in another tenant is another person: not erased', async () => {
    const out = await eraseUser({ root, secret: FIXTURE_SECRET, tenantId: 'globex', userId: 'u1' });
    expect(out.removed).toBe(0);
    expect((await countsByUser()).get(key('acme', 'u1'))).toBe(8);
  });

  it('--dry-run counts without rewriting; bad ids are refused', async () => {
    const files = snapshot('acme');
    const env = { ANALYTICS_DIR: root, ANALYTICS_HASH_SECRET: FIXTURE_SECRET };
    const text = await runEraseCli(['--tenant', 'acme', '--user', 'u3', '--dry-run'], env);
    expect(text).toMatch(
      /^would remove 5 events of user hash [0-9a-f]{12}… in tenant acme from 2 partitions/,
    );
    expect(snapshot('acme')).toEqual(files);
    expect(await runEraseCli(['--tenant', 'acme', '--user', 'u3', '--hash-only'], env)).toBe(
      userHash(FIXTURE_SECRET, 'acme', 'u3'),
    );
    await expect(runEraseCli(['--tenant', 'acme'], env)).rejects.toThrow(/usage/);
    await expect(runEraseCli(['--tenant', "acme' OR 1=1", '--user', 'u1'], env)).rejects.toBeInstanceOf(
      ErasureInputError,
    );
    await expect(runEraseCli(['--tenant', 'acme', '--user', 'a b'], env)).rejects.toBeInstanceOf(
      ErasureInputError,
    );
    // An export made before the erasure may hold the user's rows: a dry run keeps it, the erasure deletes it.
    const exported = join(root, 'exports', 'events-acme-before.csv');
    mkdirSync(join(root, 'exports'), { recursive: true });
    writeFileSync(exported, 'user_hash\nabc\n');
    await runEraseCli(['--tenant', 'acme', '--user', 'u3', '--dry-run'], env);
    expect(existsSync(exported)).toBe(true);
    expect(await runEraseCli(['--tenant', 'acme', '--user', 'u3'], env)).toMatch(
      /^removed 5 events.*; 1 earlier export files deleted$/,
    );
    expect(existsSync(exported)).toBe(false);
    expect((await countsByUser()).has(key('acme', 'u3'))).toBe(false);
  });
});
