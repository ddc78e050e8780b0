import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { querySqlText } from '../../lambdas/shared/analytics/query-sql';
import { eventsReadCount, type QueryScope, scopedSql } from '../../lambdas/shared/analytics/scope';
import {
  type AnalyticsQueryName,
  EVENT_COLUMNS,
  EVENTS_PREFIX,
  EVENTS_TABLE,
  PARTITION_KEYS,
} from '../../lib/config/analytics';
import { SETTINGS } from '../../lib/config/settings';
import { localStateDir } from '../dev-key';

/** A time as a DuckDB TIMESTAMP literal (UTC, no zone suffix): `2026-11-02 09:05:00.000`. */
export function sqlTimestamp(t: Date): string {
  return t.toISOString().replace('T', ' ').replace('Z', '');
}

/** Lock file of a partition's rewrite (compaction, erasure). */
export const PARTITION_LOCK = '.rewrite.lock';
/** A lock older than this is taken over (its holder died), ms. */
const STALE_LOCK_MS = 60_000;
let rewriteSeq = 0;

/**
 * Runs `fn` holding `<dir>/.rewrite.lock` (created exclusively, `wx`; other holders are waited for, 20 ms steps; a
 * lock older than a minute is taken over). Works across processes (the local stack, `npm run analytics:erase`).
 */
