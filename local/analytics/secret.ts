import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSecret } from '../../lambdas/shared/analytics/hash';
import { SETTINGS } from '../../lib/config/settings';
import { localStateDir } from '../dev-key';
import { createFileOnce } from '../paths';

/**
 * The local analytics hashing secret (the stand-in for the stage secret in Secrets Manager):
 * `ANALYTICS_HASH_SECRET` when set, else `<local state dir>/analytics-hash-secret` (32 random bytes, hex, mode
 * 0600), created atomically on first use so `npm start` and the analytics scripts agree.
 */
export function loadOrCreateLocalSecret(env: NodeJS.ProcessEnv = process.env): string {
  const inline = env[SETTINGS.analyticsHashSecret.name];
  if (inline) return assertSecret(inline);
  const dir = localStateDir(env);
  const file = join(dir, 'analytics-hash-secret');
  createFileOnce(file, () => randomBytes(32).toString('hex'));
  return assertSecret(readFileSync(file, 'utf8').trim());
}
