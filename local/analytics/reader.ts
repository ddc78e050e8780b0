import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AnalyticsExportFiles, AnalyticsReader } from '../../lambdas/admin/analytics-port';
import { exportSelectSql } from '../../lambdas/shared/analytics/export-sql';
import { type QueryScope, scopedSql } from '../../lambdas/shared/analytics/scope';
import { type AnalyticsQueryName, EVENTS_TABLE } from '../../lib/config/analytics';
import { EXPORT_URL_TTL_SEC, type ExportFormat } from '../../lib/config/analytics-api';
import { requestPath } from '../request-path';
import type { AnalyticsEngine, Row } from './engine';

/** Partition files from which the reader compacts before a query (the sink writes one small file per flush). */
export const COMPACT_MIN_FILES = 32;

/** Path prefix of local export downloads (served by {@link LocalAnalyticsReader.serveDownload}). */
export const LOCAL_EXPORTS_PATH = '/_local/analytics/exports/';

/** Content types of the export formats. */
const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

/** Options of {@link LocalAnalyticsReader}. */
export interface LocalAnalyticsReaderOptions {
  /** Analytics root (`.local/analytics`). */
  root: string;
  /** Base URL of the local stack (`http://localhost:<port>`), for download links. */
  baseUrl: string;
  /** Where export files are written (default `<root>/exports`). */
  exportsDir?: string;
  /** Link signing key (default: 32 random bytes per process). */
  signingKey?: Buffer;
}

/**
 * The local adapter of the admin API's analytics port: embedded DuckDB over the local store (`AnalyticsEngine`),
 * one engine per process, calls serialized (one DuckDB connection). Exports are written by DuckDB's `COPY … TO`
 * straight to a file (never held in memory) and served by {@link serveDownload} as a stream, behind an HMAC-signed,
 * expiring link — the local stand-in for an S3 presigned URL. Expired export files are deleted on the next export.
 */
/** Folder of the local exports under the analytics root (`.local/analytics/exports`). */
export const EXPORTS_DIR = 'exports';

export class LocalAnalyticsReader implements AnalyticsReader {
  readonly engine = 'duckdb' as const;
  private readonly exportsDir: string;
  private readonly key: Buffer;
  private opened: Promise<AnalyticsEngine> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalAnalyticsReaderOptions) {
    this.exportsDir = options.exportsDir ?? join(options.root, EXPORTS_DIR);
    this.key = options.signingKey ?? randomBytes(32);
  }

  /** Runs `fn` after every earlier call finished (one connection), on an engine that sees the files present now. */
  private serial<T>(fn: (engine: AnalyticsEngine) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      // DuckDB (native) is loaded on the first analytics call, not when the local stack starts.
      this.opened ??= import('./engine').then((m) => m.AnalyticsEngine.open(this.options.root));
      const engine = await this.opened;
      // Small files pile up (the sink writes one per flush): compact the partitions that hold many.
      await engine.compact(COMPACT_MIN_FILES);
      return fn(engine);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** {@inheritDoc AnalyticsReader.query} */
  query(name: AnalyticsQueryName, scope: QueryScope): Promise<Row[]> {
    return this.serial((engine) => engine.query(name, scope));
  }

  /** {@inheritDoc AnalyticsReader.exportEvents} */
  exportEvents(scope: QueryScope, format: ExportFormat, now: Date): Promise<AnalyticsExportFiles> {
    return this.serial(async (engine) => {
      mkdirSync(this.exportsDir, { recursive: true });
      this.removeExpired(now);
      const expires = Math.floor(now.getTime() / 1000) + EXPORT_URL_TTL_SEC;
      const name = `events-${scope.tenantId ?? 'all'}-${scope.from}-${scope.to}-${expires}-${randomBytes(6).toString('hex')}.${format}`;
      const file = join(this.exportsDir, name);
      const bound = scopedSql(exportSelectSql(), EVENTS_TABLE, scope);
      const options = format === 'csv' ? 'FORMAT CSV, HEADER' : 'FORMAT PARQUET, COMPRESSION ZSTD';
      const copied = await engine.all(
        `COPY (${bound.sql}) TO '${file.replaceAll("'", "''")}' (${options})`,
        bound.params,
      );
      const rows = Number(Object.values(copied[0] ?? {})[0] ?? 0);
      const url = `${this.options.baseUrl}${LOCAL_EXPORTS_PATH}${name}?expires=${expires}&sig=${this.sign(name, expires)}`;
      return { files: [{ url, bytes: statSync(file).size }], expiresAt: new Date(expires * 1000), rows };
    });
  }

  private sign(name: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${name}\n${expires}`).digest('base64url');
  }

  private removeExpired(now: Date): void {
    for (const f of readdirSync(this.exportsDir)) {
      const m = /-(\d+)-[0-9a-f]{12}\.(csv|parquet)$/.exec(f);
      if (m && Number(m[1]) * 1000 < now.getTime()) rmSync(join(this.exportsDir, f), { force: true });
    }
  }

  /**
   * Serves `GET /_local/analytics/exports/<file>?expires=&sig=`: the file streamed from disk (`fs.createReadStream`
   * piped to the response, never read whole), 403 for a bad or expired signature, 404 for a missing file.
   * @returns `false` for other paths (the request is not handled)
   */
  serveDownload(req: IncomingMessage, res: ServerResponse, now: () => number = Date.now): boolean {
    if (!requestPath(req.url).startsWith(LOCAL_EXPORTS_PATH)) return false;
    const url = new URL(req.url ?? '/', 'http://local');
    const name = url.pathname.slice(LOCAL_EXPORTS_PATH.length);
    const expires = Number(url.searchParams.get('expires'));
    const sig = Buffer.from(url.searchParams.get('sig') ?? '');
    const problem = (status: number, title: string) => {
      res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ title, status }));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      problem(405, 'Method Not Allowed');
      return true;
    }
    const format = /^[A-Za-z0-9._-]+\.(csv|parquet)$/.exec(name)?.[1] as ExportFormat | undefined;
    const want = Buffer.from(format && Number.isInteger(expires) ? this.sign(name, expires) : '');
    if (!format || want.length !== sig.length || !timingSafeEqual(want, sig) || expires * 1000 < now()) {
      problem(403, 'Forbidden');
      return true;
    }
    const file = join(this.exportsDir, name);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      problem(404, 'Not Found');
      return true;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPE[format],
      'content-length': String(size),
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
    return true;
  }

  /** Closes the engine. */
  async close(): Promise<void> {
    const engine = await this.opened?.catch(() => undefined);
    await this.queue;
    engine?.close();
    this.opened = undefined;
  }
}
