import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { createFileOnce, repoRoot } from './paths';

/** Signing algorithm of the local issuer (Auth0's default for APIs). */
export const DEV_KEY_ALG = 'RS256';

/** The local issuer's RSA signing key. */
export interface DevKey {
  /** Key id: the RFC 7638 JWK thumbprint of the public key (the `kid` header of every token). */
  kid: string;
  /** Private key for `jose` signing. */
  privateKey: CryptoKey;
  /** Public JWK as served in `/.well-known/jwks.json` (`kid`, `alg`, `use` set). */
  publicJwk: JWK;
}

/**
 * Directory holding local state (the dev key): `LOCAL_STATE_DIR`, else `<repo>/.local` (gitignored).
 * @param env environment to read (default `process.env`)
 */
export function localStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_STATE_DIR ? resolve(env.LOCAL_STATE_DIR) : join(repoRoot(env), '.local');
}

/**
 * Loads the persisted dev signing key from `<dir>/dev-signing-key.json`, creating it (RSA 2048, file mode 0600)
 * on first use. Creation is atomic (write a temp file, hard-link it into place), so `npm start` and
 * `npm run token` racing on a fresh clone end up with the same key.
 * @throws {Error} when the file exists but is not a private RSA JWK, or the directory is not writable
 */
export async function loadOrCreateDevKey(dir: string = localStateDir()): Promise<DevKey> {
  const file = join(dir, 'dev-signing-key.json');
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair(DEV_KEY_ALG, { modulusLength: 2048, extractable: true });
    const created = JSON.stringify(await exportJWK(privateKey));
    createFileOnce(file, () => created);
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  if (jwk.kty !== 'RSA' || !jwk.d)
    throw new Error(`${file} is not a private RSA JWK; delete it to regenerate`);
  const privateKey = (await importJWK(jwk, DEV_KEY_ALG)) as CryptoKey;
  const { kty, n, e } = jwk;
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return { kid, privateKey, publicJwk: { kty, n, e, kid, alg: DEV_KEY_ALG, use: 'sig' } };
}
