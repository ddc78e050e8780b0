import { describe, expect, it } from 'vitest';
import { experimentReports } from '../../../lambdas/shared/analytics/ab';
import { ANALYTICS_QUERY_NAMES } from '../../../lib/config/analytics';
import { analyticsUsage, normalizeRows, runAnalyticsCli } from '../../../local/analytics/cli';
import { formatExperiments } from '../../../local/analytics/table';

// Argument handling returns or throws before the engine opens: no store is touched.
describe('npm run analytics: arguments', () => {
  it('--help prints the usage (returned, so the process exits 0)', async () => {
    const out = await runAnalyticsCli(['--help']);
    expect(out).toBe(analyticsUsage());
    expect(out).toMatch(/^usage: npm run analytics -- <query>/);
    for (const q of ANALYTICS_QUERY_NAMES) expect(out).toContain(q);
    expect(await runAnalyticsCli(['-h'])).toBe(out);
  });
  it('an unknown query name says so, then lists the names (thrown, so exit 2)', async () => {
    const err = await runAnalyticsCli(['ab']).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message.split('\n')[0]).toBe("unknown query 'ab'");
    for (const q of ANALYTICS_QUERY_NAMES) expect(err?.message).toContain(q);
  });
  it('no query name: the usage, as an error', async () => {
    await expect(runAnalyticsCli([])).rejects.toThrow(/^usage: /);
  });
});

describe('npm run analytics --json: counts are numbers', () => {
  it('BIGINT columns returned as strings become numbers, strings stay strings', () => {
    const rows = normalizeRows('retention', [
      {
        tenant_id: 'acme',
        vertical: 'retail',
        cohort_week: '2026-11-02',
        week_offset: '1',
        users: '3',
        cohort_users: '4',
        retention: 0.75,
      },
    ]);
    expect(rows).toEqual([
      {
        tenant_id: 'acme',
        vertical: 'retail',
        cohort_week: '2026-11-02',
        week_offset: 1,
        users: 3,
        cohort_users: 4,
        retention: 0.75,
      },
    ]);
    const active = normalizeRows('active_users', [
      { tenant_id: 'acme', vertical: 'retail', active_days: '1', dau: 1, wau: 1, mau: 1, stickiness: null },
    ]);
    expect(active[0]?.active_days).toBe(1);
    expect(active[0]?.stickiness).toBeNull();
    expect(JSON.stringify(active)).not.toMatch(/"\d+"/);
  });
});

describe('npm run analytics ab_results: statistics table', () => {
  const rows = [
    { experiment: 'report_cta', variant: 'control', exposed: '1', converted_report_created: '1' },
    { experiment: 'report_cta', variant: 'prominent', exposed: '3', converted_report_created: '1' },
  ];
  it('one row per variant with rate, lift, interval, p, significance and SRM; no JSON', () => {
    const text = formatExperiments(experimentReports(rows));
    expect(text).not.toContain('{');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^experiment\s+variant\s+exposed\s+converted\s+rate\s+lift\s+interval\s+p\s+significant\s+SRM$/,
    );
    expect(lines[2]).toMatch(/^report_cta\s+control\s+1\s+1\s+100\.00%\s+\(control\)\s+ok \(p 0\.317\)$/);
    // 1/3 against 1/1: lift −66.67 %, difference −66.67 pp with the Newcombe interval [−93.85 %, +25.00 %], p 0.248.
    expect(lines[3]).toMatch(
      /^report_cta\s+prominent\s+3\s+1\s+33\.33%\s+-66\.67%\s+-66\.67% \[-93\.85%, \+25\.00%\]\s+0\.248\s+no$/,
    );
    expect(text).toContain('95% Newcombe interval');
  });
  it('experiments without statistics are listed with the reason', () => {
    const text = formatExperiments(
      experimentReports([
        { experiment: 'report_cta', variant: 'control', exposed: 2, converted_report_created: 0 },
      ]),
    );
    expect(text).toMatch(/^no statistics: report_cta: variant prominent has no exposures$/m);
  });
});
