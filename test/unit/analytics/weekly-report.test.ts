import { describe, expect, it } from 'vitest';
import {
  barChartSvg,
  buildWeeklyReport,
  weeklyReportScope,
} from '../../../lambdas/shared/analytics/weekly-report';

const scope = weeklyReportScope(new Date('2026-11-11T09:00:00Z'));
const epd = (
  dt: string,
  tenant_id: string,
  vertical: string,
  name: string,
  events: number,
  users: number,
) => ({
  dt,
  tenant_id,
  vertical,
  name,
  events,
  users,
});

describe('weekly report (shared by npm run analytics:report and the scheduled Lambda)', () => {
  it('covers the last complete ISO week before the date', () => {
    expect(scope).toEqual({ tenantId: null, vertical: null, from: '2026-11-02', to: '2026-11-08' });
    // On a Monday the week that just ended; on a Sunday the week before.
    expect(weeklyReportScope(new Date('2026-11-09T00:30:00Z')).from).toBe('2026-11-02');
    expect(weeklyReportScope(new Date('2026-11-08T23:30:00Z')).from).toBe('2026-10-26');
  });

  it('totals, charts, tables and CSV from known rows', () => {
    const report = buildWeeklyReport(
      scope,
      {
        events_per_day: [
          epd('2026-11-02', 'acme', 'retail', 'page_view', 5, 2),
          epd('2026-11-02', 'acme', 'retail', 'report_created', 3, 2),
          epd('2026-11-04', 'globex', 'hospitality', 'page_view', 4, 1),
          epd('2026-11-04', 'glo"bex', 'hospitality', 'feature_used', 1, 1),
        ],
        active_users: [
          {
            tenant_id: 'acme',
            vertical: 'retail',
            active_days: 2,
            dau: 1.5,
            wau: 2,
            mau: 3,
            stickiness: 0.5,
          },
        ],
        funnel: [
          {
            tenant_id: 'acme',
            vertical: 'retail',
            step_1_page_view: 3,
            step_2_report_created: 2,
            step_3_report_viewed: 1,
            step_4_report_created: 1,
            conversion_2: 0.6667,
            conversion_3: 0.3333,
            conversion_4: 0.3333,
          },
        ],
      },
      'dev',
      new Date('2026-11-09T06:00:00Z'),
    );
    expect(report.name).toBe('weekly-2026-11-02');
    expect(report.totals.events).toBe(13);
    expect(report.totals.byVertical).toEqual({ retail: 8, hospitality: 5 });
    expect(report.totals.byDay).toEqual({
      '2026-11-02': 8,
      '2026-11-03': 0,
      '2026-11-04': 5,
      '2026-11-05': 0,
      '2026-11-06': 0,
      '2026-11-07': 0,
      '2026-11-08': 0,
    });
    // three charts: 7 day bars, 2 vertical bars, 3 event-type bars
    expect(report.html.match(/<svg /g)).toHaveLength(3);
    expect(report.html.match(/<rect /g)).toHaveLength(7 + 2 + 3);
    expect(report.html).toContain('<title>page_view: 9</title>');
    expect(report.html).toContain('MarketEdge dev — weekly analytics 2026-11-02 to 2026-11-08');
    expect(report.html).toContain('<td>33.3 %</td>');
    expect(report.html).not.toContain('<script');
    // CSV: header + one line per row, quoted where needed
    expect(report.csv.trim().split('\n')).toEqual([
      'dt,tenant_id,vertical,name,events,users',
      '2026-11-02,acme,retail,page_view,5,2',
      '2026-11-02,acme,retail,report_created,3,2',
      '2026-11-04,globex,hospitality,page_view,4,1',
      '2026-11-04,"glo""bex",hospitality,feature_used,1,1',
    ]);
  });

  it('charts escape labels and scale bars to the largest value', () => {
    const svg = barChartSvg('T <x>', [
      ['<b>', 10],
      ['half', 5],
    ]);
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).not.toContain('<b>');
    const widths = [...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([360, 180]);
  });
});
