import { SignJWT } from 'jose';
import type { DevKey } from './dev-key';

/** Path of the OpenID Provider configuration document (OpenID Connect Discovery 1.0 §4). */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** Path of the JSON Web Key Set (RFC 7517 §5); also where aws-jwt-verify looks by default (`<issuer>.well-known/jwks.json`). */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * The local issuer URL for a port, in Auth0's form (`iss` ends with `/`): `http://localhost:<port>/`.
 * @param host host name clients use (default `localhost`)
 */
export function localIssuer(port: number, host = 'localhost'): string {
  return `http://${host}:${port}/`;
}

/**
 * OpenID Provider metadata for the local issuer: what a resource server needs (JWKS) and what the console's OIDC client
 * needs for authorization code + PKCE (`local/oidc-login.ts`: authorize, token and logout endpoints, Auth0's paths).
 */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}${JWKS_PATH.slice(1)}`,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    end_session_endpoint: `${issuer}oidc/logout`,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    subject_types_supported: ['public'],
    scopes_supported: ['openid', 'profile', 'offline_access'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'nonce',
      'name',
      'scope',
      'permissions',
      'gty',
      'azp',
    ],
  };
}

/** The JWKS document: the dev key's public half. */
export function jwksDocument(key: DevKey): { keys: Record<string, unknown>[] } {
  return { keys: [{ ...key.publicJwk }] };
}

/** What an access token says (Auth0 access-token shape). */
export interface TokenRequest {
  /** Tenant id, put in `<namespace>tenant_id`. */
  tenantId: string;
  /** User id = `sub` (for `m2m`, the client id: `sub` becomes `<userId>@clients`). */
  userId: string;
  /** Roles, put in `<namespace>roles` (omitted when empty). */
  roles: string[];
  /** Auth0 RBAC `permissions` array claim. */
  permissions: string[];
  /** OAuth 2.0 `scope` (space-separated); omitted when empty. */
  scope?: string;
  /** Lifetime, seconds (default 3600). Negative values mint an already expired token (tests). */
  expiresInSec?: number;
  audience: string;
  /** Client-credentials (machine-to-machine) token: `gty: client-credentials`, `sub` `<id>@clients`. */
  m2m?: boolean;
}

/**
 * Mints an RS256 access token shaped like Auth0's: `iss`, `sub`, `aud`, `iat`, `exp`, `azp`, `scope`,
 * `permissions`, `gty` (M2M), and the namespaced custom claims `<namespace>tenant_id` / `<namespace>roles`
 * (RFC 7519; Auth0 "Create custom claims").
 * @param namespace custom-claim prefix, e.g. `https://marketedge.io/`
 * @param nowSec issue time, epoch seconds
 */
export async function signAccessToken(
  key: DevKey,
  issuer: string,
  namespace: string,
  req: TokenRequest,
  nowSec = Math.floor(Date.now() / 1000),
): Promise<string> {
  const claims: Record<string, unknown> = {
    [`${namespace}tenant_id`]: req.tenantId,
    azp: req.m2m ? req.userId : 'local-dev-client',
    permissions: req.permissions,
  };
  if (req.roles.length > 0) claims[`${namespace}roles`] = req.roles;
  if (req.scope) claims.scope = req.scope;
  if (req.m2m) claims.gty = 'client-credentials';
  const exp = nowSec + (req.expiresInSec ?? 3600);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(issuer)
    .setSubject(req.m2m ? `${req.userId}@clients` : req.userId)
    .setAudience(req.audience)
    .setIssuedAt(nowSec)
    .setExpirationTime(exp)
    .sign(key.privateKey);
}
