import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import {
  runWeeklyReportJob,
  s3ConsoleUrl,
  type WeeklyReportJobDeps,
} from '../../../lambdas/analytics-report/job';
import type { WeeklyReportQueryName } from '../../../lambdas/shared/analytics/weekly-report';
import { WEEKLY_REPORT_PREFIX } from '../../../lib/config/analytics';
import { ANALYTICS_METRICS } from '../../../lib/config/metrics';

/** Athena-shaped rows (every cell text, as `GetQueryResults` gives them) of the three report queries. */
const ROWS: Record<WeeklyReportQueryName, Array<Record<string, string | null>>> = {
  events_per_day: [
    { tenant_id: 'acme', vertical: 'retail', dt: '2026-11-23', name: 'page_view', events: '7', users: '3' },
    {
      tenant_id: 'globex',
      vertical: 'hospitality',
      dt: '2026-11-25',
      name: 'report_created',
      events: '2',
      users: '1',
    },
  ],
  active_users: [
    {
      tenant_id: 'acme',
      vertical: 'retail',
      active_days: '1',
      dau: '3',
      wau: '3',
      mau: '3',
      stickiness: '1',
    },
  ],
  funnel: [
    {
      tenant_id: 'acme',
      vertical: 'retail',
      step_1_page_view: '3',
      step_2_report_created: '1',
      step_3_report_viewed: '0',
      step_4_report_created: '0',
      conversion_2: '0.33',
      conversion_3: '0',
      conversion_4: '0',
    },
  ],
};

function fakes(over: Partial<WeeklyReportJobDeps> = {}) {
  const calls: string[] = [];
  const queries: Array<{ name: string; from: string; to: string; tenantId: string | null }> = [];
  const objects: Array<{ key: string; body: string; contentType: string }> = [];
  const published: Array<{ subject: string; message: string }> = [];
  const counted: Array<[string, number]> = [];
  const logged: unknown[] = [];
  const deps: WeeklyReportJobDeps = {
    query: async (name, scope) => {
      calls.push(`query:${name}`);
      queries.push({ name, from: scope.from, to: scope.to, tenantId: scope.tenantId });
      return ROWS[name];
    },
    putObject: async (o) => {
      calls.push(`put:${o.key}`);
      objects.push(o);
    },
    publish: async (p) => {
      calls.push('publish');
      published.push(p);
    },
    bucket: 'marketedge-dev-analytics-reports',
    region: 'eu-west-1',
    stage: 'dev',
    logger: { info: (...a: unknown[]) => logged.push(a) } as unknown as Logger,
    metrics: {
      addMetric: (name: string, _unit: string, value: number) => counted.push([name, value]),
      publishStoredMetrics: () => {},
    } as unknown as Metrics,
    now: () => new Date('2026-12-02T10:00:00Z'),
    ...over,
  };
  return { deps, calls, queries, objects, published, counted, logged };
}

describe('weekly report job (the scheduled Lambda core, against fakes)', () => {
  it('runs the three queries over the last complete week of the scheduled time, writes HTML + CSV, then notifies', async () => {
    const f = fakes();
    const run = await runWeeklyReportJob(f.deps, { time: '2026-11-30T06:00:00Z' });
    expect(run).toEqual({
      from: '2026-11-23',
      to: '2026-11-29',
      events: 9,
      keys: [
        `${WEEKLY_REPORT_PREFIX}2026-11-23/weekly-2026-11-23.html`,
        `${WEEKLY_REPORT_PREFIX}2026-11-23/weekly-2026-11-23.csv`,
      ],
    });
    expect(f.queries).toEqual(
      ['events_per_day', 'active_users', 'funnel'].map((name) => ({
        name,
        from: '2026-11-23',
        to: '2026-11-29',
        tenantId: null,
      })),
    );
    // Objects first, the notification last: a failed publish is retried with the same keys.
    expect(f.calls.slice(3)).toEqual([`put:${run.keys[0]}`, `put:${run.keys[1]}`, 'publish']);
    expect(f.objects[0]!.contentType).toBe('text/html; charset=utf-8');
    expect(f.objects[0]!.body).toContain('2026-11-23 to 2026-11-29');
    expect(f.objects[0]!.body).toContain('Generated 2026-12-02T10:00:00.000Z');
    expect(f.objects[1]!.contentType).toBe('text/csv; charset=utf-8');
    expect(f.objects[1]!.body).toBe(
      'dt,tenant_id,vertical,name,events,users\n2026-11-23,acme,retail,page_view,7,3\n2026-11-25,globex,hospitality,report_created,2,1\n',
    );
    const [note] = f.published;
    expect(note!.subject).toBe('MarketEdge dev weekly analytics 2026-11-23 to 2026-11-29');
    expect(note!.message).toContain('9 events.');
    expect(note!.message).toContain('  retail: 7\n  hospitality: 2');
    expect(note!.message).toContain(
      s3ConsoleUrl('eu-west-1', 'marketedge-dev-analytics-reports', run.keys[0]!),
    );
    expect(note!.message).toContain(`s3://marketedge-dev-analytics-reports/${run.keys[0]}`);
    expect(f.counted).toEqual([[ANALYTICS_METRICS.weeklyReports, 1]]);
  });

  it('an operator re-run with a date reports the week before that day; no payload uses the invocation time', async () => {
    const byDate = fakes();
    expect((await runWeeklyReportJob(byDate.deps, { date: '2026-11-11' })).from).toBe('2026-11-02');
    const bare = fakes();
    expect((await runWeeklyReportJob(bare.deps, undefined)).from).toBe('2026-11-23');
  });

  it('a payload of another shape is refused before any query', async () => {
    const f = fakes();
    await expect(runWeeklyReportJob(f.deps, { date: '2026-13-40' })).rejects.toThrow();
    await expect(runWeeklyReportJob(f.deps, { time: 'yesterday' })).rejects.toThrow();
    expect(f.calls).toEqual([]);
  });

  it('a failed query or write throws and nothing is notified (the invocation is retried, then dead-lettered)', async () => {
    const failing = fakes({
      query: async () => {
        throw new Error('athena query failed: SYNTAX_ERROR');
      },
    });
    await expect(runWeeklyReportJob(failing.deps, {})).rejects.toThrow(/SYNTAX_ERROR/);
    expect(failing.published).toEqual([]);
    const unwritable = fakes({
      putObject: async () => {
        throw new Error('AccessDenied');
      },
    });
    await expect(runWeeklyReportJob(unwritable.deps, {})).rejects.toThrow('AccessDenied');
    expect(unwritable.published).toEqual([]);
    expect(unwritable.counted).toEqual([]);
  });

  it('rows of the wrong shape fail the run instead of producing a wrong report', async () => {
    const f = fakes({ query: async () => [{ tenant_id: 'acme' }] });
    await expect(runWeeklyReportJob(f.deps, {})).rejects.toThrow();
    expect(f.objects).toEqual([]);
  });

  it('links to the object in the S3 console, encoded', () => {
    expect(s3ConsoleUrl('eu-west-1', 'b', 'weekly/2026-11-23/weekly-2026-11-23.html')).toBe(
      'https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&prefix=weekly%2F2026-11-23%2Fweekly-2026-11-23.html',
    );
  });
});
