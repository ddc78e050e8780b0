import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../../lib/config';
import { ACCESS_LOG_FIELDS } from '../../../lib/config/gateway';
import {
  LOG_QUERY,
  logQueries,
  logQueryName,
  logSourceGroupName,
  REQUEST_ID_PLACEHOLDER,
} from '../../../lib/config/log-queries';

/** Logs Insights words that are not fields. */
const KEYWORDS = new Set(
  'filter stats count as by sort desc asc limit and or not pct max min avg sum fields'.split(' '),
);

/** The field names a query reads: identifiers that are not keywords, functions, aliases, literals or `@` fields. */
function fieldsOf(query: string): Set<string> {
  const aliases = new Set([...query.matchAll(/\bas\s+(\w+)/g)].map((m) => m[1]));
  const text = query
    .replace(/"[^"]*"/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/\bas\s+\w+/g, ' ')
    .replace(/\w+\s*\(/g, ' ');
  const words = text.match(/[A-Za-z_]\w*/g) ?? [];
  return new Set(words.filter((w) => !KEYWORDS.has(w) && !aliases.has(w)));
}

describe.each(STAGE_NAMES)('saved Logs Insights queries — %s', (stage) => {
  const config = getStageConfig(stage);
  const queries = logQueries(config);

  it('has the per-tenant, per-user-type and per-tier questions, ids unique', () => {
    const ids = queries.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(Object.values(LOG_QUERY).sort());
    expect(queries.length).toBeGreaterThanOrEqual(7);
    expect(logQueryName(stage, LOG_QUERY.tenant429s)).toBe(`MarketEdge/${stage}/tenant-429s`);
  });

  it('access-log queries read only access-log fields; per-tenant ones group by tenantId', () => {
    for (const spec of queries.filter((x) => x.sources.every((s) => s === 'access'))) {
      const fields = fieldsOf(spec.query);
      expect(fields.size, spec.id).toBeGreaterThan(0);
      for (const f of fields) expect(Object.keys(ACCESS_LOG_FIELDS), `${spec.id}: ${f}`).toContain(f);
    }
    for (const id of [LOG_QUERY.tenantLatency, LOG_QUERY.tenantErrors, LOG_QUERY.tenant429s]) {
      expect(queries.find((x) => x.id === id)?.query, id).toMatch(/ by tenantId\b/);
    }
    expect(queries.find((x) => x.id === LOG_QUERY.userTypes)?.query).toMatch(/ by userType\b/);
    expect(queries.find((x) => x.id === LOG_QUERY.tiers)?.query).toMatch(/ by tier\b/);
  });

  it('the field check catches a field the access log does not have', () => {
    expect(fieldsOf('filter tenant = "x" | stats count(*) as n by tenantId | sort n desc')).toEqual(
      new Set(['tenant', 'tenantId']),
    );
  });

  it('slow-requests uses the stage p99 threshold; request-trace reads the access log and the Lambdas', () => {
    expect(queries.find((x) => x.id === LOG_QUERY.slowRequests)?.query).toContain(
      `filter latency > ${config.alarms.p99LatencyMs}`,
    );
    const trace = queries.find((x) => x.id === LOG_QUERY.requestTrace);
    expect(trace?.query).toContain(`requestId = "${REQUEST_ID_PLACEHOLDER}"`);
    expect(trace?.sources.map((s) => logSourceGroupName(stage, s))).toEqual(
      expect.arrayContaining([
        `/aws/apigateway/marketedge-${stage}/access`,
        `/aws/lambda/marketedge-${stage}-reports`,
      ]),
    );
  });
});
