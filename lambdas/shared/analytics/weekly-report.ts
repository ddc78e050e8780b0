import * as z from 'zod';
import { ANALYTICS_ROW_SCHEMAS, type AnalyticsRow } from '../../../lib/config/analytics-api';
import type { QueryScope } from './scope';

/** The standard queries the weekly report reads (one run each over {@link weeklyReportScope}). */
export const WEEKLY_REPORT_QUERIES = ['events_per_day', 'active_users', 'funnel'] as const;

/** One of {@link WEEKLY_REPORT_QUERIES}. */
export type WeeklyReportQueryName = (typeof WEEKLY_REPORT_QUERIES)[number];

/** Runs one of the report's queries over a scope and returns the engine's rows (cells as the engine gives them). */
export type WeeklyReportQuery = (name: WeeklyReportQueryName, scope: QueryScope) => Promise<unknown[]>;

/** Rows of the report's queries over the week. */
export interface WeeklyReportData {
  events_per_day: AnalyticsRow<'events_per_day'>[];
  active_users: AnalyticsRow<'active_users'>[];
  funnel: AnalyticsRow<'funnel'>[];
}

/** The report: HTML (inline SVG charts, no script, no external asset) and CSV, and the figures they show. */
export interface WeeklyReport {
  /** File stem, `weekly-<from>`. */
  name: string;
  html: string;
  csv: string;
  totals: { events: number; byVertical: Record<string, number>; byDay: Record<string, number> };
}

/**
 * The last complete ISO week (Monday to Sunday, UTC) before `now`, every tenant and vertical: the scope of the
 * weekly report (the schedule runs on Monday morning).
 */
