/**
 * `npm run analytics:erase -- --tenant T --user U [--dry-run] [--hash-only]`
 *
 * Erasure of one user's analytics events (GDPR art. 17) from the local store: computes the user hash with the
 * stage secret (locally `ANALYTICS_HASH_SECRET` or the local key file, `local/analytics/secret.ts`), finds the
 * partitions of that tenant that hold it, and rewrites each of them without that user's rows (one Parquet file per
 * partition, de-duplicated, written to a temp name and renamed; a partition left empty is removed). Other tenants
 * and partitions without the user are not touched. `--dry-run` only counts; `--hash-only` prints the hash (for the
 * AWS procedure in docs/analytics.md, run with the stage secret in `ANALYTICS_HASH_SECRET`). Exit code 2 on bad input.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { userHash } from '../../lambdas/shared/analytics/hash';
import { EVENTS_PREFIX, EVENTS_TABLE } from '../../lib/config/analytics';
import { TENANT_ID_PATTERN, USER_ID_PATTERN } from '../../lib/config/data-model';
import { AnalyticsEngine, analyticsRoot, listPartitions } from './engine';
import { loadOrCreateLocalSecret } from './secret';

/** What {@link eraseUser} did. */
export interface ErasureOutcome {
  /** The user hash whose rows were removed (hex). */
  userHash: string;
  /** UTC days (`dt`) of the partitions that held the user, ascending. */
  partitions: string[];
  /** Rows removed (every stored copy, duplicates included). */
  removed: number;
  /** `true` when nothing was rewritten (`dryRun`). */
  dryRun: boolean;
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

/**
 * Removes every stored event of one user of one tenant from the local store.
 * @throws {ErasureInputError} when the tenant or user id is malformed
 */
export async function eraseUser(req: ErasureRequest): Promise<ErasureOutcome> {
  if (!TENANT_ID_PATTERN.test(req.tenantId)) throw new ErasureInputError('--tenant: must be a tenant id');
  if (!USER_ID_PATTERN.test(req.userId)) throw new ErasureInputError('--user: must be a user id');
  const hash = userHash(req.secret, req.tenantId, req.userId);
  const engine = await AnalyticsEngine.open(req.root);
  try {
    const found = await engine.all(
      `SELECT dt, count(*) AS n FROM ${EVENTS_TABLE} WHERE tenant_id = ? AND user_hash = ? GROUP BY dt ORDER BY dt`,
      [req.tenantId, hash],
    );
    const partitions = found.map((r) => String(r.dt));
    const removed = found.reduce((s, r) => s + Number(r.n), 0);
    if (!req.dryRun) {
      const wanted = new Set(partitions);
      const base = join(req.root, EVENTS_PREFIX, `tenant_id=${req.tenantId}`);
      for (const p of listPartitions(req.root)) {
        if (p.tenantId !== req.tenantId || !wanted.has(p.dt) || !p.dir.startsWith(base)) continue;
        await engine.rewritePartition(p.dir, p.files, hash);
      }
    }
    return { userHash: hash, partitions, removed, dryRun: req.dryRun === true };
  } finally {
    engine.close();
  }
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
    },
  });
  if (values.tenant === undefined || values.user === undefined) {
    throw new ErasureInputError(
      'usage: npm run analytics:erase -- --tenant T --user U [--dry-run] [--hash-only]',
    );
  }
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
  return `${verb} ${out.removed} events of user hash ${out.userHash.slice(0, 12)}… in tenant ${values.tenant} from ${out.partitions.length} partitions${out.partitions.length ? ` (${out.partitions[0]} .. ${out.partitions.at(-1)})` : ''}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEraseCli(process.argv.slice(2)).then(
    (out) => process.stdout.write(`${out}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
