/**
 * `npm run analytics:erase -- --tenant T --user U [--dry-run] [--hash-only]` (`--help`: {@link ERASE_USAGE})
 *
 * Erasure of one user's analytics events (GDPR art. 17) from the local store: computes the user hash with the
 * stage secret (locally `ANALYTICS_HASH_SECRET` or the local key file, `local/analytics/secret.ts`), finds the
 * partitions of that tenant that hold it, and rewrites each of them without that user's rows (one Parquet file per
 * partition, de-duplicated, written to a temp name and renamed; a partition left empty is removed). Other tenants
 * and partitions without the user are not touched. `--dry-run` only counts; `--hash-only` prints the hash (for the
 * AWS procedure in docs/analytics.md, run with the stage secret in `ANALYTICS_HASH_SECRET`). Exit code 2 on bad input,
 * 3 for a tenant the store knows nothing of (no events, no earlier erasure: {@link UnknownTenantError}; nothing done).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { userHash } from '../../lambdas/shared/analytics/hash';
import { EVENTS_PREFIX, EVENTS_TABLE } from '../../lib/config/analytics';
import { TENANT_ID_PATTERN, USER_ID_PATTERN } from '../../lib/config/data-model';
import { SETTINGS } from '../../lib/config/settings';
import { AnalyticsEngine, analyticsRoot, listPartitions, sqlTimestamp } from './engine';
import { appendErasureMark } from './erasures';
import { EXPORTS_DIR } from './reader';
import { loadOrCreateLocalSecret } from './secret';
import { tenantsErasedIn, tenantsWithEvents, UnknownTenantError } from './tenant-events';

/** What {@link eraseUser} did. */
export interface ErasureOutcome {
  /** The user hash whose rows were removed (hex). */
  userHash: string;
  /** UTC days (`dt`) of the partitions that held the user, ascending. */
  partitions: string[];
  /** Rows removed (every stored copy, duplicates included; rows written while it ran included). */
  removed: number;
  /** `true` when nothing was rewritten (`dryRun`). */
  dryRun: boolean;
  /** Scan-and-rewrite passes until one found nothing (0 for a dry run). */
  passes: number;
  /**
   * When the erasure finished: no row of the user received up to this time remains, and none will be written (the
   * ledger stops the local sink).
   */
  finishedAt: Date;
  /**
   * Export files deleted (`.local/analytics/exports/`): an export made before the erasure may hold the user's rows,
   * and its link stays valid for 15 minutes, so every export file goes (0 for a dry run).
   */
  exportsDeleted: number;
}

/** Input of {@link eraseUser}. */
export interface ErasureRequest {
  /** Local analytics root (`.local/analytics`). */
  root: string;
  /** The stage's hashing secret. */
  secret: string;
  tenantId: string;
  /** Raw user id (hashed here, never written anywhere). */
  userId: string;
  /** Count only, rewrite nothing. */
  dryRun?: boolean;
}

/** Why an erasure request was refused (bad tenant or user id). */
export class ErasureInputError extends Error {
  override name = 'ErasureInputError';
}

/** `npm run analytics:erase -- --help`: the command line, what it does, and its exit codes. */
export const ERASE_USAGE = `usage: npm run analytics:erase -- --tenant T --user U [--dry-run] [--hash-only]
Removes every stored event of user U of tenant T from the local store (.local/analytics, or
${SETTINGS.analyticsDir.name}), then deletes every earlier export file. --dry-run counts only; --hash-only prints the
user hash and does nothing else.
A tenant the store knows nothing of (no events, no earlier erasure: most likely a mistyped id) is refused and
nothing is done; a known tenant where the user has no events is a success with 0 removed (e.g. a second run).
exit codes: 0 done (or counted), 2 bad arguments, 3 no events for tenant T (nothing erased).`;

/** Most scan-and-rewrite passes before giving up (each pass catches files that arrived during the previous one). */
export const MAX_ERASURE_PASSES = 20;

/**
 * Removes every stored event of one user of one tenant from the local store, safely while the local stack keeps
 * writing (and compacting):
 * 1. a "running" mark goes to the erasure ledger (`./erasures.ts`): from now on the file sink
 *    drops the user's records instead of writing them;
 * 2. scan-and-rewrite passes — find the partitions holding the user's hash, rewrite each without it from a fresh
 *    file listing — until a pass finds nothing (a file that arrived or was compacted meanwhile is found by the next
 *    pass; a pass that trips over a file removed under it is retried);
 * 3. a "finished" mark with the time, then passes over the rows received up to that time, for a write that began
 *    before the first mark. Rows received later are new events, kept.
 * @throws {ErasureInputError} when the tenant or user id is malformed
 * @throws {UnknownTenantError} when the store has no event of the tenant and no earlier erasure in it (nothing done:
 * no ledger mark, no export deleted)
 * @throws {Error} when {@link MAX_ERASURE_PASSES} passes still find rows
 */
