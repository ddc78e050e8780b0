import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_QUERY_NAMES } from '../../../lib/config/analytics';
import { AnalyticsEngine } from '../../../local/analytics/engine';
import { generateEvents, writeParquet } from '../../../local/analytics/generate';
import { normaliseRows, type PeerEvent, peerQuery, round } from '../../bench/analytics-peer';
import {
  FIXTURE_SCOPE,
  FIXTURE_SECRET,
  fixtureRecords,
  writeFixtureStore,
} from '../../unit/analytics/fixture';

// The benchmark peer must compute what the SQL computes, or the comparison in `npm run bench:analytics` is void.
describe('bench:analytics peer (in-process aggregation) agrees with DuckDB', () => {
  let fixtureRoot: string;
  let genRoot: string;
  let fixtureEngine: AnalyticsEngine;
  let genEngine: AnalyticsEngine;
  let generated: PeerEvent[];
  beforeAll(async () => {
    fixtureRoot = writeFixtureStore('peer-fixture-');
    fixtureEngine = await AnalyticsEngine.open(fixtureRoot);
    genRoot = mkdtempSync(join(tmpdir(), 'peer-gen-'));
    const gen = generateEvents({
      events: 5_000,
      seed: 7,
      days: 21,
      end: '2026-11-30',
      secret: FIXTURE_SECRET,
    });
    await writeParquet(genRoot, gen);
    generated = gen;
    genEngine = await AnalyticsEngine.open(genRoot);
  });
  afterAll(() => {
    fixtureEngine?.close();
    genEngine?.close();
    rmSync(fixtureRoot, { recursive: true, force: true });
    rmSync(genRoot, { recursive: true, force: true });
  });

  const fixtureEvents = (): PeerEvent[] => fixtureRecords().map((r) => ({ ...r, ts: Date.parse(r.ts) }));

  it.each(ANALYTICS_QUERY_NAMES)('%s on the fixed data set', async (name) => {
    const duck = normaliseRows(await fixtureEngine.query(name, FIXTURE_SCOPE));
    expect(duck.length).toBeGreaterThan(0);
    expect(peerQuery(name, fixtureEvents(), FIXTURE_SCOPE)).toEqual(duck);
  });

  it.each(ANALYTICS_QUERY_NAMES)(
    '%s on a generated data set, one tenant and a narrower range',
    async (name) => {
      const scope = { tenantId: 'tenant-001', vertical: null, from: '2026-11-12', to: '2026-11-28' };
      const duck = normaliseRows(await genEngine.query(name, scope));
      expect(duck.length).toBeGreaterThan(0);
      expect(peerQuery(name, generated, scope)).toEqual(duck);
    },
  );

  it('rounds half away from zero like SQL round()', () => {
    expect(round(0.125, 2)).toBe(0.13);
    expect(round(-0.125, 2)).toBe(-0.13);
    expect(round(2 / 3, 4)).toBe(0.6667);
  });
});
