import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

/** The Auth0 claims namespace the tests use (as in the stage config). */
export const NS = 'https://marketedge.io/';
export const AUDIENCE = 'https://api.marketedge.io';

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  spki: string;
}

/** Generates an RS256 key (or ES256 when asked) with its public JWK. */
export async function makeKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateKey, publicJwk, spki: await exportSPKI(publicKey) };
}

/**
 * A local OIDC-style issuer for tests: a real HTTP server on 127.0.0.1 serving `/.well-known/jwks.json`
 * (counting requests), and a minting function signing Auth0-shaped access tokens with jose.
 */
export interface TestIssuer {
  /** `http://127.0.0.1:<port>/` — the exact `iss`, with Auth0's trailing slash. */
  issuer: string;
  jwksUri: string;
  /** The signing key whose public JWK is served. */
  key: Key;
  /** JWKS requests served so far. */
  jwksHits(): number;
  /** Adds a public key to the served JWKS (key rotation). */
  publish(k: Key): void;
  /** Makes the JWKS endpoint answer 503 (true) or normally (false). */
  failJwks(fail: boolean): void;
  /** Signs an access token: Auth0 defaults (iss, aud, iat, exp = +1 h, sub) merged with `claims`. */
  mint(
    claims?: JWTPayload,
    opts?: { key?: Key; kid?: string; alg?: string; header?: Record<string, unknown> },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Starts a {@link TestIssuer} with one RS256 key (`kid` = `test-key-1`). */
export async function startIssuer(): Promise<TestIssuer> {
  const key = await makeKey('test-key-1');
  const keys: JWK[] = [key.publicJwk];
  let hits = 0;
  let failing = false;
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      hits++;
      if (failing) {
        res.writeHead(503).end();
        return;
      }
      const body: JSONWebKeySet = { keys: keys as JSONWebKeySet['keys'] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/`;
  return {
    issuer,
    jwksUri: `${issuer}.well-known/jwks.json`,
    key,
    jwksHits: () => hits,
    publish: (k) => keys.push(k.publicJwk),
    failJwks: (f) => {
      failing = f;
    },
    async mint(claims = {}, opts = {}) {
      const k = opts.key ?? key;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        aud: [AUDIENCE, `${issuer}userinfo`],
        sub: 'alice',
        iat: now,
        exp: now + 3600,
        azp: 'spa-client',
        scope: 'openid profile',
        permissions: ['read:reports'],
        [`${NS}tenant_id`]: 'acme',
        [`${NS}roles`]: ['user'],
        ...claims,
      })
        .setProtectedHeader({ alg: opts.alg ?? 'RS256', typ: 'JWT', kid: opts.kid ?? k.kid, ...opts.header })
        .sign(k.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** base64url of a string (for hand-built hostile tokens). */
export function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64url');
}
