import { AthenaClient } from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type AnalyticsQueryName, EVENTS_TABLE } from '../../lib/config/analytics';
import { EXPORT_URL_TTL_SEC, type ExportFormat } from '../../lib/config/analytics-api';
import { SETTINGS } from '../../lib/config/settings';
import { type AthenaApi, createAthenaRunner, sqlLiteral } from '../shared/analytics/athena-query';
import { athenaApiFromSdk } from '../shared/analytics/athena-sdk';
import { exportSelectSql } from '../shared/analytics/export-sql';
import { type QueryScope, scopedSql } from '../shared/analytics/scope';
import type { AnalyticsCellRow, AnalyticsExportFiles, AnalyticsReader } from './analytics-port';

export { type AthenaApi, sqlLiteral } from '../shared/analytics/athena-query';

/** The S3 calls the adapter makes. */
export interface ObjectStore {
  /** Text of an object (`s3://bucket/key`). */
  getText(uri: string): Promise<string>;
  /** A presigned GET URL of an object, valid `expiresInSec`. */
  presignGet(uri: string, expiresInSec: number): Promise<string>;
}

/** Options of {@link createAthenaReader}. */
export interface AthenaReaderOptions {
  readonly api: AthenaApi;
  readonly store: ObjectStore;
  readonly workgroup: string;
  readonly database: string;
  /** Poll interval while a query runs, ms. @default 250 */
  readonly pollMs?: number;
  /** Give up after this long, ms. @default ANALYTICS_QUERY_WAIT_MS (below the admin Lambda's timeout) */
  readonly timeoutMs?: number;
  /** Sleep (tests inject). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** New export id (tests inject). @default crypto.randomUUID */
  readonly newId?: () => string;
}

/**
 * The AWS adapter of {@link AnalyticsReader}: the same scoped SQL as locally (`scopedSql` over the Glue table
 * `events_all`), run in the stage's workgroup with the scope as execution parameters (never spliced into the text).
 * Exports are `UNLOAD (<export select>) TO '<workgroup output>/exports/<id>/' WITH (format = …)`; the files listed in
 * the UNLOAD manifest are returned as S3 presigned GET URLs ({@link EXPORT_URL_TTL_SEC}).
 * @throws {Error} from its methods when a query fails, is cancelled or outlasts `timeoutMs`
 */
export function createAthenaReader(o: AthenaReaderOptions): AnalyticsReader {
  const runner = createAthenaRunner(o);
  const newId = o.newId ?? (() => crypto.randomUUID());

  return {
    engine: 'athena',
    query: (name: AnalyticsQueryName, scope: QueryScope): Promise<AnalyticsCellRow[]> =>
      runner.query(name, scope),
    async exportEvents(scope: QueryScope, format: ExportFormat, now: Date): Promise<AnalyticsExportFiles> {
      const base = (await o.api.outputLocation(o.workgroup)).replace(/\/?$/, '/');
      const target = `${base}exports/${newId()}/`;
      const inner = scopedSql(exportSelectSql(), EVENTS_TABLE, scope);
      const withFormat =
        format === 'csv'
          ? "format = 'TEXTFILE', field_delimiter = ',', compression = 'NONE'"
          : "format = 'PARQUET', compression = 'SNAPPY'";
      const sql = `UNLOAD (${inner.sql}) TO ${sqlLiteral(target)} WITH (${withFormat})`;
      const { id, outputLocation } = await runner.run(sql, inner.params);
      const manifest = await o.store.getText(outputLocation ?? `${base}${id}-manifest.csv`);
      const uris = manifest
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('s3://'));
      const files = await Promise.all(
        uris.map(async (u) => ({ url: await o.store.presignGet(u, EXPORT_URL_TTL_SEC) })),
      );
      return { files, expiresAt: new Date(now.getTime() + EXPORT_URL_TTL_SEC * 1000) };
    },
  };
}

/** Splits `s3://bucket/key` into its parts. @throws {Error} for anything else */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// object URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * The reader with the SDK behind the ports: `@aws-sdk/client-athena` and `@aws-sdk/client-s3` (external: the Lambda
 * runtime's SDK) and `@aws-sdk/s3-request-presigner` (bundled: the runtime does not guarantee it;
 * `LAMBDA_BUNDLING.external`). Called once per container, on the first Athena read (`analyticsReaderFromEnv`).
 * Workgroup and database from `SETTINGS.analyticsWorkgroup` / `SETTINGS.analyticsDatabase`.
 */
export function athenaReaderFromEnv(env: NodeJS.ProcessEnv): AnalyticsReader {
  const s3 = new S3Client({});
  const store: ObjectStore = {
    async getText(uri) {
      const { bucket, key } = parseS3Uri(uri);
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`s3: ${uri} has no body`);
      return out.Body.transformToString();
    },
    presignGet(uri, expiresInSec) {
      const { bucket, key } = parseS3Uri(uri);
      return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expiresInSec,
      });
    },
  };
  return createAthenaReader({
    api: athenaApiFromSdk(new AthenaClient({})),
    store,
    workgroup: env[SETTINGS.analyticsWorkgroup.name] ?? '',
    database: env[SETTINGS.analyticsDatabase.name] ?? '',
  });
}
