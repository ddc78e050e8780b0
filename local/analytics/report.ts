/**
 * `npm run analytics:report [-- --date yyyy-mm-dd] [--out DIR]`
 *
 * Writes the weekly analytics report of the local store — the same module as the scheduled report
 * (`lambdas/shared/analytics/weekly-report.ts`) — as `weekly-<monday>.html` (inline SVG charts) and `.csv` into
 * `DIR` (default `.local/analytics/reports`). The week is the last complete ISO week before `--date` (default today,
 * UTC). Prints the two paths. Exit code 2 on bad input, including a `--date` whose week has not started yet.
 *
 * Notes on stderr (the files are written all the same): a week that has not ended yet holds only the events so far;
 * an empty week says where this week's events are (the next Monday's report, `--date <next Monday>` for the week so
 * far, or `npm run analytics -- events_per_day`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  runWeeklyReport,
  type WeeklyReport,
  weeklyReportScope,
} from '../../lambdas/shared/analytics/weekly-report';
import { utcDaySchema } from '../../lib/config/analytics-api';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { AnalyticsEngine, analyticsRoot } from './engine';

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Runs the report; returns the paths written.
 * @param note receives one line per note (default: stderr)
 * @param today the current time, ms since epoch (tests)
 * @throws {Error} usage errors
 */
export async function runReportCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  note: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  today: number = Date.now(),
): Promise<string[]> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { date: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.date !== undefined && !utcDaySchema.safeParse(values.date).success) {
    throw new Error('--date: must be a date yyyy-mm-dd');
  }
  const now = values.date ? new Date(`${values.date}T12:00:00Z`) : new Date(today);
  const week = weeklyReportScope(now);
  const todayDay = utcDay(today);
  if (week.from > todayDay) {
    throw new Error(`--date: the week before ${values.date} (${week.from}..${week.to}) has not started yet`);
  }
  if (week.to >= todayDay) {
    note(
      `note: ${week.from}..${week.to} has not ended yet (today is ${todayDay}): the report holds the events so far`,
    );
  }
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
  if (report.totals.events === 0) {
    const nextFrom = utcDay(Date.parse(`${week.to}T00:00:00Z`) + DAY_MS);
    const nextDate = utcDay(Date.parse(`${nextFrom}T00:00:00Z`) + 7 * DAY_MS);
    const running = nextFrom <= todayDay && todayDay < nextDate;
    note(
      `note: no events in ${week.from}..${week.to}` +
        (running
          ? `; this week's events (from ${nextFrom}) are in next Monday's report — for the week so far: ` +
            `npm run analytics:report -- --date ${nextDate}, or npm run analytics -- events_per_day`
          : ''),
    );
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
