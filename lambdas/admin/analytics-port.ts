import type { AnalyticsQueryName } from '../../lib/config/analytics';
import type { ExportFormat } from '../../lib/config/analytics-api';
import { SETTINGS } from '../../lib/config/settings';
import type { QueryScope } from '../shared/analytics/scope';
import { unavailable } from './errors';

/** One result row as an engine returns it (BIGINTs may be strings, Athena cells are all text). */
export type AnalyticsCellRow = Record<string, unknown>;

/** Files an export produced. */
export interface AnalyticsExportFiles {
  /** Download links (a plain GET, no token), in order. */
  files: Array<{ url: string; bytes?: number }>;
  /** When the links stop working. */
  expiresAt: Date;
  /** Rows exported, when the engine reports it. */
  rows?: number;
}

/**
 * The analytics read port of the admin API (`GET /admin/analytics/…`). The caller's scope is already resolved (tenant
 * confinement is the operation's job, `lambdas/shared/analytics/scope.ts`); adapters must apply it as given, with
 * bound parameters, never spliced into SQL text.
 * - local: embedded DuckDB over `.local/analytics` (`local/analytics/reader.ts`), exports streamed from disk;
 * - AWS: Athena in the stage's workgroup (`./analytics-athena.ts`), exports by `UNLOAD` + S3 presigned URLs.
 */
export interface AnalyticsReader {
  readonly engine: 'duckdb' | 'athena';
  /**
   * Runs a standard query (`analytics/queries/<name>.sql`) over the scope.
   * @throws {Error} engine failures (the operation answers 503)
   */
  query(name: AnalyticsQueryName, scope: QueryScope): Promise<AnalyticsCellRow[]>;
  /**
   * Writes the scope's stored events to files (never holding them all in memory) and returns download links.
   * @param now request time (link expiry)
   * @throws {Error} engine failures (the operation answers 503)
   */
  exportEvents(scope: QueryScope, format: ExportFormat, now: Date): Promise<AnalyticsExportFiles>;
}

let installed: AnalyticsReader | undefined;

/**
 * Installs the reader the admin API uses when no Athena workgroup is configured — the local stack's DuckDB reader
 * (`npm start`); `undefined` removes it. Lambdas never call this.
 */
export function installAnalyticsReader(reader: AnalyticsReader | undefined): void {
  installed = reader;
}

/**
 * The reader from the environment: Athena (`athena(env)`, created on first use) when the stage's workgroup
 * (`SETTINGS.analyticsWorkgroup`) is set (AWS), else the installed local reader; with neither, every call answers 503
 * (analytics not configured on this stage). The Athena adapter is passed in by the admin Lambda's entry
 * (`./handler.ts`) so that the SDK clients and the bundled presigner stay out of other bundles that build the admin
 * API (the security responder's clamp).
 * @param athena the AWS adapter's factory (`athenaReaderFromEnv`, `./analytics-athena.ts`); absent → no Athena
 */
export function analyticsReaderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  athena?: (env: NodeJS.ProcessEnv) => AnalyticsReader,
): AnalyticsReader {
  let aws: AnalyticsReader | undefined;
  const athenaOn = () => Boolean(env[SETTINGS.analyticsWorkgroup.name] && athena);
  const pick = async (): Promise<AnalyticsReader> => {
    if (athena && athenaOn()) {
      aws ??= athena(env);
      return aws;
    }
    if (installed) return installed;
    throw unavailable('Analytics are not configured on this stage.', 60);
  };
  return {
    get engine() {
      return athenaOn() ? 'athena' : (installed?.engine ?? 'duckdb');
    },
    query: async (name, scope) => (await pick()).query(name, scope),
    exportEvents: async (scope, format, now) => (await pick()).exportEvents(scope, format, now),
  };
}
