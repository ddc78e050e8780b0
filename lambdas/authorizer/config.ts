import { type Env, readSetting, SETTINGS } from '../../lib/config/settings';
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

/** Default `AUTH0_CLOCK_TOLERANCE_SEC`, seconds (`SETTINGS.auth0ClockToleranceSec`). */
export const DEFAULT_CLOCK_TOLERANCE_SEC = SETTINGS.auth0ClockToleranceSec.default;
/** Default `TENANT_CACHE_TTL_SEC`, seconds (`SETTINGS.tenantCacheTtlSec`). */
export const DEFAULT_TENANT_CACHE_TTL_SEC = SETTINGS.tenantCacheTtlSec.default;

/**
 * Reads the authorizer configuration from Lambda environment variables (names, defaults and bounds:
 * `lib/config/settings.ts`; docs/authorizer.md):
 * - `AUTH0_ISSUER` (required): exact `iss`, `https://` with trailing `/`;
 * - `AUTH0_AUDIENCE` (required): API identifier; several comma-separated values are accepted;
 * - `AUTH0_CLAIMS_NAMESPACE` (required): custom-claim prefix ending with `/`;
 * - `AUTH0_CLOCK_TOLERANCE_SEC` (default {@link DEFAULT_CLOCK_TOLERANCE_SEC}, 0–300), `TENANT_CACHE_TTL_SEC`
 *   (default {@link DEFAULT_TENANT_CACHE_TTL_SEC}, 0–300), `AUTH0_MAX_TOKEN_LIFETIME_SEC` (default 86,400): seconds.
 * The deployed handler accepts https issuers only (its JWKS fetcher is aws-jwt-verify's HTTPS fetcher); the local
 * stack builds its authorizer with `createAuthorizer()` and `createFetchJwksCache()` instead.
 * @throws {AuthorizerConfigError} naming every missing/invalid variable
 */
export function authorizerConfigFromEnv(env: Env = process.env): AuthorizerEnvConfig {
  const problems: string[] = [];
  const s = SETTINGS;
  const issuer = readSetting(env, s.auth0Issuer).value ?? '';
  if (!/^https:\/\/\S+\/$/.test(issuer))
    problems.push(`${s.auth0Issuer.name}: must be an https URL ending with "/"`);
  const audience = (readSetting(env, s.auth0Audience).value ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (audience.length === 0) problems.push(`${s.auth0Audience.name}: required`);
  const claimsNamespace = readSetting(env, s.auth0ClaimsNamespace).value ?? '';
  if (!/^\S+\/$/.test(claimsNamespace))
    problems.push(`${s.auth0ClaimsNamespace.name}: required, ending with "/"`);
  const number = (
    setting: (typeof s)['auth0ClockToleranceSec' | 'tenantCacheTtlSec' | 'auth0MaxTokenLifetimeSec'],
  ) => {
    const read = readSetting(env, setting);
    if (read.problem) problems.push(read.problem);
    return read.value;
  };
  const clockToleranceSec = number(s.auth0ClockToleranceSec);
  const tenantCacheTtlSec = number(s.tenantCacheTtlSec);
  const maxTokenLifetimeSec = number(s.auth0MaxTokenLifetimeSec);
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
