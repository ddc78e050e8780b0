/**
 * `npm run analytics:report [-- --date yyyy-mm-dd] [--out DIR]`
 *
 * Writes the weekly analytics report of the local store — the same module as the scheduled report
 * (`lambdas/shared/analytics/weekly-report.ts`) — as `weekly-<monday>.html` (inline SVG charts) and `.csv` into
 * `DIR` (default `.local/analytics/reports`). The week is the last complete ISO week before `--date` (default today,
 * UTC). Prints the two paths. Exit code 2 on bad input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import {
  buildWeeklyReport,
  type WEEKLY_REPORT_QUERIES,
  type WeeklyReportData,
  weeklyReportScope,
} from '../../lambdas/shared/analytics/weekly-report';
import { ANALYTICS_ROW_SCHEMAS, utcDaySchema } from '../../lib/config/analytics-api';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { AnalyticsEngine, analyticsRoot } from './engine';

/** Runs the report; returns the paths written. @throws {Error} usage errors */
export async function runReportCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { date: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.date !== undefined && !utcDaySchema.safeParse(values.date).success) {
    throw new Error('--date: must be a date yyyy-mm-dd');
  }
  const now = values.date ? new Date(`${values.date}T12:00:00Z`) : new Date();
  const scope = weeklyReportScope(now);
  const root = analyticsRoot(env);
  const engine = await AnalyticsEngine.open(root);
  let data: WeeklyReportData;
  try {
    await engine.compact();
    const rows = async <Q extends (typeof WEEKLY_REPORT_QUERIES)[number]>(q: Q) =>
      z.array(ANALYTICS_ROW_SCHEMAS[q]).parse(await engine.query(q, scope));
    data = {
      events_per_day: await rows('events_per_day'),
      active_users: await rows('active_users'),
      funnel: await rows('funnel'),
    } as WeeklyReportData;
  } finally {
    engine.close();
  }
  const report = buildWeeklyReport(scope, data, settingOrDefault(env, SETTINGS.stage), new Date());
  const out = values.out ?? join(root, 'reports');
  mkdirSync(out, { recursive: true });
  const html = join(out, `${report.name}.html`);
  const csv = join(out, `${report.name}.csv`);
  writeFileSync(html, report.html);
  writeFileSync(csv, report.csv);
  return [html, csv];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runReportCli(process.argv.slice(2)).then(
    (paths) => process.stdout.write(`${paths.join('\n')}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
