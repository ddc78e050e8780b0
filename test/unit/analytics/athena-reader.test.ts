import { describe, expect, it } from 'vitest';
import {
  type AthenaApi,
  createAthenaReader,
  type ObjectStore,
  parseS3Uri,
  sqlLiteral,
} from '../../../lambdas/admin/analytics-athena';
import { type AnalyticsReader, analyticsReaderFromEnv } from '../../../lambdas/admin/analytics-port';
import { EVENTS_TABLE } from '../../../lib/config/analytics';
import { EXPORT_URL_TTL_SEC } from '../../../lib/config/analytics-api';

const scope = { tenantId: 'acme', vertical: null, from: '2026-11-01', to: '2026-11-30' };

/** An Athena fake: records starts, walks each execution through `states`, answers pages. */
function fakeAthena(
  states: string[],
  pages: Array<{ rows: Array<Array<string | null>>; nextToken?: string }>,
) {
  const started: Array<{ sql: string; parameters: string[]; workgroup: string; database: string }> = [];
  let polls = 0;
  const api: AthenaApi = {
    start: async (input) => {
      started.push(input);
      return `q${started.length}`;
    },
    state: async (id) => {
      const state = states[Math.min(polls++, states.length - 1)]!;
      return {
        state,
        ...(state === 'FAILED' ? { reason: 'SYNTAX_ERROR' } : {}),
        outputLocation: `s3://results/athena/${id}-manifest.csv`,
      };
    },
    page: async (_id, token) => pages[token ? Number(token) : 0]!,
    outputLocation: async () => 's3://results/athena/',
  };
  return { api, started, polls: () => polls };
}

const store = (manifest: string): ObjectStore & { read: string[] } => {
  const read: string[] = [];
  return {
    read,
    getText: async (uri) => {
      read.push(uri);
      return manifest;
    },
    presignGet: async (uri, ttl) => `https://signed.example/${parseS3Uri(uri).key}?ttl=${ttl}`,
  };
};

const opts = {
  workgroup: 'marketedge-dev-analytics',
  database: 'marketedge_dev_analytics',
  sleep: async () => {},
};

describe('Athena adapter of the analytics read port', () => {
  it('runs the scoped query text with the scope as execution parameters and pages the results into rows', async () => {
    const f = fakeAthena(
      ['QUEUED', 'RUNNING', 'SUCCEEDED'],
      [
        {
          rows: [
            ['tenant_id', 'vertical', 'events'],
            ['acme', 'retail', '3'],
          ],
          nextToken: '1',
        },
        { rows: [['acme', 'finance', null]] },
      ],
    );
    const reader = createAthenaReader({ ...opts, api: f.api, store: store('') });
    const rows = await reader.query('events_per_day', scope);
    expect(rows).toEqual([
      { tenant_id: 'acme', vertical: 'retail', events: '3' },
      { tenant_id: 'acme', vertical: 'finance', events: null },
    ]);
    expect(f.polls()).toBe(3);
    const s = f.started[0]!;
    expect(s.workgroup).toBe(opts.workgroup);
    expect(s.database).toBe(opts.database);
    expect(s.sql).toContain(`FROM ${EVENTS_TABLE} WHERE dt >= ? AND dt <= ? AND tenant_id = ?`);
    expect(s.sql).not.toContain('acme');
    expect(s.parameters).toEqual(["'2026-11-01'", "'2026-11-30'", "'acme'"]);
  });

  it('a failed or endless query throws (the operation answers 503)', async () => {
    const failed = createAthenaReader({ ...opts, api: fakeAthena(['FAILED'], []).api, store: store('') });
    await expect(failed.query('funnel', scope)).rejects.toThrow(/failed: SYNTAX_ERROR/);
    const slow = createAthenaReader({
      ...opts,
      api: fakeAthena(['RUNNING'], []).api,
      store: store(''),
      pollMs: 100,
      timeoutMs: 1000,
    });
    await expect(slow.query('funnel', scope)).rejects.toThrow(/still RUNNING after 1000 ms/);
  });

  it('export: UNLOAD of the scoped export select under the workgroup output, each manifest file presigned', async () => {
    const f = fakeAthena(['SUCCEEDED'], []);
    const s = store('s3://results/athena/exports/x1/part-0\ns3://results/athena/exports/x1/part-1\n');
    const reader = createAthenaReader({ ...opts, api: f.api, store: s, newId: () => 'x1' });
    const now = new Date('2026-12-01T00:00:00Z');
    const out = await reader.exportEvents(scope, 'parquet', now);
    const sql = f.started[0]!.sql;
    expect(sql).toMatch(
      /^UNLOAD \(WITH events AS \(SELECT \* FROM events_all WHERE dt >= \? AND dt <= \? AND tenant_id = \?\)/,
    );
    expect(sql).toContain("TO 's3://results/athena/exports/x1/' WITH (format = 'PARQUET'");
    expect(f.started[0]!.parameters).toEqual(["'2026-11-01'", "'2026-11-30'", "'acme'"]);
    expect(s.read).toEqual(['s3://results/athena/q1-manifest.csv']);
    expect(out.files).toEqual([
      { url: `https://signed.example/athena/exports/x1/part-0?ttl=${EXPORT_URL_TTL_SEC}` },
      { url: `https://signed.example/athena/exports/x1/part-1?ttl=${EXPORT_URL_TTL_SEC}` },
    ]);
    expect(out.expiresAt.getTime() - now.getTime()).toBe(EXPORT_URL_TTL_SEC * 1000);
    const csv = createAthenaReader({
      ...opts,
      api: fakeAthena(['SUCCEEDED'], []).api,
      store: store(''),
      newId: () => 'x2',
    });
    expect((await csv.exportEvents({ ...scope, tenantId: null }, 'csv', now)).files).toEqual([]);
  });

  it('quotes literals and parses s3 URIs', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(parseS3Uri('s3://b/k/x.csv')).toEqual({ bucket: 'b', key: 'k/x.csv' });
    expect(() => parseS3Uri('https://b/k')).toThrow();
  });
});

describe('analytics reader from the environment', () => {
  const env = { ANALYTICS_WORKGROUP: 'wg', ANALYTICS_DATABASE: 'db' };
  it('uses the Athena factory it is given when the workgroup is set, created once on first use', async () => {
    let created = 0;
    const fake: AnalyticsReader = {
      engine: 'athena',
      query: async () => [{ n: '1' }],
      exportEvents: async () => ({ files: [], expiresAt: new Date(0) }),
    };
    const reader = analyticsReaderFromEnv(env, () => {
      created++;
      return fake;
    });
    expect(reader.engine).toBe('athena');
    expect(created).toBe(0);
    expect(await reader.query('funnel', scope)).toEqual([{ n: '1' }]);
    await reader.query('funnel', scope);
    expect(created).toBe(1);
  });

  it('without a factory (bundles other than the admin Lambda) nothing reaches Athena: 503', async () => {
    const reader = analyticsReaderFromEnv(env);
    expect(reader.engine).toBe('duckdb');
    await expect(reader.query('funnel', scope)).rejects.toMatchObject({ status: 503 });
  });
});
