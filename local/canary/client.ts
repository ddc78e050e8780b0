import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANARY_TENANT_ID, LOCAL_CANARY_CLIENT_ID } from '../../lib/config/canary';
import { localStateDir } from '../dev-key';
import type { MachineClient } from '../oidc-login';
import { createFileOnce } from '../paths';

/**
 * The canary's machine-to-machine client on the local issuer — the stand-in for the stage's Auth0 M2M application
 * whose credentials sit in Secrets Manager: its secret is `<local state dir>/canary-client-secret` (32 random bytes,
 * hex, mode 0600), created atomically on first use so `npm start` and `npm run canary` agree.
 */
export function localCanaryClient(env: NodeJS.ProcessEnv = process.env): MachineClient {
  const file = join(localStateDir(env), 'canary-client-secret');
  createFileOnce(file, () => randomBytes(32).toString('hex'));
  return {
    clientId: LOCAL_CANARY_CLIENT_ID,
    clientSecret: readFileSync(file, 'utf8').trim(),
    tenantId: CANARY_TENANT_ID,
  };
}