export async function withPartitionLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, PARTITION_LOCK);
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return fn(); // the partition is gone: nothing to lock (fn re-checks)
      if (code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** One result row; BIGINT values come back as strings (DuckDB's JSON form), DOUBLE as numbers. */
export type Row = Record<string, unknown>;

/**
 * Local analytics root: `ANALYTICS_DIR`, else `<local state dir>/analytics` (`.local/analytics`). Events live under
 * `events/tenant_id=<t>/dt=<d>/` as in S3: NDJSON from the local sink, Parquet after conversion.
 */
export function analyticsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env[SETTINGS.analyticsDir.name] || join(localStateDir(env), 'analytics');
}

/** Text of `analytics/queries/<name>.sql` (the same reader as the Lambdas'). */
export const querySql: (name: AnalyticsQueryName) => string = querySqlText;

const DUCK_TYPES = { string: 'VARCHAR', int: 'INTEGER', timestamp: 'TIMESTAMP' } as const;

/** `{event_id: 'VARCHAR', …}` for `read_json(columns = …)`: the record schema, so no type is inferred. */
function jsonColumns(): string {
  return `{${EVENT_COLUMNS.map((c) => `'${c.name}': '${DUCK_TYPES[c.type]}'`).join(', ')}}`;
}

/** The record's data columns cast to the stored types, in file order. */
function castColumns(): string {
  return EVENT_COLUMNS.map((c) => `CAST(${c.name} AS ${DUCK_TYPES[c.type]}) AS ${c.name}`).join(', ');
}

const HIVE_TYPES = `{${PARTITION_KEYS.map((k) => `'${k.name}': VARCHAR`).join(', ')}}`;

/** Partition directories (`tenant_id=…/dt=…`) under the events prefix, with the files each holds. */
export function listPartitions(
  root: string,
): Array<{ dir: string; tenantId: string; dt: string; files: string[] }> {
  const base = join(root, EVENTS_PREFIX);
  if (!existsSync(base)) return [];
  const out: Array<{ dir: string; tenantId: string; dt: string; files: string[] }> = [];
  for (const t of readdirSync(base)) {
    if (!t.startsWith('tenant_id=')) continue;
    for (const d of readdirSync(join(base, t))) {
      if (!d.startsWith('dt=')) continue;
      const dir = join(base, t, d);
      out.push({
        dir,
        tenantId: t.slice('tenant_id='.length),
        dt: d.slice('dt='.length),
        files: readdirSync(dir).filter((f) => f.endsWith('.parquet') || f.endsWith('.ndjson')),
      });
    }
  }
  return out;
}

/**
 * Embedded DuckDB over the local events (no server): `events_all` is a view of every Parquet and NDJSON file in the
 * hive layout, and the standard queries run on it through {@link scopedSql}, exactly as in Athena.
 */
export class AnalyticsEngine {
  private constructor(
    readonly root: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /** Opens an in-memory DuckDB over `root` (created when missing). */
  static async open(root: string): Promise<AnalyticsEngine> {
    mkdirSync(join(root, EVENTS_PREFIX), { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const engine = new AnalyticsEngine(root, instance, await instance.connect());
    // Parquet footers are read once per process, not once per query (the bench, the report and the export server
    // run many queries over the same files).
    await engine.connection.run('SET parquet_metadata_cache = true');
    await engine.refresh();
    return engine;
  }

  /** Re-creates `events_all` over the files present now (call after new files arrive). */
  async refresh(): Promise<void> {
    const base = join(this.root, EVENTS_PREFIX).replaceAll("'", "''");
    const parts = listPartitions(this.root);
    const hasParquet = parts.some((p) => p.files.some((f) => f.endsWith('.parquet')));
    const hasJson = parts.some((p) => p.files.some((f) => f.endsWith('.ndjson')));
    const cols = [...EVENT_COLUMNS.map((c) => c.name), ...PARTITION_KEYS.map((k) => k.name)].join(', ');
    const sources: string[] = [];
    if (hasParquet) {
      sources.push(
        `SELECT ${cols} FROM read_parquet('${base}*/*/*.parquet', hive_partitioning = true, hive_types = ${HIVE_TYPES}, union_by_name = true)`,
      );
    }
    if (hasJson) {
      sources.push(
        `SELECT ${cols} FROM read_json('${base}*/*/*.ndjson', format = 'newline_delimited', columns = ${jsonColumns()}, hive_partitioning = true, hive_types = ${HIVE_TYPES})`,
      );
    }
    if (sources.length === 0) {
      const empty = [
        ...EVENT_COLUMNS.map((c) => `CAST(NULL AS ${DUCK_TYPES[c.type]}) AS ${c.name}`),
        ...PARTITION_KEYS.map((k) => `CAST(NULL AS VARCHAR) AS ${k.name}`),
      ].join(', ');
      sources.push(`SELECT ${empty} WHERE false`);
    }
    await this.connection.run(`CREATE OR REPLACE VIEW ${EVENTS_TABLE} AS ${sources.join(' UNION ALL ')}`);
  }

  /** Runs SQL with positional parameters; rows as JSON-compatible objects. */
  async all(sql: string, params: readonly string[] = []): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjectsJson() as Row[];
  }

  /**
   * Runs a standard query (`analytics/queries/<name>.sql`) on the scoped events. A query that reads `events` more
   * than once gets the slice materialized (the files are scanned once); a single read streams from the scan, which
   * then reads only the columns the query uses ({@link eventsReadCount}).
   */
  async query(name: AnalyticsQueryName, scope: QueryScope): Promise<Row[]> {
    const body = querySql(name);
    const bound = scopedSql(body, EVENTS_TABLE, scope, { materialize: eventsReadCount(body) > 1 });
    return this.all(bound.sql, bound.params);
  }

  /**
   * Converts NDJSON to Parquet per partition (what Firehose's record-format conversion does), de-duplicated by
   * `event_id` together with the partition's existing Parquet: one `part-<time>.parquet` per partition remains.
   * @param minFiles only partitions holding at least this many files (the local stack's reader compacts when small
   *   files pile up, `local/analytics/reader.ts`)
   * @returns partitions rewritten
   */
  async compact(minFiles = 1): Promise<number> {
    let n = 0;
    for (const p of listPartitions(this.root)) {
      if (!p.files.some((f) => f.endsWith('.ndjson')) || p.files.length < minFiles) continue;
      await this.rewritePartition(p.dir, null);
      n++;
    }
    await this.refresh();
    return n;
  }

  /**
   * Rewrites one partition into one Parquet file, de-duplicated by `event_id`, optionally without the rows of one
   * user hash (erasure; only those received up to `receivedUpTo` when given). Holds the partition's rewrite lock
   * ({@link withPartitionLock}) and lists the files under it, so a compaction and an erasure (two processes) never
   * interleave; files the sink adds meanwhile are left for the next rewrite. Written to a temp name and renamed; the
   * files read are removed after.
   */
  async rewritePartition(
    dir: string,
    drop: { userHash: string; receivedUpTo?: Date | null } | null,
  ): Promise<void> {
    await withPartitionLock(dir, async () => {
      if (!existsSync(dir)) return;
      const files = readdirSync(dir).filter((f) => f.endsWith('.parquet') || f.endsWith('.ndjson'));
      const esc = (s: string) => s.replaceAll("'", "''");
      const reads: string[] = [];
      const pq = files.filter((f) => f.endsWith('.parquet')).map((f) => `'${esc(join(dir, f))}'`);
      const js = files.filter((f) => f.endsWith('.ndjson')).map((f) => `'${esc(join(dir, f))}'`);
      const cols = EVENT_COLUMNS.map((c) => c.name).join(', ');
      if (pq.length) reads.push(`SELECT ${cols} FROM read_parquet([${pq.join(', ')}])`);
      if (js.length) {
        reads.push(
          `SELECT ${cols} FROM read_json([${js.join(', ')}], format = 'newline_delimited', columns = ${jsonColumns()})`,
        );
      }
      if (reads.length === 0) return;
      const stamp = `${Date.now()}-${process.pid}-${++rewriteSeq}`;
      const tmp = join(dir, `.part-${stamp}.parquet.tmp`);
      const final = join(dir, `part-${stamp}.parquet`);
      const upTo = drop?.receivedUpTo ? sqlTimestamp(drop.receivedUpTo) : null;
      const filter =
        drop === null
          ? ''
          : upTo
            ? 'WHERE NOT (user_hash = ? AND received_at <= CAST(? AS TIMESTAMP))'
            : 'WHERE user_hash <> ?';
      const sql = `COPY (SELECT ${castColumns()} FROM (${reads.join(' UNION ALL ')}) ${filter}
        QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY received_at) = 1 ORDER BY ts)
        TO '${esc(tmp)}' (FORMAT PARQUET, COMPRESSION ZSTD)`;
      await this.connection.run(sql, drop === null ? [] : upTo ? [drop.userHash, upTo] : [drop.userHash]);
      const kept = await this.all(`SELECT count(*) AS n FROM read_parquet('${esc(tmp)}')`);
      for (const f of files) rmSync(join(dir, f), { force: true });
      if (Number(kept[0]?.n ?? 0) > 0) renameSync(tmp, final);
      else {
        rmSync(tmp, { force: true });
        if (readdirSync(dir).filter((f) => f !== PARTITION_LOCK).length === 0) {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }

  /** Closes the connection and the instance. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
