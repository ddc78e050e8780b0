/**
 * `npm run analytics:backfill -- <access-log files…> [--skip-tenant T]… [--dry-run]`
 *
 * Turns existing JSON access logs (one object per line, the keys of `ACCESS_LOG_FIELDS`) into product events in the
 * local store: report created / viewed / deleted and 429s (`lambdas/shared/analytics/access-log-events.ts`). User
 * ids are hashed with the stage secret (locally the local secret) and never stored; lines without a vertical (written
 * before the access log carried it) get `unknown`. Idempotent by event id: ids derive from the request id, and the
 * partitions written are compacted (de-duplicated by `event_id`), so a second run over the same files adds nothing.
 * Files are read line by line (never whole). Tenants that opted out are the operator's to exclude (`--skip-tenant`);
 * the platform's own tenant (vertical `platform`: its operators) is never backfilled, as ingestion never stores it.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { eventFromAccessLog, UNKNOWN_VERTICAL } from '../../lambdas/shared/analytics/access-log-events';
import { fileSink } from '../../lambdas/shared/analytics/file-sink';
import { buildRecord, isPlatformOperator } from '../../lambdas/shared/analytics/record';
import { EVENTS_TABLE } from '../../lib/config/analytics';
import { AnalyticsEngine, analyticsRoot } from './engine';
import { loadOrCreateLocalSecret } from './secret';

/** What {@link backfill} did. */
export interface BackfillOutcome {
  /** Lines read. */
  lines: number;
  /** Lines that are not JSON objects. */
  malformed: number;
  /** Events found in the lines (before de-duplication). */
  events: number;
  /** Events not already stored: what this run added (0 on a re-run). */
  added: number;
  /** Events of tenants given in `skipTenants`. */
  skipped: number;
  /** Events of platform operators (`isPlatformOperator`: the platform's own tenant), never stored. */
  operators: number;
  /** Events whose line had no vertical (stored as `unknown`). */
  unknownVertical: number;
}

/** Input of {@link backfill}. */
export interface BackfillRequest {
  root: string;
  secret: string;
  files: readonly string[];
  skipTenants?: readonly string[];
  dryRun?: boolean;
  /** `received_at` of the records (default now). */
  now?: Date;
}

async function storedCount(root: string): Promise<number> {
  const engine = await AnalyticsEngine.open(root);
  try {
    await engine.compact();
    const rows = await engine.all(`SELECT count(*) AS n FROM ${EVENTS_TABLE}`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    engine.close();
  }
}

/** Backfills events from access-log files into the local store. */
export async function backfill(req: BackfillRequest): Promise<BackfillOutcome> {
  const skip = new Set(req.skipTenants ?? []);
  const receivedAt = req.now ?? new Date();
  const out: BackfillOutcome = {
    lines: 0,
    malformed: 0,
    events: 0,
    added: 0,
    skipped: 0,
    operators: 0,
    unknownVertical: 0,
  };
  const before = req.dryRun ? 0 : await storedCount(req.root);
  const sink = fileSink({ root: req.root, maxRecords: 5_000, intervalMs: 60_000 });
  for (const file of req.files) {
    const lines = createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const text of lines) {
      if (text.trim() === '') continue;
      out.lines++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        out.malformed++;
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        out.malformed++;
        continue;
      }
      const ev = eventFromAccessLog(parsed as Record<string, unknown>);
      if (!ev) continue;
      out.events++;
      if (skip.has(ev.who.tenantId)) {
        out.skipped++;
        continue;
      }
      if (isPlatformOperator(ev.who)) {
        out.operators++;
        continue;
      }
      if (ev.who.vertical === UNKNOWN_VERTICAL) out.unknownVertical++;
      if (!req.dryRun) sink.write([buildRecord(req.secret, ev.who, ev.input, receivedAt)]);
    }
  }
  sink.flush();
  if (!req.dryRun) out.added = (await storedCount(req.root)) - before;
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: {
        'skip-tenant': { type: 'string', multiple: true, default: [] },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) {
      throw new Error(
        'usage: npm run analytics:backfill -- <access-log files…> [--skip-tenant T]… [--dry-run]',
      );
    }
    const r = await backfill({
      root: analyticsRoot(),
      secret: loadOrCreateLocalSecret(),
      files: positionals,
      skipTenants: values['skip-tenant'],
      dryRun: values['dry-run'],
    });
    process.stdout.write(
      `${r.lines} lines (${r.malformed} malformed): ${r.events} events, ${values['dry-run'] ? 'dry run, nothing written' : `${r.added} added (the rest already stored)`}, ${r.skipped} skipped by --skip-tenant, ${r.operators} of platform operators (never stored), ${r.unknownVertical} without vertical\n`,
    );
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
