import { AuthorizerConfigError, type AuthorizerOptions } from './authorizer';

/** The part of {@link AuthorizerOptions} that comes from the environment. */
export type AuthorizerEnvConfig = Pick<
  AuthorizerOptions,
  | 'issuer'
  | 'audience'
  | 'claimsNamespace'
  | 'clockToleranceSec'
  | 'tenantCacheTtlSec'
  | 'maxTokenLifetimeSec'
>;

/** Default `AUTH0_CLOCK_TOLERANCE_SEC`, seconds. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 10;
/** Default `TENANT_CACHE_TTL_SEC`, seconds. */
export const DEFAULT_TENANT_CACHE_TTL_SEC = 5;

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    problems.push(`${name}: must be a non-negative integer (seconds)`);
    return fallback;
  }
  return n;
}

/**
 * Reads the authorizer configuration from Lambda environment variables (docs/authorizer.md):
 * - `AUTH0_ISSUER` (required): exact `iss`, `https://` with trailing `/`;
 * - `AUTH0_AUDIENCE` (required): API identifier; several comma-separated values are accepted;
 * - `AUTH0_CLAIMS_NAMESPACE` (required): custom-claim prefix ending with `/`;
 * - `AUTH0_CLOCK_TOLERANCE_SEC` (default {@link DEFAULT_CLOCK_TOLERANCE_SEC}), `TENANT_CACHE_TTL_SEC`
 *   (default {@link DEFAULT_TENANT_CACHE_TTL_SEC}), `AUTH0_MAX_TOKEN_LIFETIME_SEC` (default 86,400): seconds.
 * The deployed handler accepts https issuers only (its JWKS fetcher is aws-jwt-verify's HTTPS fetcher); the local
 * stack builds its authorizer with `createAuthorizer()` and `createFetchJwksCache()` instead.
 * @throws {AuthorizerConfigError} naming every missing/invalid variable
 */
export function authorizerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthorizerEnvConfig {
  const problems: string[] = [];
  const issuer = env.AUTH0_ISSUER ?? '';
  if (!/^https:\/\/\S+\/$/.test(issuer)) problems.push('AUTH0_ISSUER: must be an https URL ending with "/"');
  const audience = (env.AUTH0_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (audience.length === 0) problems.push('AUTH0_AUDIENCE: required');
  const claimsNamespace = env.AUTH0_CLAIMS_NAMESPACE ?? '';
  if (!/^\S+\/$/.test(claimsNamespace)) problems.push('AUTH0_CLAIMS_NAMESPACE: required, ending with "/"');
  const clockToleranceSec = intVar(env, 'AUTH0_CLOCK_TOLERANCE_SEC', DEFAULT_CLOCK_TOLERANCE_SEC, problems);
  const tenantCacheTtlSec = intVar(env, 'TENANT_CACHE_TTL_SEC', DEFAULT_TENANT_CACHE_TTL_SEC, problems);
  const maxTokenLifetimeSec = intVar(env, 'AUTH0_MAX_TOKEN_LIFETIME_SEC', 86_400, problems);
  if (problems.length > 0) throw new AuthorizerConfigError(`authorizer env invalid: ${problems.join('; ')}`);
  return {
    issuer,
    audience: audience.length === 1 ? (audience[0] as string) : audience,
    claimsNamespace,
    clockToleranceSec,
    tenantCacheTtlSec,
    maxTokenLifetimeSec,
  };
}
