import { describe, expect, it } from 'vitest';
import { querySqlText } from '../../../lambdas/shared/analytics/query-sql';
import {
  eventsReadCount,
  resolveScope,
  ScopeError,
  scopedSql,
} from '../../../lambdas/shared/analytics/scope';
import { ANALYTICS_QUERY_NAMES } from '../../../lib/config/analytics';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const tenantAdmin = { tenantId: 'acme', roles: ['tenant-admin'] as const };
const platform = { tenantId: 'marketedge', roles: ['platform-admin'] as const };

function refused(fn: () => unknown): ScopeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScopeError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('tenant isolation of the analytics read paths', () => {
  it('a tenant admin always gets their own tenant', () => {
    expect(resolveScope(tenantAdmin, {}, NOW)).toEqual({
      tenantId: 'acme',
      vertical: null,
      from: '2026-11-02',
      to: '2026-12-01',
    });
    expect(resolveScope(tenantAdmin, { tenantId: 'acme' }, NOW).tenantId).toBe('acme');
  });

  it.each([
    [{ tenantId: 'globex' }, 403, 'tenantId'],
    [{ tenantId: "acme' OR '1'='1" }, 400, 'tenantId'],
    [{ tenantId: 'acme', tenant_id: 'globex' }, 400, '(query)'],
    [{ tenantId: ['acme', 'globex'] }, 400, 'tenantId'],
    [{ tenantId: '*' }, 400, 'tenantId'],
    [{ tenantId: '' }, 400, 'tenantId'],
    [{ vertical: "retail' OR 1=1 --" }, 400, 'vertical'],
    [{ from: '2026-11-01; DROP TABLE events' }, 400, 'from'],
    [{ from: '2026-02-30' }, 400, 'from'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 400, 'from'],
    [{ from: '2020-01-01', to: '2026-12-01' }, 400, 'from'],
  ])('crafted filter %j → %i', (req, status, path) => {
    const e = refused(() => resolveScope(tenantAdmin, req, NOW));
    expect(e.status).toBe(status);
    if (path !== '(query)') expect(e.path).toBe(path);
  });

  it('users and services may not query analytics', () => {
    expect(refused(() => resolveScope({ tenantId: 'acme', roles: ['user'] }, {}, NOW)).status).toBe(403);
    expect(refused(() => resolveScope({ tenantId: 'acme', roles: ['service'] }, {}, NOW)).status).toBe(403);
  });

  it('a platform admin may ask for one tenant or all', () => {
    expect(resolveScope(platform, {}, NOW).tenantId).toBeNull();
    expect(resolveScope(platform, { tenantId: 'globex', vertical: 'hospitality' }, NOW)).toMatchObject({
      tenantId: 'globex',
      vertical: 'hospitality',
    });
  });

  it('binds every filter as a parameter and shadows `events` with the scoped slice', () => {
    const b = scopedSql('-- c\nWITH x AS (SELECT 1)\nSELECT * FROM events;', 'events_all', {
      tenantId: 'acme',
      vertical: 'retail',
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(b.sql).toBe(
      'WITH events AS (SELECT * FROM events_all WHERE dt >= ? AND dt <= ? AND tenant_id = ? AND vertical = ?),\nx AS (SELECT 1)\nSELECT * FROM events',
    );
    expect(b.params).toEqual(['2026-11-01', '2026-11-30', 'acme', 'retail']);
    const all = scopedSql('SELECT 1 FROM events', 's', {
      tenantId: null,
      vertical: null,
      from: 'a',
      to: 'b',
    });
    expect(all.sql).toBe('WITH events AS (SELECT * FROM s WHERE dt >= ? AND dt <= ?)\nSELECT 1 FROM events');
    const duck = scopedSql(
      'SELECT 1 FROM events',
      's',
      { tenantId: 't1', vertical: null, from: 'a', to: 'b' },
      {
        materialize: true,
      },
    );
    expect(duck.sql).toBe(
      'WITH events AS MATERIALIZED (SELECT * FROM s WHERE dt >= ? AND dt <= ? AND tenant_id = ?)\nSELECT 1 FROM events',
    );
  });
});

describe('eventsReadCount', () => {
  it('counts FROM/JOIN reads of events, ignoring comments, other tables and other words', () => {
    expect(eventsReadCount('SELECT 1 FROM events')).toBe(1);
    expect(eventsReadCount('-- FROM events\nSELECT 1 FROM events e\n  join EVENTS x ON true')).toBe(2);
    expect(eventsReadCount('SELECT events FROM events_all JOIN my_events ON true')).toBe(0);
  });

  it('tells the standard queries apart: only events_per_day reads events once', () => {
    const reads = Object.fromEntries(ANALYTICS_QUERY_NAMES.map((n) => [n, eventsReadCount(querySqlText(n))]));
    for (const [name, n] of Object.entries(reads)) {
      if (name === 'events_per_day') expect(n, name).toBe(1);
      else expect(n, name).toBeGreaterThan(1);
    }
  });
});
