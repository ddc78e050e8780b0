import { type AnalyticsQueryName, EVENTS_TABLE } from '../../lib/config/analytics';
import { EXPORT_URL_TTL_SEC, type ExportFormat } from '../../lib/config/analytics-api';
import { SETTINGS } from '../../lib/config/settings';
import { exportSelectSql } from '../shared/analytics/export-sql';
import { querySqlText } from '../shared/analytics/query-sql';
import { type QueryScope, scopedSql } from '../shared/analytics/scope';
import type { AnalyticsCellRow, AnalyticsExportFiles, AnalyticsReader } from './analytics-port';

/** The Athena calls the adapter makes (the SDK's `StartQueryExecution`, `GetQueryExecution`, `GetQueryResults`). */
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
  /** Give up after this long, ms (below the admin Lambda's 15 s timeout). @default 12000 */
  readonly timeoutMs?: number;
  /** Sleep (tests inject). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** New export id (tests inject). @default crypto.randomUUID */
  readonly newId?: () => string;
}

/** A string as a Trino literal for an execution parameter (`'it''s'`). */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The AWS adapter of {@link AnalyticsReader}: the same scoped SQL as locally (`scopedSql` over the Glue table
 * `events_all`), run in the stage's workgroup with the scope as execution parameters (never spliced into the text).
 * Exports are `UNLOAD (<export select>) TO '<workgroup output>/exports/<id>/' WITH (format = …)`; the files listed in
 * the UNLOAD manifest are returned as S3 presigned GET URLs ({@link EXPORT_URL_TTL_SEC}).
 * @throws {Error} from its methods when a query fails, is cancelled or outlasts `timeoutMs`
 */
