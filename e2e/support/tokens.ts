import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Role } from '../../lib/config/roles';
import { localConfig } from '../../local/config';
import { type DevKey, loadOrCreateDevKey } from '../../local/dev-key';
import { localIssuer, signAccessToken } from '../../local/oidc';
import { loadSeed } from '../../local/seed';

/** Who a token speaks for. */
export interface Principal {
  tenantId: string;
  userId: string;
  roles: readonly Role[];
}

const run = promisify(execFile);
let key: Promise<DevKey> | undefined;

/**
 * Mints an access token for the local stack the way `npm run token` does: RS256 with the persisted dev key
 * (`.local/dev-signing-key.json`, shared with the `webServer` started by Playwright), issuer
 * `http://localhost:<E2E_PORT>/`, the dev stage's audience and claims namespace.
 * Against a deployed stage (`E2E_BASE_URL`), `E2E_TOKEN_COMMAND` is run instead with the same arguments as
 * `npm run token` (`--tenant --user --roles --expires-in`) and must print the stage's access token.
 * @param expiresInSec lifetime, seconds (default 3600; negative = already expired)
 * @throws {Error} when neither `E2E_PORT` nor `E2E_TOKEN_COMMAND` is set, or the command fails
 */
export async function mintToken(p: Principal, expiresInSec = 3600): Promise<string> {
  const command = process.env.E2E_TOKEN_COMMAND;
  if (command) {
    const args = ['--tenant', p.tenantId, '--user', p.userId, '--roles', p.roles.join(','), '--expires-in'];
    const { stdout } = await run(command, [...args, String(expiresInSec)], { shell: true });
    return stdout.trim();
  }
  const port = Number(process.env.E2E_PORT);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(
      'no token source: E2E_PORT (local stack) or E2E_TOKEN_COMMAND (deployed stage) must be set',
    );
  }
  key ??= loadOrCreateDevKey();
  const { auth0 } = localConfig({ ...process.env, PORT: String(port) }).stageConfig;
  return signAccessToken(await key, localIssuer(port), auth0.claimsNamespace, {
    tenantId: p.tenantId,
    userId: p.userId,
    roles: [...p.roles],
    permissions: [],
    audience: auth0.audience,
    expiresInSec,
  });
}

/**
 * The operator tenant of the seed fixture (`local/fixtures/seed.json`): the one whose vertical is `platform`.
 * Platform admins are users of this tenant with the `platform-admin` role.
 * @throws {Error} when the seed has no such tenant
 */
export function platformTenantId(): string {
  const t = loadSeed().tenants.find((x) => x.vertical === 'platform');
  if (!t) throw new Error('the seed fixture has no tenant with vertical "platform"');
  return t.tenantId;
}
