/**
 * `npm run analytics -- <query> [--tenant T] [--vertical V] [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--json]`
 *
 * Runs one standard query (`analytics/queries/<query>.sql`) on the local events (`.local/analytics/`, embedded
 * DuckDB) and prints the result as a table. NDJSON written by the local stack is converted to Parquet first, as
 * Firehose does. `ab_results` also prints the experiment statistics as a second table. Range defaults to the last
 * 30 days. `--json` prints `{ rows, experiments? }` with counts and ratios as numbers (rows parsed through the admin
 * API's row schemas). `--help` prints the usage (exit 0); errors — an unknown query name included — go to stderr
 * with exit code 2. A `--tenant` with no events in the store (or none in the range) still prints its empty result
 * and exits 0, with a note on stderr saying so (`noEventsNote`).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { experimentReports } from '../../lambdas/shared/analytics/ab';
import { resolveScope, ScopeError } from '../../lambdas/shared/analytics/scope';
import {
  ANALYTICS_QUERIES,
  ANALYTICS_QUERY_NAMES,
  type AnalyticsQueryName,
  isAnalyticsQueryName,
} from '../../lib/config/analytics';
import { ANALYTICS_ROW_SCHEMAS } from '../../lib/config/analytics-api';
import { AnalyticsEngine, analyticsRoot } from './engine';
import { formatExperiments, formatTable } from './table';
import { noEventsNote, tenantsWithEvents } from './tenant-events';

/** The usage text: the command line and every query name with its description. */
export function analyticsUsage(): string {
  const list = ANALYTICS_QUERY_NAMES.map((q) => `  ${q.padEnd(18)} ${ANALYTICS_QUERIES[q]}`).join('\n');
  return `usage: npm run analytics -- <query> [--tenant T] [--vertical V] [--from D] [--to D] [--json]
queries:
${list}
--from/--to: UTC days yyyy-mm-dd (default: the last 30 days). --tenant with no events in the store, or none in the
range, prints the (empty) result and says so on stderr ("no events for tenant 'T'", naming the tenants that have
events); exit 0. Errors (unknown query, bad filter): stderr, exit 2.`;
}

/**
 * Query rows with counts and ratios as numbers (DuckDB returns BIGINT columns such as `active_days` or `users` as
 * strings): parsed through the admin API's row schema of the query (`ANALYTICS_ROW_SCHEMAS`), as the admin Lambda does.
 * @throws {z.ZodError} a row does not match the query's schema
 */
export function normalizeRows(name: AnalyticsQueryName, raw: readonly unknown[]): Record<string, unknown>[] {
  return z.array(ANALYTICS_ROW_SCHEMAS[name] as z.ZodType).parse(raw) as Record<string, unknown>[];
}

/**
 * Runs the CLI; returns the text to print.
 * @param note where notes go (one line each, default stderr): a `--tenant` the result is empty for because the
 * tenant has no events at all or none in the range
 * @throws {Error} usage errors
 */
export async function runAnalyticsCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  note: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: 'string' },
      vertical: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return analyticsUsage();
  const name = positionals[0];
  if (name === undefined) throw new Error(analyticsUsage());
  if (!isAnalyticsQueryName(name)) {
    throw new Error(`unknown query '${name}'\n${analyticsUsage()}`);
  }
  const request: Record<string, string> = {};
  if (values.tenant !== undefined) request.tenantId = values.tenant;
  if (values.vertical !== undefined) request.vertical = values.vertical;
  if (values.from !== undefined) request.from = values.from;
  if (values.to !== undefined) request.to = values.to;
  const scope = resolveScope({ tenantId: 'marketedge', roles: ['platform-admin'] }, request);
  const root = analyticsRoot(env);
  const engine = await AnalyticsEngine.open(root);
  try {
    await engine.compact();
    const rows = normalizeRows(name, await engine.query(name, scope));
    if (rows.length === 0 && scope.tenantId !== null) {
      const why = noEventsNote(scope.tenantId, scope, tenantsWithEvents(root));
      if (why) note(why);
    }
    const stats = name === 'ab_results' ? experimentReports(rows as never) : undefined;
    if (values.json) return JSON.stringify(stats ? { rows, experiments: stats } : { rows });
    const head = `${name}: ${ANALYTICS_QUERIES[name]}\nscope: tenant ${scope.tenantId ?? '(all)'}, vertical ${scope.vertical ?? '(all)'}, ${scope.from} .. ${scope.to}\n`;
    let text = `${head}\n${formatTable(rows)}\n`;
    if (stats) text += `\nexperiments:\n${formatExperiments(stats)}\n`;
    return text;
  } finally {
    engine.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runAnalyticsCli(process.argv.slice(2)).then(
    (out) => process.stdout.write(out.endsWith('\n') ? out : `${out}\n`),
    (e: unknown) => {
      const msg =
        e instanceof ScopeError ? `${e.path}: ${e.message}` : e instanceof Error ? e.message : String(e);
      process.stderr.write(`${msg}\n`);
      process.exit(2);
    },
  );
}
