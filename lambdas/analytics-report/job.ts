import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { WEEKLY_REPORT_PREFIX } from '../../lib/config/analytics';
import { utcDaySchema } from '../../lib/config/analytics-api';
import { ANALYTICS_METRICS } from '../../lib/config/metrics';
import { runWeeklyReport, type WeeklyReportQuery } from '../shared/analytics/weekly-report';

/**
 * The invocation payload. The schedule sends `{ "time": <aws.scheduler.scheduled-time> }`, so a retry of one run
 * writes the same week to the same keys; an operator may re-run a week with `{ "date": "yyyy-mm-dd" }` (the week
 * before that day). Neither: the invocation time.
 */
export const weeklyReportEventSchema = z
  .object({
    /** ISO timestamp; the report covers the last complete ISO week before it. */
    time: z.iso.datetime({ offset: true }).optional(),
    /** A UTC day; the report covers the last complete ISO week before it. */
    date: utcDaySchema.optional(),
  })
  .loose();

/** What a run needs. */
export interface WeeklyReportJobDeps {
  /** Runs a standard query (Athena in the Lambda). */
  readonly query: WeeklyReportQuery;
  /** Writes one object of the reports bucket. */
  readonly putObject: (input: { key: string; body: string; contentType: string }) => Promise<void>;
  /** Publishes the notification. */
  readonly publish: (input: { subject: string; message: string }) => Promise<void>;
  /** Reports bucket name (links). */
  readonly bucket: string;
  /** AWS region (links to the S3 console). */
  readonly region: string;
  readonly stage: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** The outcome of one run. */
export interface WeeklyReportRun {
  /** First and last day of the week (UTC). */
  from: string;
  to: string;
  /** Object keys written (HTML, then CSV). */
  keys: string[];
  /** Events counted in the week. */
  events: number;
}

/** Link to an object in the S3 console (needs console access to the account; nothing is made public). */
export function s3ConsoleUrl(region: string, bucket: string, key: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(key)}`;
}

/**
 * One weekly report run: the shared report core (`runWeeklyReport`, the same as `npm run analytics:report`) over the
 * engine behind `deps.query`, the HTML and CSV written to the reports bucket under {@link WEEKLY_REPORT_PREFIX}, then
 * one SNS notification with the week's totals and a link to each file. Objects are written before the notification,
 * so a failed publish is retried with the same keys (overwritten, not duplicated). Logs the run (no user data: the
 * report holds aggregates and pseudonymous tenants' figures only) and counts `AnalyticsWeeklyReports`.
 * @param event the invocation payload ({@link weeklyReportEventSchema})
 * @throws {ZodError} for a payload of another shape
 * @throws {Error} query, write or publish failures (the asynchronous invocation is retried, then dead-lettered)
 */
export async function runWeeklyReportJob(
  deps: WeeklyReportJobDeps,
  event: unknown,
): Promise<WeeklyReportRun> {
  const e = weeklyReportEventSchema.parse(event ?? {});
  const invokedAt = (deps.now ?? (() => new Date()))();
  const at = e.date ? new Date(`${e.date}T12:00:00Z`) : e.time ? new Date(e.time) : invokedAt;
  const { scope, report } = await runWeeklyReport(deps.query, at, deps.stage, invokedAt);
  const base = `${WEEKLY_REPORT_PREFIX}${scope.from}/${report.name}`;
  const files = [
    { key: `${base}.html`, body: report.html, contentType: 'text/html; charset=utf-8' },
    { key: `${base}.csv`, body: report.csv, contentType: 'text/csv; charset=utf-8' },
  ];
  for (const f of files) await deps.putObject(f);
  const verticals = Object.entries(report.totals.byVertical)
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `  ${v}: ${n.toLocaleString('en-US')}`);
  await deps.publish({
    subject: `MarketEdge ${deps.stage} weekly analytics ${scope.from} to ${scope.to}`.slice(0, 100),
    message: [
      `Weekly analytics report of MarketEdge ${deps.stage}, ${scope.from} to ${scope.to} (UTC).`,
      '',
      `${report.totals.events.toLocaleString('en-US')} events.`,
      ...(verticals.length ? ['By vertical:', ...verticals] : []),
      '',
      `Report (HTML): ${s3ConsoleUrl(deps.region, deps.bucket, files[0]!.key)}`,
      `Data (CSV): ${s3ConsoleUrl(deps.region, deps.bucket, files[1]!.key)}`,
      `s3://${deps.bucket}/${files[0]!.key}`,
    ].join('\n'),
  });
  deps.metrics.addMetric(ANALYTICS_METRICS.weeklyReports, MetricUnit.Count, 1);
  deps.metrics.publishStoredMetrics();
  deps.logger.info('weekly analytics report written', {
    from: scope.from,
    to: scope.to,
    events: report.totals.events,
    keys: files.map((f) => f.key),
  });
  return { from: scope.from, to: scope.to, keys: files.map((f) => f.key), events: report.totals.events };
}
