/**
 * `npm run analytics -- <query> [--tenant T] [--vertical V] [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--json]`
 *
 * Runs one standard query (`analytics/queries/<query>.sql`) on the local events (`.local/analytics/`, embedded
 * DuckDB) and prints the result as a table. NDJSON written by the local stack is converted to Parquet first, as
 * Firehose does. `ab_results` also prints the experiment statistics. Range defaults to the last 30 days. Errors go
 * to stderr with exit code 2.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { experimentReports } from '../../lambdas/shared/analytics/ab';
import { resolveScope, ScopeError } from '../../lambdas/shared/analytics/scope';
import { ANALYTICS_QUERIES, ANALYTICS_QUERY_NAMES, isAnalyticsQueryName } from '../../lib/config/analytics';
import { AnalyticsEngine, analyticsRoot } from './engine';
import { formatTable } from './table';

/** Runs the CLI; returns the text to print. @throws {Error} usage errors */
export async function runAnalyticsCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
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
    },
  });
  const name = positionals[0];
  if (!isAnalyticsQueryName(name)) {
    const list = ANALYTICS_QUERY_NAMES.map((q) => `  ${q.padEnd(18)} ${ANALYTICS_QUERIES[q]}`).join('\n');
    throw new Error(
      `usage: npm run analytics -- <query> [--tenant T] [--vertical V] [--from D] [--to D] [--json]\nqueries:\n${list}`,
    );
  }
  const request: Record<string, string> = {};
  if (values.tenant !== undefined) request.tenantId = values.tenant;
  if (values.vertical !== undefined) request.vertical = values.vertical;
  if (values.from !== undefined) request.from = values.from;
  if (values.to !== undefined) request.to = values.to;
  const scope = resolveScope({ tenantId: 'marketedge', roles: ['platform-admin'] }, request);
  const engine = await AnalyticsEngine.open(analyticsRoot(env));
  try {
    await engine.compact();
    const rows = await engine.query(name, scope);
    const stats = name === 'ab_results' ? experimentReports(rows as never) : undefined;
    if (values.json) return JSON.stringify(stats ? { rows, experiments: stats } : { rows });
    const head = `${name}: ${ANALYTICS_QUERIES[name]}\nscope: tenant ${scope.tenantId ?? '(all)'}, vertical ${scope.vertical ?? '(all)'}, ${scope.from} .. ${scope.to}\n`;
    let text = `${head}\n${formatTable(rows)}\n`;
    if (stats) text += `\nexperiments:\n${JSON.stringify(stats, null, 2)}\n`;
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
