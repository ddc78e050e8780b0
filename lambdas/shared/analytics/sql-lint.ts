/**
 * Rules of the SQL subset that Athena (Trino) and DuckDB both run the same way (docs/analytics.md). Checked in CI
 * for every file in `analytics/queries/` alongside a Trino parse (node-sql-parser). Each rule names a construct
 * that one engine lacks or evaluates differently.
 */
const RULES: ReadonlyArray<[RegExp, string]> = [
  [/::/, '`::` casts are DuckDB/PostgreSQL only: use CAST(x AS t)'],
  [/\bEXCLUDE\s*\(/i, 'SELECT * EXCLUDE is DuckDB only: list the columns'],
  [/\bQUALIFY\b/i, 'QUALIFY is DuckDB only: filter a window function in an outer query'],
  [/\bILIKE\b/i, 'ILIKE is DuckDB only: use lower(x) LIKE'],
  [
    /\bapprox_distinct\b|\bapprox_count_distinct\b/i,
    'approximate distinct differs by engine: use count(DISTINCT x)',
  ],
  [/\bjson_extract\w*\s*\(|->>/i, 'JSON functions differ by engine: query the promoted columns'],
  [/\bstrftime\b|\bstrptime\b|\bdate_format\b|\bdate_parse\b/i, 'date formatting functions differ by engine'],
  [/\bcount\s*\([^)]*\)\s*\/\s*count\s*\(/i, 'integer division truncates in Trino: CAST(x AS DOUBLE) / y'],
  [/"[^"]*"/, 'double-quoted identifiers: keep to lowercase unquoted names'],
  [/\bevents_all\b/i, 'read `events` (scoped by the runner), never the unscoped source'],
  [/\bLIMIT\s+\d+\s*,/i, 'LIMIT a, b is MySQL syntax'],
  [/;\s*\S/, 'one statement per file'],
];

/**
 * Lints one query against the shared-subset rules.
 * @returns one message per broken rule (empty when the file is fine)
 */
export function lintSharedSql(sql: string): string[] {
  const code = sql
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .join('\n')
    .replace(/'[^']*'/g, "''");
  return RULES.filter(([re]) => re.test(code)).map(([, msg]) => msg);
}
