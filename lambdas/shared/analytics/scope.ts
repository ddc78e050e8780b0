import * as z from 'zod';
import { analyticsFilterShape, FROM_AFTER_TO_MESSAGE } from '../../../lib/config/analytics-api';
import type { Role } from '../../../lib/config/roles';

/** The rows a query may see: one tenant or all (`tenantId: null`, platform admins only), a vertical, a date range. */
export interface QueryScope {
  /** `null` = every tenant (platform admins only). */
  tenantId: string | null;
  vertical: string | null;
  /** First UTC day, `yyyy-mm-dd` (inclusive). */
  from: string;
  /** Last UTC day, `yyyy-mm-dd` (inclusive). */
  to: string;
}

/** Longest range one query may cover, days (bounds the bytes a query scans). */
export const MAX_SCOPE_DAYS = 400;
/** Range when none is given: the last 30 days up to today (UTC). */
export const DEFAULT_SCOPE_DAYS = 30;

/** Filters a caller may ask for (query string of the admin API, flags of the CLI). */
export const scopeRequestSchema = z.object(analyticsFilterShape).strict();
export type ScopeRequest = z.input<typeof scopeRequestSchema>;

/** Why a scope was refused. */
export class ScopeError extends Error {
  override name = 'ScopeError';
  /**
   * @param status 400 (bad filter, with `path`) or 403 (the caller may not see that tenant)
   * @param path the offending field
   */
  constructor(
    readonly status: 400 | 403,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The caller as the analytics read paths see it (from the authorizer context). */
export interface ScopeCaller {
  tenantId: string;
  roles: readonly Role[];
}

/**
 * Resolves the rows a caller may query — the server-side half of tenant isolation. Platform admins may ask for any
 * tenant or all; tenant admins always get their own tenant (asking for another is 403, never silently widened or
 * narrowed); everyone else is refused. Filters are validated (unknown keys, malformed ids or dates → 400).
 * @param now ms since epoch (for the default range)
 * @throws {ScopeError}
 */
export function resolveScope(caller: ScopeCaller, requested: unknown, now = Date.now()): QueryScope {
  const parsed = scopeRequestSchema.safeParse(requested ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScopeError(400, issue.path.join('.') || '(query)', issue.message);
  }
  const r = parsed.data;
  let tenantId: string | null;
  if (caller.roles.includes('platform-admin')) tenantId = r.tenantId ?? null;
  else if (caller.roles.includes('tenant-admin')) {
    if (r.tenantId !== undefined && r.tenantId !== caller.tenantId) {
      throw new ScopeError(403, 'tenantId', 'tenant admins may only query their own tenant');
    }
    tenantId = caller.tenantId;
  } else throw new ScopeError(403, '(caller)', 'analytics are for tenant and platform admins');
  const to = r.to ?? new Date(now).toISOString().slice(0, 10);
  const from =
    r.from ??
    new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_SCOPE_DAYS - 1) * 86_400_000)
      .toISOString()
      .slice(0, 10);
  if (from > to) throw new ScopeError(400, 'from', FROM_AFTER_TO_MESSAGE);
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_SCOPE_DAYS) {
    throw new ScopeError(400, 'from', `range must be at most ${MAX_SCOPE_DAYS} days`);
  }
  return { tenantId, vertical: r.vertical ?? null, from, to };
}

/** Options of {@link scopedSql}. */
export interface ScopedSqlOptions {
  /**
   * DuckDB only (Trino has no such keyword): `events AS MATERIALIZED (…)`, so a query that reads `events` several
   * times scans the Parquet files once.
   * @default false
   */
  readonly materialize?: boolean;
}

/** SQL text with positional `?` parameters (DuckDB and Athena execution parameters both take them). */
export interface BoundSql {
  sql: string;
  params: string[];
}

/**
 * Wraps a query body so that its `events` is the scoped slice of `source`: `WITH events AS (SELECT * FROM source
 * WHERE dt BETWEEN ? AND ? [AND tenant_id = ?] [AND vertical = ?]) <body>`. The filter values are bound parameters,
 * never spliced into the text; partition columns (`tenant_id`, `dt`) come first so both engines prune partitions.
 * A body that starts with its own `WITH` gets the scope as its first CTE.
 * @param body a query file's text (comment lines allowed)
 * @param source the unscoped table: `events_all` locally, `"<database>"."events"` in Athena
 * @param options engine-specific hints (never for Athena text)
 */
export function scopedSql(
  body: string,
  source: string,
  scope: QueryScope,
  options: ScopedSqlOptions = {},
): BoundSql {
  const where = ['dt >= ?', 'dt <= ?'];
  const params = [scope.from, scope.to];
  if (scope.tenantId !== null) {
    where.push('tenant_id = ?');
    params.push(scope.tenantId);
  }
  if (scope.vertical !== null) {
    where.push('vertical = ?');
    params.push(scope.vertical);
  }
  const cte = `events AS ${options.materialize ? 'MATERIALIZED ' : ''}(SELECT * FROM ${source} WHERE ${where.join(' AND ')})`;
  const text = stripLeadingComments(body).replace(/;\s*$/, '');
  const m = /^WITH\s+/i.exec(text);
  const sql = m ? `WITH ${cte},\n${text.slice(m[0].length)}` : `WITH ${cte}\n${text}`;
  return { sql, params };
}

/**
 * How many times a query body reads `events` (`FROM events` / `JOIN events`, case-insensitive, comments ignored).
 * Engines that can materialize a CTE only gain from it when the body reads the slice more than once: for a single
 * read, materializing copies every column of the slice before the query runs, where a plain CTE lets the scan read
 * only the columns the query uses (measured on 1 M events, `events_per_day`: 2 050 → 1 180 ms).
 * @param body a query file's text
 * @returns 0 or more
 */
export function eventsReadCount(body: string): number {
  const code = body
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
  return code.match(/\b(?:FROM|JOIN)\s+events\b/gi)?.length ?? 0;
}

/** Removes `--` comment lines and blank lines before the first statement line. */
export function stripLeadingComments(sql: string): string {
  const lines = sql.split('\n');
  while (lines.length > 0 && /^\s*(--.*)?$/.test(lines[0]!)) lines.shift();
  return lines.join('\n').trim();
}
