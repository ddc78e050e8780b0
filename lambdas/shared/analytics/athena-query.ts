import { type AnalyticsQueryName, EVENTS_TABLE } from '../../../lib/config/analytics';
import { ANALYTICS_QUERY_WAIT_MS } from '../../../lib/config/analytics-api';
import { querySqlText } from './query-sql';
import { type QueryScope, scopedSql } from './scope';

/** The Athena calls the adapters make (the SDK's `StartQueryExecution`, `GetQueryExecution`, `GetQueryResults`). */
export interface AthenaApi {
  /**
   * Starts a query in the workgroup with positional execution parameters (values as SQL literals, e.g. `'acme'`).
   * @returns the query execution id
   */
  start(input: { sql: string; parameters: string[]; workgroup: string; database: string }): Promise<string>;
  /** The execution's state (`QUEUED` | `RUNNING` | `SUCCEEDED` | `FAILED` | `CANCELLED`), and where it wrote. */
  state(id: string): Promise<{ state: string; reason?: string; outputLocation?: string }>;
  /** One page of results: rows of text cells (the first page starts with the header row). */
  page(id: string, nextToken?: string): Promise<{ rows: Array<Array<string | null>>; nextToken?: string }>;
  /** The workgroup's enforced result location (`s3://bucket/prefix/`). */
  outputLocation(workgroup: string): Promise<string>;
}

/** Options of {@link createAthenaRunner}. */
export interface AthenaRunnerOptions {
  readonly api: AthenaApi;
  readonly workgroup: string;
  readonly database: string;
  /** Poll interval while a query runs, ms. @default 250 */
  readonly pollMs?: number;
  /** Give up after this long, ms. @default ANALYTICS_QUERY_WAIT_MS (below the admin Lambda's timeout) */
  readonly timeoutMs?: number;
  /** Sleep (tests inject). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs SQL in one workgroup and reads the standard queries' rows. */
export interface AthenaRunner {
  /**
   * Starts `sql` with `params` as execution parameters and waits until it succeeded.
   * @throws {Error} when the query fails, is cancelled or outlasts `timeoutMs`
   */
  run(sql: string, params: string[]): Promise<{ id: string; outputLocation?: string }>;
  /**
   * A standard query (`analytics/queries/<name>.sql`) over the scope, as rows of text cells keyed by column.
   * @throws {Error} as {@link AthenaRunner.run}
   */
  query(name: AnalyticsQueryName, scope: QueryScope): Promise<Array<Record<string, string | null>>>;
}

/** A string as a Trino literal for an execution parameter (`'it''s'`). */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The Athena half shared by the admin API's reader (`lambdas/admin/analytics-athena.ts`) and the weekly report
 * Lambda: the same scoped SQL as locally (`scopedSql` over the Glue table `events_all`), run in the stage's workgroup
 * with the scope as execution parameters (never spliced into the text), polled until done, results paged.
 */
export function createAthenaRunner(o: AthenaRunnerOptions): AthenaRunner {
  const pollMs = o.pollMs ?? 250;
  const timeoutMs = o.timeoutMs ?? ANALYTICS_QUERY_WAIT_MS;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const run = async (sql: string, params: string[]) => {
    const id = await o.api.start({
      sql,
      parameters: params.map(sqlLiteral),
      workgroup: o.workgroup,
      database: o.database,
    });
    for (let waited = 0; ; waited += pollMs) {
      const s = await o.api.state(id);
      if (s.state === 'SUCCEEDED') {
        return s.outputLocation ? { id, outputLocation: s.outputLocation } : { id };
      }
      if (s.state === 'FAILED' || s.state === 'CANCELLED') {
        throw new Error(`athena query ${s.state.toLowerCase()}: ${s.reason ?? 'no reason given'}`);
      }
      if (waited >= timeoutMs) throw new Error(`athena query still ${s.state} after ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  };

  return {
    run,
    async query(name, scope) {
      const bound = scopedSql(querySqlText(name), EVENTS_TABLE, scope);
      const { id } = await run(bound.sql, bound.params);
      const out: Array<Record<string, string | null>> = [];
      let header: Array<string | null> | undefined;
      let token: string | undefined;
      do {
        const page = await o.api.page(id, token);
        for (const cells of page.rows) {
          if (!header) {
            header = cells;
            continue;
          }
          out.push(Object.fromEntries(header.map((h, i) => [String(h), cells[i] ?? null])));
        }
        token = page.nextToken;
      } while (token);
      return out;
    },
  };
}
