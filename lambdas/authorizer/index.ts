/**
 * Public surface of the authorizer (`handler.ts` is the Lambda entry). The local gateway builds the same authorizer
 * with {@link createAuthorizer} and {@link createFetchJwksCache} (plain-http JWKS of the local issuer).
 */
export {
  ALLOWED_ALG,
  type Authorizer,
  AuthorizerConfigError,
  type AuthorizerLogger,
  type AuthorizerMetrics,
  type AuthorizerOptions,
  type AuthorizerResult,
  type AuthorizerResultContext,
  createAuthorizer,
} from './authorizer';
export type { Principal } from './claims';
export { authorizerConfigFromEnv } from './config';
export { createFetchJwksCache, type FetchJwksCacheOptions } from './jwks';
export { buildAllowPolicy, buildDenyPolicy, forbiddenRoutes, parseMethodArn } from './policy';
export {
  type AuthFailureReason,
  DENY_REASONS,
  type DenyReason,
  DependencyError,
  UNAUTHORIZED_REASONS,
  type UnauthorizedReason,
} from './reasons';
