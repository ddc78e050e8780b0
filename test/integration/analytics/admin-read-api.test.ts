import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../../../lambdas/admin/app';
import type { AdminRepository } from '../../../lambdas/admin/repository';
import { fileSink } from '../../../lambdas/shared/analytics/file-sink';
import {
  analyticsExportResponseSchema,
  analyticsQueryResponseSchema,
} from '../../../lib/config/analytics-api';
import { AnalyticsEngine } from '../../../local/analytics/engine';
import { LocalAnalyticsReader } from '../../../local/analytics/reader';
import { ACTORS, call, testDeps } from '../../unit/admin/fixtures';
import { FIXTURE_SCOPE, fixtureRecords, writeFixtureStore } from '../../unit/analytics/fixture';

let root: string;
let reader: LocalAnalyticsReader;
let server: Server;
let api: ReturnType<typeof createAdminApi>;
const range = { from: FIXTURE_SCOPE.from, to: FIXTURE_SCOPE.to };
const NOW = new Date('2026-12-01T12:00:00Z');

beforeAll(async () => {
  root = writeFixtureStore('analytics-api-');
  server = createServer((req, res) => {
    if (!reader.serveDownload(req, res, () => NOW.getTime())) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  reader = new LocalAnalyticsReader({
    root,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
  api = createAdminApi(testDeps({} as AdminRepository, { analytics: reader, now: () => NOW }));
});
afterAll(async () => {
  await reader?.close();
  await new Promise((r) => server?.close(r));
  rmSync(root, { recursive: true, force: true });
});

const get = (path: string, actor: (typeof ACTORS)[keyof typeof ACTORS], query: Record<string, string> = {}) =>
  call(api, { method: 'GET', path, actor, query });
const tenants = (body: Record<string, unknown>) =>
  [...new Set((body.rows as Array<{ tenant_id: string }>).map((r) => r.tenant_id))].sort();
const errorPaths = (body: Record<string, unknown>) =>
  (body.errors as Array<{ path: string }>).map((e) => e.path);

describe('GET /admin/analytics/{query}', () => {
  it('platform admins see every tenant, one tenant, or one vertical; rows typed by the shared schema', async () => {
    const all = await get('/admin/analytics/funnel', ACTORS.platformAdmin, range);
    expect(all.status).toBe(200);
    const parsed = analyticsQueryResponseSchema.parse(all.body);
    expect(parsed.query).toBe('funnel');
    expect(parsed.engine).toBe('duckdb');
    expect(parsed.scope).toEqual({ tenantId: null, vertical: null, ...range });
    expect(tenants(all.body)).toEqual(['acme', 'globex']);
    const acme = (all.body.rows as Array<Record<string, unknown>>)[0];
    // numbers, not DuckDB's BIGINT strings (hand-computed answers of the fixed data set)
    expect(acme).toMatchObject({ step_1_page_view: 3, step_2_report_created: 2, conversion_2: 0.6667 });
    const hosp = await get('/admin/analytics/funnel', ACTORS.platformAdmin, {
      ...range,
      vertical: 'hospitality',
    });
    expect(tenants(hosp.body)).toEqual(['globex']);
    const one = await get('/admin/analytics/events_per_day', ACTORS.platformAdmin, {
      ...range,
      tenantId: 'acme',
    });
    expect(tenants(one.body)).toEqual(['acme']);
  });

  it('tenant admins get their own tenant only, whatever they ask for (crafted filters)', async () => {
    const own = await get('/admin/analytics/events_per_day', ACTORS.acmeAdmin, range);
    expect(own.status).toBe(200);
    expect(tenants(own.body)).toEqual(['acme']);
    expect((own.body.scope as { tenantId: string }).tenantId).toBe('acme');
    // a vertical of another tenant narrows to nothing, it never widens to that tenant
    const otherVertical = await get('/admin/analytics/events_per_day', ACTORS.acmeAdmin, {
      ...range,
      vertical: 'hospitality',
    });
    expect(otherVertical.status).toBe(200);
    expect(otherVertical.body.rows).toEqual([]);
    // another tenant's id: 403 (the same answer as any refusal)
    const other = await get('/admin/analytics/events_per_day', ACTORS.acmeAdmin, { tenantId: 'globex' });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('page_view');
    // injection attempts and unknown keys are refused with the field path, never reach SQL
    for (const tenantId of ["acme' OR '1'='1", 'acme%', 'ACME', '']) {
      const res = await get('/admin/analytics/funnel', ACTORS.acmeAdmin, { tenantId });
      expect(res.status, tenantId).toBe(403);
    }
    const crafted: Array<[Record<string, string>, string]> = [
      [{ vertical: "retail' OR 1=1 --" }, 'query.vertical'],
      [{ tenant_id: 'globex' }, 'query'],
      [{ from: '2026-02-30' }, 'query.from'],
      [{ from: "2026-11-01' OR dt <> '" }, 'query.from'],
      [{ from: '2026-12-01', to: '2026-11-01' }, 'query.from'],
      [{ from: '2020-01-01', to: '2026-11-01' }, 'query.from'],
    ];
    for (const [query, path] of crafted) {
      const res = await get('/admin/analytics/funnel', ACTORS.acmeAdmin, query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(errorPaths(res.body).join(), JSON.stringify(query)).toContain(path);
    }
    for (const tenantId of ["acme' OR '1'='1", 'acme%']) {
      const res = await get('/admin/analytics/funnel', ACTORS.platformAdmin, { tenantId });
      expect(res.status, tenantId).toBe(400);
      expect(errorPaths(res.body)).toEqual(['query.tenantId']);
    }
    const globex = await get('/admin/analytics/active_users', ACTORS.globexAdmin, range);
    expect(tenants(globex.body)).toEqual(['globex']);
  });

  it('unknown query: 400 path.query; users and machine clients: 403; no token: 401', async () => {
    const unknown = await get('/admin/analytics/drop_table', ACTORS.platformAdmin);
    expect(unknown.status).toBe(400);
    expect(errorPaths(unknown.body)).toEqual(['path.query']);
    expect((await get('/admin/analytics/funnel', ACTORS.acmeUser)).status).toBe(403);
    expect((await get('/admin/analytics/funnel', ACTORS.acmeM2m)).status).toBe(403);
    expect((await call(api, { method: 'GET', path: '/admin/analytics/funnel', actor: null })).status).toBe(
      401,
    );
  });

  it('ab_results carries the experiment statistics', async () => {
    const res = await get('/admin/analytics/ab_results', ACTORS.platformAdmin, range);
    const parsed = analyticsQueryResponseSchema.parse(res.body);
    expect(parsed.experiments?.map((e) => e.experiment)).toEqual(['report_cta']);
  });
});

describe('GET /admin/analytics/export', () => {
  it('csv: a streamed download of the tenant admin’s own events only, de-duplicated', async () => {
    const res = await get('/admin/analytics/export', ACTORS.acmeAdmin, { ...range, format: 'csv' });
    expect(res.status).toBe(200);
    const body = analyticsExportResponseSchema.parse(res.body);
    expect(body.scope.tenantId).toBe('acme');
    expect(body.files).toHaveLength(1);
    // 17 acme records in the fixture, one stored twice with the same event_id
    expect(body.rows).toBe(16);
    const dl = await fetch(body.files[0]!.url);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toContain('text/csv');
    const lines = (await dl.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^event_id,schema_version,name,ts,/);
    expect(lines).toHaveLength(17);
    const header = lines[0]!.split(',');
    const tenantCol = header.indexOf('tenant_id');
    expect(tenantCol).toBeGreaterThan(0);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[tenantCol]))).toEqual(new Set(['acme']));
    expect(lines.join('\n')).not.toContain('globex');
    expect(Number(dl.headers.get('content-length'))).toBe(body.files[0]!.bytes);
  });

  it('parquet for a platform admin; tampered or expired links are refused', async () => {
    const res = await get('/admin/analytics/export', ACTORS.platformAdmin, { ...range, format: 'parquet' });
    const body = analyticsExportResponseSchema.parse(res.body);
    expect(body.rows).toBe(18);
    const url = new URL(body.files[0]!.url);
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const local = join(root, 'check.parquet');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(local, bytes);
    const engine = await AnalyticsEngine.open(join(root, 'empty'));
    try {
      const n = await engine.all(
        `SELECT count(DISTINCT tenant_id) AS t, count(*) AS n FROM read_parquet('${local}')`,
      );
      expect(n[0]).toEqual({ t: '2', n: '18' });
    } finally {
      engine.close();
    }
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    const renamed = new URL(url);
    renamed.pathname = renamed.pathname.replace('events-all', 'events-acme');
    expect((await fetch(renamed)).status).toBe(403);
    // a reader whose clock is past the expiry refuses the genuine link
    const late = createServer((req, r) => {
      reader.serveDownload(req, r, () => NOW.getTime() + 3_600_000);
    });
    await new Promise<void>((r) => late.listen(0, '127.0.0.1', r));
    try {
      const lateUrl = `http://127.0.0.1:${(late.address() as AddressInfo).port}${url.pathname}${url.search}`;
      expect((await fetch(lateUrl)).status).toBe(403);
    } finally {
      await new Promise((r) => late.close(r));
    }
  });

  it('tenant admins cannot export another tenant; bad format: 400 query.format', async () => {
    expect((await get('/admin/analytics/export', ACTORS.acmeAdmin, { tenantId: 'globex' })).status).toBe(403);
    const bad = await get('/admin/analytics/export', ACTORS.acmeAdmin, { format: 'xlsx' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(['query.format']);
  });
});

describe('compaction of the local store', () => {
  it('a query compacts a partition where small files piled up; answers are unchanged', async () => {
    const { listPartitions } = await import('../../../local/analytics/engine');
    const { COMPACT_MIN_FILES } = await import('../../../local/analytics/reader');
    const before = await get('/admin/analytics/events_per_day', ACTORS.platformAdmin, range);
    // The sink writes one small file per flush: pile up more than the threshold in one partition (duplicates of
    // events already stored, as at-least-once delivery would).
    const sink = fileSink({ root });
    const dup = fixtureRecords().filter((r) => r.tenant_id === 'acme' && r.dt === '2026-11-02');
    for (let i = 0; i < COMPACT_MIN_FILES; i++) {
      sink.write([dup[i % dup.length]!]);
      sink.flush();
    }
    const part = () => listPartitions(root).find((p) => p.tenantId === 'acme' && p.dt === '2026-11-02')!;
    expect(part().files.length).toBeGreaterThanOrEqual(COMPACT_MIN_FILES);
    const after = await get('/admin/analytics/events_per_day', ACTORS.platformAdmin, range);
    expect(part().files).toEqual([expect.stringMatching(/^part-.*\.parquet$/)]);
    expect(after.body.rows).toEqual(before.body.rows);
  });
});
