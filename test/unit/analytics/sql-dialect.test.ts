import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { lintSharedSql } from '../../../lambdas/shared/analytics/sql-lint';
import { ANALYTICS_QUERY_NAMES } from '../../../lib/config/analytics';
import { EXPERIMENTS } from '../../../lib/config/experiments';

const dir = fileURLToPath(new URL('../../../analytics/queries/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
const parser = new Parser();
const parsesAsTrino = (sql: string) => {
  try {
    parser.astify(sql, { database: 'trino' });
    return true;
  } catch {
    return false;
  }
};

describe('analytics/queries: the SQL Athena (Trino) and DuckDB share', () => {
  it('one file per catalog query, no others', () => {
    expect(files.map((f) => f.replace(/\.sql$/, '')).sort()).toEqual([...ANALYTICS_QUERY_NAMES].sort());
  });

  it.each(files)('%s parses as Trino SQL and passes the shared-subset rules', (f) => {
    const sql = readFileSync(join(dir, f), 'utf8');
    expect(parsesAsTrino(sql)).toBe(true);
    expect(lintSharedSql(sql)).toEqual([]);
  });

  it('the checks can fail: engine-specific syntax is caught', () => {
    expect(parsesAsTrino('SELECT FROM WHERE')).toBe(false);
    expect(lintSharedSql('SELECT x::int FROM events')).toContain(
      '`::` casts are DuckDB/PostgreSQL only: use CAST(x AS t)',
    );
    expect(lintSharedSql('SELECT * EXCLUDE (a) FROM events').length).toBeGreaterThan(0);
    expect(lintSharedSql('SELECT a FROM events QUALIFY row_number() OVER () = 1').length).toBeGreaterThan(0);
    expect(lintSharedSql('SELECT count(a) / count(b) FROM events').length).toBeGreaterThan(0);
    expect(lintSharedSql('SELECT a FROM events_all').length).toBeGreaterThan(0);
  });

  it('ab_results has a conversion column for every experiment conversion event', () => {
    const sql = readFileSync(join(dir, 'ab_results.sql'), 'utf8');
    for (const e of Object.values(EXPERIMENTS)) expect(sql).toContain(`converted_${e.conversionEvent}`);
  });
});