export function createAthenaReader(o: AthenaReaderOptions): AnalyticsReader {
  const pollMs = o.pollMs ?? 250;
  const timeoutMs = o.timeoutMs ?? 12_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const newId = o.newId ?? (() => crypto.randomUUID());

  const run = async (sql: string, params: string[]) => {
    const id = await o.api.start({
      sql,
      parameters: params.map(sqlLiteral),
      workgroup: o.workgroup,
      database: o.database,
    });
    for (let waited = 0; ; waited += pollMs) {
      const s = await o.api.state(id);
      if (s.state === 'SUCCEEDED') return { id, outputLocation: s.outputLocation };
      if (s.state === 'FAILED' || s.state === 'CANCELLED') {
        throw new Error(`athena query ${s.state.toLowerCase()}: ${s.reason ?? 'no reason given'}`);
      }
      if (waited >= timeoutMs) throw new Error(`athena query still ${s.state} after ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  };

  return {
    engine: 'athena',
    async query(name: AnalyticsQueryName, scope: QueryScope): Promise<AnalyticsCellRow[]> {
      const bound = scopedSql(querySqlText(name), EVENTS_TABLE, scope);
      const { id } = await run(bound.sql, bound.params);
      const out: AnalyticsCellRow[] = [];
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
    async exportEvents(scope: QueryScope, format: ExportFormat, now: Date): Promise<AnalyticsExportFiles> {
      const base = (await o.api.outputLocation(o.workgroup)).replace(/\/?$/, '/');
      const target = `${base}exports/${newId()}/`;
      const inner = scopedSql(exportSelectSql(), EVENTS_TABLE, scope);
      const withFormat =
        format === 'csv'
          ? "format = 'TEXTFILE', field_delimiter = ',', compression = 'NONE'"
          : "format = 'PARQUET', compression = 'SNAPPY'";
      const sql = `UNLOAD (${inner.sql}) TO ${sqlLiteral(target)} WITH (${withFormat})`;
      const { id, outputLocation } = await run(sql, inner.params);
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

/** Structural subset of the SDK clients used below (loaded at run time; the Lambda runtime ships the SDK v3). */
interface SdkClient {
  send(command: unknown): Promise<Record<string, unknown>>;
}
type SdkModule = Record<string, new (input?: unknown) => unknown>;

/** Splits `s3://bucket/key` into its parts. @throws {Error} for anything else */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// object URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * The reader with the SDK behind the ports: `@aws-sdk/client-athena`, `@aws-sdk/client-s3` and
 * `@aws-sdk/s3-request-presigner`, imported on first use (kept out of the bundle like every `@aws-sdk/*` package).
 * Workgroup and database from `SETTINGS.analyticsWorkgroup` / `SETTINGS.analyticsDatabase`.
 */
export function athenaReaderFromEnv(env: NodeJS.ProcessEnv): AnalyticsReader {
  const load = (name: string) => import(name) as Promise<SdkModule>;
  let clients: Promise<{ athena: SdkClient; s3: SdkClient; mods: SdkModule[] }> | undefined;
  const sdk = () => {
    clients ??= Promise.all([
      load('@aws-sdk/client-athena'),
      load('@aws-sdk/client-s3'),
      load('@aws-sdk/s3-request-presigner'),
    ]).then(([a, s, p]) => ({
      athena: new a.AthenaClient!({}) as SdkClient,
      s3: new s.S3Client!({}) as SdkClient,
      mods: [a, s, p],
    }));
    return clients;
  };
  const api: AthenaApi = {
    async start(input) {
      const { athena, mods } = await sdk();
      const out = await athena.send(
        new mods[0]!.StartQueryExecutionCommand!({
          QueryString: input.sql,
          ExecutionParameters: input.parameters.length ? input.parameters : undefined,
          WorkGroup: input.workgroup,
          QueryExecutionContext: { Database: input.database },
        }),
      );
      return String(out.QueryExecutionId);
    },
    async state(id) {
      const { athena, mods } = await sdk();
      const out = await athena.send(new mods[0]!.GetQueryExecutionCommand!({ QueryExecutionId: id }));
      const qe = out.QueryExecution as {
        Status?: { State?: string; StateChangeReason?: string };
        ResultConfiguration?: { OutputLocation?: string };
      };
      return {
        state: qe.Status?.State ?? 'UNKNOWN',
        ...(qe.Status?.StateChangeReason ? { reason: qe.Status.StateChangeReason } : {}),
        ...(qe.ResultConfiguration?.OutputLocation
          ? { outputLocation: qe.ResultConfiguration.OutputLocation }
          : {}),
      };
    },
    async page(id, nextToken) {
      const { athena, mods } = await sdk();
      const out = await athena.send(
        new mods[0]!.GetQueryResultsCommand!({
          QueryExecutionId: id,
          NextToken: nextToken,
          MaxResults: 1000,
        }),
      );
      const rs = out.ResultSet as { Rows?: Array<{ Data?: Array<{ VarCharValue?: string }> }> };
      return {
        rows: (rs.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null)),
        ...(typeof out.NextToken === 'string' ? { nextToken: out.NextToken } : {}),
      };
    },
    async outputLocation(workgroup) {
      const { athena, mods } = await sdk();
      const out = await athena.send(new mods[0]!.GetWorkGroupCommand!({ WorkGroup: workgroup }));
      const wg = out.WorkGroup as { Configuration?: { ResultConfiguration?: { OutputLocation?: string } } };
      const loc = wg.Configuration?.ResultConfiguration?.OutputLocation;
      if (!loc) throw new Error(`workgroup ${workgroup} has no output location`);
      return loc;
    },
  };
  const store: ObjectStore = {
    async getText(uri) {
      const { s3, mods } = await sdk();
      const out = await s3.send(
        new mods[1]!.GetObjectCommand!({ Bucket: parseS3Uri(uri).bucket, Key: parseS3Uri(uri).key }),
      );
      return (out.Body as { transformToString(): Promise<string> }).transformToString();
    },
    async presignGet(uri, expiresInSec) {
      const { s3, mods } = await sdk();
      const { bucket, key } = parseS3Uri(uri);
      const getSignedUrl = mods[2]!.getSignedUrl as unknown as (
        client: SdkClient,
        command: unknown,
        options: { expiresIn: number },
      ) => Promise<string>;
      return getSignedUrl(s3, new mods[1]!.GetObjectCommand!({ Bucket: bucket, Key: key }), {
        expiresIn: expiresInSec,
      });
    },
  };
  return createAthenaReader({
    api,
    store,
    workgroup: env[SETTINGS.analyticsWorkgroup.name] ?? '',
    database: env[SETTINGS.analyticsDatabase.name] ?? '',
  });
}
