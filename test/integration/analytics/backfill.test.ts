import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFromAccessLog } from '../../../lambdas/shared/analytics/access-log-events';
import { userHash } from '../../../lambdas/shared/analytics/hash';
import { EVENTS_TABLE } from '../../../lib/config/analytics';
import { backfill } from '../../../local/analytics/backfill';
import { AnalyticsEngine } from '../../../local/analytics/engine';
import { emptyAccessLog, formatAccessLog } from '../../../local/gateway/access-log';
import { FIXTURE_SECRET } from '../../unit/analytics/fixture';

const T0 = Date.parse('2026-11-20T10:00:00Z');
let n = 0;
/** One access-log line in the gateway's own format (local/gateway/access-log.ts). */
function line(method: string, route: string, status: number, over: Record<string, string> = {}): string {
  const r = emptyAccessLog();
  n++;
  Object.assign(r, {
    requestId: `req-${n}`,
    requestTime: String(T0 + n * 60_000),
    method,
    route,
    path: `/dev${route}`,
    status: String(status),
    tenantId: 'acme',
    userId: 'alice@example.com',
    tier: 'standard',
    vertical: 'retail',
    ip: '203.0.113.9',
    ...over,
  });
  return formatAccessLog(r);
}

let root: string;
let file: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'analytics-backfill-'));
  file = join(root, 'access.log');
  const old = JSON.parse(line('POST', '/v1/reports', 201, { userId: 'bob' })) as Record<string, string>;
  delete old.vertical; // written before the access log carried the vertical
  writeFileSync(
    file,
    [
      line('POST', '/v1/reports', 201),
      line('GET', '/v1/reports/{reportId}', 200),
      line('DELETE', '/v1/reports/{reportId}', 204),
      line('GET', '/v1/reports', 429),
      line('GET', '/v1/me', 200),
      line('POST', '/v1/reports', 400),
      line('GET', '/v1/reports', 401, { tenantId: '-', userId: '-' }),
      line('POST', '/v1/reports', 201, { tenantId: 'globex', vertical: 'hospitality' }),
      // The platform's own tenant: its operators are not product users, never stored.
      line('POST', '/v1/reports', 201, { tenantId: 'marketedge', vertical: 'platform', userId: 'ops' }),
      JSON.stringify(old),
      'not json',
      '[1,2]',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function stored(): Promise<Array<Record<string, unknown>>> {
  const engine = await AnalyticsEngine.open(root);
  try {
    return await engine.all(
      `SELECT event_id, name, CAST(ts AS VARCHAR) AS ts, tenant_id, vertical, tier, user_hash, source, route, props FROM ${EVENTS_TABLE} ORDER BY ts`,
    );
  } finally {
    engine.close();
  }
}

describe('npm run analytics:backfill', () => {
  it('turns report and 429 lines into events with hashed users, skips the rest, and is idempotent by event id', async () => {
    const first = await backfill({ root, secret: FIXTURE_SECRET, files: [file], skipTenants: ['globex'] });
    expect(first).toEqual({
      lines: 12,
      malformed: 2,
      events: 7,
      added: 5,
      skipped: 1,
      operators: 1,
      unknownVertical: 1,
    });
    const rows = await stored();
    // The old-format line (bob, no vertical) was written first.
    expect(rows.map((r) => [r.name, r.vertical, r.source])).toEqual([
      ['report_created', 'unknown', 'backfill'],
      ['report_created', 'retail', 'backfill'],
      ['report_viewed', 'retail', 'backfill'],
      ['report_deleted', 'retail', 'backfill'],
      ['limit_hit', 'retail', 'backfill'],
    ]);
    expect(rows[1]?.ts).toBe('2026-11-20 10:02:00');
    expect(rows[4]?.route).toBe('GET /v1/reports');
    expect(rows[0]?.user_hash).toBe(userHash(FIXTURE_SECRET, 'acme', 'bob'));
    expect(rows[1]?.user_hash).toBe(userHash(FIXTURE_SECRET, 'acme', 'alice@example.com'));
    expect(rows.every((r) => r.tenant_id === 'acme')).toBe(true);
    // Nothing raw from the access log is stored: no user id, e-mail, IP or request id.
    const text = JSON.stringify(rows);
    for (const raw of ['alice', 'bob', '203.0.113.9', 'req-']) expect(text).not.toContain(raw);

    const again = await backfill({
      root,
      secret: FIXTURE_SECRET,
      files: [file, file],
      skipTenants: ['globex'],
    });
    expect(again.added).toBe(0);
    expect(again.events).toBe(14);
    expect((await stored()).map((r) => r.event_id)).toEqual(rows.map((r) => r.event_id));
  });

  it('dry run writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analytics-backfill-dry-'));
    try {
      const out = await backfill({ root: dir, secret: FIXTURE_SECRET, files: [file], dryRun: true });
      expect(out).toMatchObject({ events: 7, added: 0, skipped: 0, operators: 1 });
      const engine = await AnalyticsEngine.open(dir);
      const rows = await engine.all(`SELECT count(*) AS n FROM ${EVENTS_TABLE}`);
      engine.close();
      expect(Number(rows[0]?.n)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps lines by route and status; malformed identities yield nothing', () => {
    const parse = (s: string) => eventFromAccessLog(JSON.parse(s) as Record<string, unknown>);
    expect(parse(line('POST', '/v1/reports', 201))?.input.name).toBe('report_created');
    expect(parse(line('POST', '/v1/reports', 201))?.input.eventId).toBe(
      parse(line('POST', '/v1/reports', 201, { requestId: `req-${n}` }))?.input.eventId,
    );
    expect(parse(line('GET', '/v1/reports/{reportId}', 404))).toBeNull();
    expect(parse(line('POST', '/v1/reports', 201, { tenantId: 'Bad Tenant' }))).toBeNull();
    expect(parse(line('POST', '/v1/reports', 201, { requestTime: '-' }))).toBeNull();
  });
});