export async function eraseUser(req: ErasureRequest): Promise<ErasureOutcome> {
  if (!TENANT_ID_PATTERN.test(req.tenantId)) throw new ErasureInputError('--tenant: must be a tenant id');
  if (!USER_ID_PATTERN.test(req.userId)) throw new ErasureInputError('--user: must be a user id');
  const known = tenantsWithEvents(req.root);
  // An earlier erasure may have removed the tenant's last events: a re-run is then a known tenant with 0 to remove.
  if (!known.has(req.tenantId) && !tenantsErasedIn(req.root).has(req.tenantId)) {
    throw new UnknownTenantError(req.tenantId, known);
  }
  const hash = userHash(req.secret, req.tenantId, req.userId);
  const engine = await AnalyticsEngine.open(req.root);
  const days = new Set<string>();
  let removed = 0;
  let passes = 0;
  /** Rows received up to this time are erased (`null`: all of them, while the ledger blocks new writes). */
  let upTo: Date | null = null;
  const scan = async () => {
    await engine.refresh();
    const found = await engine.all(
      `SELECT dt, count(*) AS n FROM ${EVENTS_TABLE} WHERE tenant_id = ? AND user_hash = ?${upTo ? ' AND received_at <= CAST(? AS TIMESTAMP)' : ''} GROUP BY dt ORDER BY dt`,
      upTo ? [req.tenantId, hash, sqlTimestamp(upTo)] : [req.tenantId, hash],
    );
    return found.map((r) => ({ dt: String(r.dt), n: Number(r.n) }));
  };
  const rewrite = async (found: Array<{ dt: string; n: number }>) => {
    const wanted = new Set(found.map((f) => f.dt));
    const base = join(req.root, EVENTS_PREFIX, `tenant_id=${req.tenantId}`);
    for (const p of listPartitions(req.root)) {
      if (p.tenantId !== req.tenantId || !wanted.has(p.dt) || !p.dir.startsWith(base)) continue;
      await engine.rewritePartition(p.dir, { userHash: hash, receivedUpTo: upTo });
    }
  };
  /** Passes until one finds nothing. */
  const sweep = async () => {
    for (;;) {
      if (passes >= MAX_ERASURE_PASSES) throw new Error(`erasure: rows still found after ${passes} passes`);
      passes++;
      try {
        const found = await scan();
        if (found.length === 0) return;
        await rewrite(found);
        for (const f of found) {
          days.add(f.dt);
          removed += f.n;
        }
      } catch (e) {
        // A file listed by this pass was replaced under it (compaction, another rewrite): the next pass re-lists.
        if (!/No such file|not found|does not exist/i.test((e as Error).message)) throw e;
      }
    }
  };
  try {
    if (req.dryRun) {
      const found = await scan();
      return {
        userHash: hash,
        partitions: found.map((f) => f.dt),
        removed: found.reduce((s, f) => s + f.n, 0),
        dryRun: true,
        passes: 0,
        finishedAt: new Date(),
        exportsDeleted: 0,
      };
    }
    appendErasureMark(req.root, { tenant_id: req.tenantId, user_hash: hash, erased_at: null });
    await sweep();
    const finishedAt = new Date();
    appendErasureMark(req.root, {
      tenant_id: req.tenantId,
      user_hash: hash,
      erased_at: finishedAt.toISOString(),
    });
    // Events received after `finishedAt` are new (collection goes on unless the user also objects: do-not-track).
    upTo = finishedAt;
    await sweep();
    return {
      userHash: hash,
      partitions: [...days].sort(),
      removed,
      dryRun: false,
      passes,
      finishedAt,
      exportsDeleted: deleteExports(req.root),
    };
  } finally {
    engine.close();
  }
}

/** Deletes every file of the local exports folder; returns how many. */
function deleteExports(root: string): number {
  const dir = join(root, EXPORTS_DIR);
  if (!existsSync(dir)) return 0;
  const files = readdirSync(dir);
  for (const f of files) rmSync(join(dir, f), { recursive: true, force: true });
  return files.length;
}

/** Runs the CLI; returns the text to print. @throws {ErasureInputError} usage errors */
export async function runEraseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      tenant: { type: 'string' },
      user: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'hash-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return ERASE_USAGE;
  if (values.tenant === undefined || values.user === undefined) throw new ErasureInputError(ERASE_USAGE);
  const secret = loadOrCreateLocalSecret(env);
  if (values['hash-only']) {
    if (!TENANT_ID_PATTERN.test(values.tenant)) throw new ErasureInputError('--tenant: must be a tenant id');
    if (!USER_ID_PATTERN.test(values.user)) throw new ErasureInputError('--user: must be a user id');
    return userHash(secret, values.tenant, values.user);
  }
  const out = await eraseUser({
    root: analyticsRoot(env),
    secret,
    tenantId: values.tenant,
    userId: values.user,
    dryRun: values['dry-run'],
  });
  const verb = out.dryRun ? 'would remove' : 'removed';
  return `${verb} ${out.removed} events of user hash ${out.userHash.slice(0, 12)}… in tenant ${values.tenant} from ${out.partitions.length} partitions${out.partitions.length ? ` (${out.partitions[0]} .. ${out.partitions.at(-1)})` : ''}${out.dryRun ? '' : `; ${out.exportsDeleted} earlier export files deleted`}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEraseCli(process.argv.slice(2)).then(
    (out) => process.stdout.write(`${out}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof UnknownTenantError ? 3 : 2);
    },
  );
}
