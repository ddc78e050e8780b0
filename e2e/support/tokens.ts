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

let key: Promise<DevKey> | undefined;

/**
 * Mints an access token for the local stack the way `npm run token` does: RS256 with the persisted dev key
 * (`.local/dev-signing-key.json`, shared with the `webServer` started by Playwright), issuer
 * `http://localhost:<E2E_PORT>/`, the dev stage's audience and claims namespace.
 * @param expiresInSec lifetime, seconds (default 3600; negative = already expired)
 * @throws {Error} when `E2E_PORT` is unset (the suites always run through playwright.config.ts)
 */
export async function mintToken(p: Principal, expiresInSec = 3600): Promise<string> {
  const port = Number(process.env.E2E_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('E2E_PORT is not set: tokens are minted locally');
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
