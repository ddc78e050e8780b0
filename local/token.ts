/**
 * `npm run --silent token -- --tenant <id> --user <id> [--roles r1,r2] [--permissions p1,p2] [--scope "a b"]
 *  [--expires-in <s>] [--audience <aud>] [--m2m]`
 *
 * Prints exactly one access token (stdout, newline-terminated) for the local stack on `PORT` (default 3000),
 * signed with the persisted dev key (`.local/dev-signing-key.json`). Roles default to the demo user's roles in
 * `local/fixtures/seed.json` (`user` for unknown users; none for `--m2m`). Errors go to stderr, exit code 2.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { localConfig } from './config';
import { loadOrCreateDevKey } from './dev-key';
import { localIssuer, signAccessToken, type TokenRequest } from './oidc';
import { loadSeed } from './seed';

/**
 * Parses the CLI arguments into a {@link TokenRequest}.
 * @throws {Error} missing `--tenant`/`--user`, unknown option, or a non-integer `--expires-in`
 */
export function parseTokenArgs(argv: string[], defaultAudience: string): TokenRequest {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      tenant: { type: 'string' },
      user: { type: 'string' },
      roles: { type: 'string' },
      permissions: { type: 'string' },
      scope: { type: 'string' },
      'expires-in': { type: 'string' },
      audience: { type: 'string' },
      m2m: { type: 'boolean', default: false },
    },
  });
  if (!values.tenant) throw new Error('--tenant <id> is required');
  if (!values.user) throw new Error('--user <id> is required');
  let expiresInSec: number | undefined;
  if (values['expires-in'] !== undefined) {
    expiresInSec = Number(values['expires-in']);
    if (!Number.isInteger(expiresInSec)) throw new Error('--expires-in must be an integer (seconds)');
  }
  const list = (s: string | undefined) => (s ?? '').split(/[,\s]+/).filter(Boolean);
  let roles = list(values.roles);
  if (values.roles === undefined && !values.m2m) roles = defaultRoles(values.tenant, values.user);
  return {
    tenantId: values.tenant,
    userId: values.user,
    roles,
    permissions: list(values.permissions),
    scope: values.scope,
    expiresInSec,
    audience: values.audience ?? defaultAudience,
    m2m: values.m2m,
  };
}

/** Roles of a demo user in the seed fixture; `['user']` when the user is not in it. */
export function defaultRoles(tenantId: string, userId: string): string[] {
  const tenant = loadSeed().tenants.find((t) => t.tenantId === tenantId);
  return tenant?.users.find((u) => u.userId === userId)?.roles ?? ['user'];
}

async function main(): Promise<void> {
  const cfg = localConfig();
  const req = parseTokenArgs(process.argv.slice(2), cfg.stageConfig.auth0.audience);
  const key = await loadOrCreateDevKey();
  const token = await signAccessToken(key, localIssuer(cfg.port), cfg.stageConfig.auth0.claimsNamespace, req);
  process.stdout.write(`${token}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`token: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
