import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSink } from '../../../lambdas/shared/analytics/file-sink';
import { derivedUuid, userHash } from '../../../lambdas/shared/analytics/hash';
import { buildRecord } from '../../../lambdas/shared/analytics/record';
import { EVENTS_TABLE } from '../../../lib/config/analytics';
import { AnalyticsEngine } from '../../../local/analytics/engine';
import { eraseUser } from '../../../local/analytics/erase';
import { erasureFilter } from '../../../local/analytics/erasures';
import { FIXTURE_SECRET, writeFixtureStore } from '../../unit/analytics/fixture';

let root: string;
beforeEach(() => {
  root = writeFixtureStore('analytics-erase-race-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

let seq = 0;
/** One page view of `userId` (acme, retail) on 2026-11-02, received now — the partition the erasure rewrites. */
const pageView = (userId: string) =>
  buildRecord(
    FIXTURE_SECRET,
    { tenantId: 'acme', userId, vertical: 'retail', tier: 'standard' },
    {
      eventId: derivedUuid(`race:${++seq}`),
      name: 'page_view',
      ts: new Date('2026-11-02T15:00:00Z'),
      props: { page: '/reports' },
      source: 'server',
    },
    new Date(),
  );

async function rowsOf(hash: string): Promise<Array<{ received_at: string }>> {
  const engine = await AnalyticsEngine.open(root);
  try {
    return (await engine.all(
      `SELECT CAST(received_at AS VARCHAR) AS received_at FROM ${EVENTS_TABLE} WHERE tenant_id = 'acme' AND user_hash = ?`,
      [hash],
    )) as Array<{ received_at: string }>;
  } finally {
    engine.close();
  }
}

describe('erasure while events are being written', () => {
  it('leaves none of the user’s events received before the erasure finished; other users’ writes all land', async () => {
    // The local stack's sink (with the ledger filter it gets from the stack), flushing a new small file every few ms
    // while the erasure runs (same partitions).
    const sink = fileSink({ root, maxRecords: 1, intervalMs: 5, filter: erasureFilter(root) });
    let written = 0;
    let running = true;
    const writer = (async () => {
      while (running) {
        sink.write([pageView('u1'), pageView('u2')]);
        written++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    // Let some files pile up, then erase with the writer still going.
    await new Promise((r) => setTimeout(r, 100));
    const out = await eraseUser({ root, secret: FIXTURE_SECRET, tenantId: 'acme', userId: 'u1' });
    const finishedAt = out.finishedAt;
    running = false;
    await writer;
    sink.flush();
    expect(written).toBeGreaterThan(20);
    expect(out.passes).toBeGreaterThanOrEqual(1);

    const u1 = await rowsOf(userHash(FIXTURE_SECRET, 'acme', 'u1'));
    const leftBehind = u1.filter(
      (r) => Date.parse(`${r.received_at.replace(' ', 'T')}Z`) <= finishedAt.getTime(),
    );
    expect(leftBehind).toEqual([]);
    // u2 kept every one of its events: the fixture's 4 plus one per write.
    expect((await rowsOf(userHash(FIXTURE_SECRET, 'acme', 'u2'))).length).toBe(4 + written);
  });
});