export function weeklyReportScope(now: Date): QueryScope {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  const thisMonday = day.getTime() - sinceMonday * 86_400_000;
  const from = new Date(thisMonday - 7 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(thisMonday - 86_400_000).toISOString().slice(0, 10);
  return { tenantId: null, vertical: null, from, to };
}

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const fmt = (n: number) => n.toLocaleString('en-US');
const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** A horizontal bar chart as inline SVG (title and desc for assistive tech), one bar per entry, in order. */
export function barChartSvg(title: string, entries: ReadonlyArray<[string, number]>): string {
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const rowH = 22;
  const labelW = 140;
  const barW = 360;
  const h = entries.length * rowH + 10;
  const bars = entries
    .map(([label, v], i) => {
      const y = 5 + i * rowH;
      const w = Math.round((v / max) * barW);
      return `<text x="0" y="${y + 15}" font-size="12">${esc(label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="16" fill="#2563eb"><title>${esc(label)}: ${fmt(v)}</title></rect><text x="${labelW + w + 6}" y="${y + 15}" font-size="12">${fmt(v)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${labelW + barW + 80}" height="${h}" aria-labelledby="t-${esc(title.replace(/\W+/g, '-'))}"><title id="t-${esc(title.replace(/\W+/g, '-'))}">${esc(title)}</title><desc>${esc(entries.map(([l, v]) => `${l} ${v}`).join(', '))}</desc>${bars}</svg>`;
}

/**
 * Builds the weekly report from the rows of {@link WEEKLY_REPORT_QUERIES} — the one module behind
 * `npm run analytics:report` (DuckDB, local) and the scheduled report Lambda (Athena): events per day and per
 * vertical (charts), events by name, active users and the report funnel per tenant (tables); CSV of the events per
 * day, tenant, vertical and name.
 * @param stage shown in the title
 */
export function buildWeeklyReport(
  scope: QueryScope,
  data: WeeklyReportData,
  stage: string,
  generatedAt: Date,
): WeeklyReport {
  const byDay: Record<string, number> = {};
  for (
    let t = Date.parse(`${scope.from}T00:00:00Z`);
    t <= Date.parse(`${scope.to}T00:00:00Z`);
    t += 86_400_000
  ) {
    byDay[new Date(t).toISOString().slice(0, 10)] = 0;
  }
  const byVertical: Record<string, number> = {};
  const byName: Record<string, number> = {};
  let events = 0;
  for (const r of data.events_per_day) {
    events += r.events;
    byDay[r.dt] = (byDay[r.dt] ?? 0) + r.events;
    byVertical[r.vertical] = (byVertical[r.vertical] ?? 0) + r.events;
    byName[r.name] = (byName[r.name] ?? 0) + r.events;
  }
  const sorted = (o: Record<string, number>) =>
    Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const table = (head: string[], rows: Array<Array<string | number>>) =>
    `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(typeof c === 'number' ? fmt(c) : c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const title = `MarketEdge ${stage} — weekly analytics ${scope.from} to ${scope.to}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${fmt(events)} events. Generated ${esc(generatedAt.toISOString())}. User identities are pseudonymised hashes; no raw user id is stored.</p>
<h2>Events per day</h2>
${barChartSvg('Events per day', Object.entries(byDay))}
<h2>Events per vertical</h2>
${barChartSvg('Events per vertical', sorted(byVertical))}
<h2>Events by type</h2>
${barChartSvg('Events by type', sorted(byName))}
<h2>Active users</h2>
${table(
  ['Tenant', 'Vertical', 'Active days', 'DAU', 'WAU', 'MAU', 'Stickiness'],
  data.active_users.map((r) => [
    r.tenant_id,
    r.vertical,
    r.active_days,
    r.dau,
    r.wau,
    r.mau,
    r.stickiness ?? 0,
  ]),
)}
<h2>Report funnel (7-day window)</h2>
${table(
  ['Tenant', 'Vertical', 'Page view', 'Report created', 'Report viewed', 'Created again', 'Conversion'],
  data.funnel.map((r) => [
    r.tenant_id,
    r.vertical,
    r.step_1_page_view,
    r.step_2_report_created,
    r.step_3_report_viewed,
    r.step_4_report_created,
    `${(r.conversion_4 * 100).toFixed(1)} %`,
  ]),
)}
</body></html>
`;
  const csv = `${['dt', 'tenant_id', 'vertical', 'name', 'events', 'users'].join(',')}\n${data.events_per_day
    .map((r) => [r.dt, r.tenant_id, r.vertical, r.name, r.events, r.users].map(csvCell).join(','))
    .join('\n')}${data.events_per_day.length ? '\n' : ''}`;
  return { name: `weekly-${scope.from}`, html, csv, totals: { events, byVertical, byDay } };
}

/**
 * The weekly report end to end, whatever the engine: the scope of the last complete ISO week before `now`
 * ({@link weeklyReportScope}), each of {@link WEEKLY_REPORT_QUERIES} run once through `query` (DuckDB in
 * `npm run analytics:report`, Athena in the scheduled Lambda), its rows parsed with the API's row schemas (counts
 * coerced to numbers: Athena cells are text), then {@link buildWeeklyReport}.
 * @param generatedAt shown in the report
 * @throws {Error} the engine's errors; a `ZodError` when a row does not have the query's shape
 */
export async function runWeeklyReport(
  query: WeeklyReportQuery,
  now: Date,
  stage: string,
  generatedAt: Date = new Date(),
): Promise<{ scope: QueryScope; report: WeeklyReport }> {
  const scope = weeklyReportScope(now);
  const rows = async <Q extends WeeklyReportQueryName>(q: Q): Promise<AnalyticsRow<Q>[]> =>
    z.array(ANALYTICS_ROW_SCHEMAS[q]).parse(await query(q, scope)) as AnalyticsRow<Q>[];
  const data: WeeklyReportData = {
    events_per_day: await rows('events_per_day'),
    active_users: await rows('active_users'),
    funnel: await rows('funnel'),
  };
  return { scope, report: buildWeeklyReport(scope, data, stage, generatedAt) };
}
