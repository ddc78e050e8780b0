/**
 * Reason codes of authorizer failures. Each is logged (`reason`) and counted (`AuthFailure` metric, dimension
 * `reason`) for security monitoring; see docs/authorizer.md for the table.
 *
 * - `UNAUTHORIZED_REASONS` → the authorizer throws `Error('Unauthorized')`, API Gateway answers **401**.
 * - `DENY_REASONS` → a valid token without rights: an explicit Deny policy for the whole API, API Gateway answers **403**.
 */
export const UNAUTHORIZED_REASONS = [
  /** No `Authorization` header. */
  'token_missing',
  /** More than one `Authorization` header (or header-name casing variants). */
  'header_duplicate',
  /** Scheme other than `Bearer` (case-insensitive), or no scheme. */
  'scheme_invalid',
  /** Token longer than {@link MAX_TOKEN_CHARS}. */
  'token_oversized',
  /** Not a compact JWS (three base64url parts), or header/payload not JSON objects. */
  'token_malformed',
  /** `alg` other than RS256 (`none`, HS256, ES256 …). */
  'alg_not_allowed',
  /** `kid` missing or not in the issuer's JWKS, even after one refetch. */
  'kid_unknown',
  /** `kid` unknown and the JWKS URI is in the penalty box (refetch refused for a few seconds). */
  'jwks_penalty_box',
  /** Signature does not verify with the JWK of that `kid` (or the JWK cannot verify RS256). */
  'signature_invalid',
  /** `exp` in the past (beyond the clock tolerance). */
  'token_expired',
  /** `nbf` in the future (beyond the clock tolerance). */
  'token_not_yet_valid',
  /** `iat` in the future beyond the clock tolerance (a token minted with a skewed or forged clock). */
  'token_issued_in_future',
  /** `exp − iat` above the stage's maximum access-token lifetime (Auth0 API setting; default 24 h). */
  'token_lifetime_exceeded',
  /** `iss` not exactly the configured issuer (Auth0's form ends with `/`). */
  'issuer_invalid',
  /** `aud` (string or array) does not contain the configured audience. */
  'audience_invalid',
  /** Claims of the wrong shape (missing `exp`, non-array roles/permissions, malformed tenant id, inconsistent M2M). */
  'claims_invalid',
  /** No `<namespace>tenant_id` claim. */
  'tenant_claim_missing',
  /** Any other verification error of aws-jwt-verify. */
  'token_invalid',
] as const;

/** Reasons for a Deny (403) policy. */
export const DENY_REASONS = [
  /** No role this API knows (`platform-admin`, `tenant-admin`, `user`) in `<namespace>roles`. */
  'no_roles',
  /** The tenant id of the token does not exist in the tenants table. */
  'tenant_unknown',
  /** The tenant exists but is not `active`. */
  'tenant_suspended',
  /** The tenant item lacks an API key value or has an unknown tier (a data error, logged at ERROR). */
  'tenant_misconfigured',
] as const;

/** A 401 reason. */
export type UnauthorizedReason = (typeof UNAUTHORIZED_REASONS)[number];
/** A 403 reason. */
export type DenyReason = (typeof DENY_REASONS)[number];
/** Any authorizer failure reason. */
export type AuthFailureReason = UnauthorizedReason | DenyReason;

/** Longest accepted bearer token, characters (API Gateway caps all headers at 10 KB; Auth0 tokens are ~1–2 KB). */
export const MAX_TOKEN_CHARS = 8192;

/**
 * A client's token is unusable: the authorizer maps it to `throw new Error('Unauthorized')` (401).
 * `detail` is a short, token-free explanation for the log (never the token, a signature or claim values).
 */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  constructor(
    readonly reason: UnauthorizedReason,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

/**
 * A dependency of the authorizer failed (JWKS endpoint unreachable, tenants table error). Not the client's fault:
 * the authorizer rethrows, API Gateway answers 500, nothing is cached.
 */
export class DependencyError extends Error {
  override name = 'DependencyError';
  constructor(
    readonly dependency: 'jwks' | 'tenants',
    cause: unknown,
  ) {
    super(`authorizer dependency failed: ${dependency}`, { cause });
  }
}
