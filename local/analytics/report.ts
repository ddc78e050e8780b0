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
import { runWeeklyReport, type WeeklyReport } from '../../lambdas/shared/analytics/weekly-report';
import { utcDaySchema } from '../../lib/config/analytics-api';
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
  const root = analyticsRoot(env);
  const engine = await AnalyticsEngine.open(root);
  let report: WeeklyReport;
  try {
    await engine.compact();
    ({ report } = await runWeeklyReport(
      (q, scope) => engine.query(q, scope),
      now,
      settingOrDefault(env, SETTINGS.stage),
    ));
  } finally {
    engine.close();
  }
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
