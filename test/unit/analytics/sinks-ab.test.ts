import { describe, expect, it } from 'vitest';
import { experimentReports } from '../../../lambdas/shared/analytics/ab';
import { LOG_MARKER, logSink } from '../../../lambdas/shared/analytics/log-sink';
import { buildRecord } from '../../../lambdas/shared/analytics/record';

describe('log sink (AWS: CloudWatch Logs subscription → Firehose)', () => {
  it('writes one marked JSON line per record in one write', () => {
    const lines: string[] = [];
    const who = { tenantId: 'acme', userId: 'alice', vertical: 'retail', tier: 'free' };
    const r = buildRecord(
      's'.repeat(32),
      who,
      { eventId: 'e1', name: 'report_viewed', ts: new Date(0), props: {}, source: 'server' },
      new Date(0),
    );
    logSink((l) => lines.push(l)).write([r, { ...r, event_id: 'e2' }]);
    expect(lines).toHaveLength(1);
    const parsed = lines[0]!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(parsed.map((p) => [p.event_id, p[LOG_MARKER], p.dt])).toEqual([
      ['e1', 1, '1970-01-01'],
      ['e2', 1, '1970-01-01'],
    ]);
    expect(lines[0]).not.toContain('alice');
  });
});

describe('experimentReports', () => {
  it('sums ab_results rows over tenants and picks the catalog conversion column', () => {
    const rows = [
      {
        experiment: 'report_cta',
        variant: 'control',
        tenant_id: 'a',
        exposed: '600',
        converted_report_created: '60',
        converted_report_viewed: '500',
      },
      {
        experiment: 'report_cta',
        variant: 'control',
        tenant_id: 'b',
        exposed: '400',
        converted_report_created: '40',
        converted_report_viewed: '0',
      },
      {
        experiment: 'report_cta',
        variant: 'prominent',
        tenant_id: 'a',
        exposed: '1000',
        converted_report_created: '120',
        converted_report_viewed: '0',
      },
      { experiment: 'unknown_experiment', variant: 'x', exposed: '5' },
    ];
    const [r, ...rest] = experimentReports(rows);
    expect(rest).toHaveLength(0);
    if (!r || 'error' in r) throw new Error('expected statistics');
    expect(r.control).toEqual({ variant: 'control', exposed: 1000, converted: 100, conversion: 0.1 });
    expect(r.treatments[0]?.lift).toBeCloseTo(0.2, 12);
  });
  it('reports an error while a variant has no exposures', () => {
    const [r] = experimentReports([
      { experiment: 'report_cta', variant: 'control', exposed: 3, converted_report_created: 1 },
    ]);
    expect(r && 'error' in r ? r.error : '').toMatch(/no exposures/);
  });
});
