import { JwtVerifier } from 'aws-jwt-verify';
import { JwtInvalidSignatureAlgorithmError } from 'aws-jwt-verify/error';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  PolicyDocument,
} from 'aws-lambda';
import { AUTH_FAILURE_METRIC } from '../../lib/config/metrics';
import type { Route } from '../../lib/config/routes';
import { type IntSetting, intRule, SETTINGS } from '../../lib/config/settings';
import { isTier } from '../../lib/config/tier-names';
import { header } from '../shared/http/headers';
import {
  buildSecurityEvent,
  type SecurityEventInput,
  securityEventAttributes,
} from '../shared/security/event';
import { type AuthorizerContext, toAuthorizerContext } from '../shared/tenant-context';
import { getTenant as getTenantFromTable } from '../shared/tenants/repository';
import type { Tenant } from '../shared/tenants/tenant';
import { createPrincipalParser, type Principal } from './claims';
import { buildAllowPolicy, buildDenyPolicy } from './policy';
import { type DenyReason, DependencyError, UnauthorizedError, type UnauthorizedReason } from './reasons';
import { extractBearerToken } from './token';
import { classifyVerifyError } from './verify-errors';

/** The only signature algorithm accepted (Auth0 APIs sign access tokens with RS256). */
export const ALLOWED_ALG = 'RS256';

/** Structured logger the authorizer writes to (a Powertools `Logger` fits). */
export interface AuthorizerLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Metrics sink (a Powertools `Metrics` fits): `singleMetric()` emits one EMF record immediately with its dimensions. */
export interface AuthorizerMetrics {
  singleMetric(): {
    addDimension(name: string, value: string): void;
    /** Starts another dimension set (`{}` = the default dimensions `service`, `stage` alone). */
    addDimensions?(dimensions: Record<string, string>): void;
    addMetadata(key: string, value: string): void;
    addMetric(name: string, unit: 'Count', value: number): void;
  };
}

/** Configuration of {@link createAuthorizer}. */
export interface AuthorizerOptions {
  /** Expected `iss`, exactly, with Auth0's trailing `/` (e.g. `https://marketedge.eu.auth0.com/`). */
  issuer: string;
  /** Expected audience(s): the token's `aud` (string or array) must contain one of them. */
  audience: string | readonly string[];
  /** Auth0 custom-claim namespace with trailing `/` (e.g. `https://marketedge.io/`). */
  claimsNamespace: string;
  /**
   * Allowed clock skew for `exp`/`nbf`/`iat`, seconds (bounds: `SETTINGS.auth0ClockToleranceSec`, 0–300).
   * @default 10 (`SETTINGS.auth0ClockToleranceSec.default`, as the deployed handler reads it)
   */
  clockToleranceSec?: number;
  /**
   * Longest accepted token lifetime `exp − iat`, seconds (Auth0's default maximum access-token lifetime; bounds:
   * `SETTINGS.auth0MaxTokenLifetimeSec`). Longer-lived tokens are refused with `token_lifetime_exceeded`.
   * @default 86,400
   */
  maxTokenLifetimeSec?: number;
  /**
   * In-memory tenant cache TTL, seconds (0 = no cache; bounds: `SETTINGS.tenantCacheTtlSec`, 0–300).
   * @default 5
   */
  tenantCacheTtlSec?: number;
  /** JWKS URL (default `<issuer>.well-known/jwks.json`, Auth0's location). */
  jwksUri?: string;
  /**
   * JWKS cache to use instead of aws-jwt-verify's default `SimpleJwksCache` (HTTPS-only fetcher). The local stack and
   * tests pass `createFetchJwksCache()` (plain http allowed). Production leaves it unset.
   */
  jwksCache?: JwksCache;
  /** Tenant lookup (default: the cached DynamoDB repository `getTenant(tenantId, ttlMs)`). */
  getTenant?: (tenantId: string, ttlMs: number) => Promise<Tenant | undefined>;
  /** Route table for the policy (default `ROUTES`). */
  routes?: readonly Route[];
  logger: AuthorizerLogger;
  metrics: AuthorizerMetrics;
}

/** {@link AuthorizerContext} as a plain object type (assignable to API Gateway's context record). */
export type AuthorizerResultContext = { [K in keyof AuthorizerContext]: AuthorizerContext[K] };

/** What the authorizer returns to API Gateway (REST, REQUEST authorizer); assignable to `APIGatewayAuthorizerResult`. */
export interface AuthorizerResult extends APIGatewayAuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  /** Present on Allow only. */
  context?: AuthorizerResultContext;
  /** The tenant's API key value (usage plans, `apiKeySource: AUTHORIZER`); Allow only. */
  usageIdentifierKey?: string;
}

/**
 * A REST REQUEST authorizer function.
 * @throws {Error} `Unauthorized` (exact message; API Gateway answers 401) for a missing/malformed/invalid/expired token
 * @throws {DependencyError} when the JWKS or the tenants table cannot be read (API Gateway answers 500)
 */
export type Authorizer = ((event: APIGatewayRequestAuthorizerEvent) => Promise<AuthorizerResult>) & {
  /** The underlying aws-jwt-verify verifier (JWKS cache), e.g. to `hydrate()` at init or for benchmarks. */
  readonly verifier: { verify(jwt: string): Promise<unknown>; hydrate(): Promise<void> };
};

/** Thrown by {@link createAuthorizer} for invalid options (a deployment error: fail the cold start). */
export class AuthorizerConfigError extends Error {
  override name = 'AuthorizerConfigError';
}

function validateOptions(o: AuthorizerOptions): void {
  const problems: string[] = [];
  if (!/^https?:\/\/\S+\/$/.test(o.issuer)) problems.push('issuer: must be an http(s) URL ending with "/"');
  const aud = typeof o.audience === 'string' ? [o.audience] : o.audience;
  if (aud.length === 0 || aud.some((a) => a.length === 0)) problems.push('audience: must be non-empty');
  if (!/^\S+\/$/.test(o.claimsNamespace)) problems.push('claimsNamespace: must end with "/"');
  const check = (option: string, value: number | undefined, s: IntSetting) => {
    const v = value ?? s.default;
    if (!Number.isInteger(v) || v < s.min || v > s.max) problems.push(`${option}: ${intRule(s)}`);
  };
  check('clockToleranceSec', o.clockToleranceSec, SETTINGS.auth0ClockToleranceSec);
  check('tenantCacheTtlSec', o.tenantCacheTtlSec, SETTINGS.tenantCacheTtlSec);
  check('maxTokenLifetimeSec', o.maxTokenLifetimeSec, SETTINGS.auth0MaxTokenLifetimeSec);
  if (problems.length > 0)
    throw new AuthorizerConfigError(`authorizer config invalid: ${problems.join('; ')}`);
}

/**
 * Time checks aws-jwt-verify does not make (after the signature verified): `iat` required, not in the future beyond
 * the clock tolerance, and `exp − iat` within the maximum lifetime.
 * @throws {UnauthorizedError} `claims_invalid` | `token_issued_in_future` | `token_lifetime_exceeded`
 */
export function checkTokenTimes(
  payload: unknown,
  nowSec: number,
  toleranceSec: number,
  maxLifetimeSec: number,
): void {
  const { iat, exp } = (payload ?? {}) as { iat?: unknown; exp?: unknown };
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw new UnauthorizedError('claims_invalid', 'iat missing');
  if (iat > nowSec + toleranceSec)
    throw new UnauthorizedError('token_issued_in_future', `${Math.round(iat - nowSec)} s ahead`);
  if (typeof exp === 'number' && exp - iat > maxLifetimeSec) {
    throw new UnauthorizedError(
      'token_lifetime_exceeded',
      `${Math.round(exp - iat)} s > ${maxLifetimeSec} s`,
    );
  }
}

/** Cheap checks before any JWKS work: header must name RS256 and a `kid`. */
function precheckHeader(token: string): void {
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decomposeUnverifiedJwt(token).header;
  } catch (err) {
    throw classifyVerifyError(err);
  }
  if (header.alg !== ALLOWED_ALG) throw new UnauthorizedError('alg_not_allowed', 'header alg');
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    throw new UnauthorizedError('kid_unknown', 'no kid in header');
  }
}

/**
 * Creates the Auth0 REST REQUEST authorizer (docs/authorizer.md):
 * 1. one `Authorization: Bearer <jwt>` header ({@link extractBearerToken});
 * 2. RS256 only; signature via the issuer's JWKS (cached per container, one refetch on an unknown `kid`, then the
 *    penalty box); `iss` exact; `aud` string or array; `exp`/`nbf` with the clock tolerance (aws-jwt-verify 5, RFC 7519);
 * 3. claims ({@link createPrincipalParser}): namespaced tenant id and roles, RBAC `permissions`, M2M → `service`;
 * 4. tenant lookup (cached): unknown / not active → Deny;
 * 5. Allow: whole-API policy with explicit Deny for routes outside the caller's roles ({@link buildAllowPolicy}),
 *    context = `AuthorizerContext`, `usageIdentifierKey` = the tenant's API key value.
 * Failures are logged with a reason code (never the token) and counted as `AuthFailure{reason}`.
 * @throws {AuthorizerConfigError} for invalid options
 */
export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  validateOptions(options);
  const { logger, metrics } = options;
  const ttlMs = (options.tenantCacheTtlSec ?? SETTINGS.tenantCacheTtlSec.default) * 1000;
  const lookupTenant = options.getTenant ?? getTenantFromTable;
  const parsePrincipal = createPrincipalParser(options.claimsNamespace);
  const toleranceSec = options.clockToleranceSec ?? SETTINGS.auth0ClockToleranceSec.default;
  const maxLifetimeSec = options.maxTokenLifetimeSec ?? SETTINGS.auth0MaxTokenLifetimeSec.default;
  const verifier = JwtVerifier.create(
    {
      issuer: options.issuer,
      audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
      ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
      graceSeconds: toleranceSec,
      customJwtCheck: ({ header }) => {
        if (header.alg !== ALLOWED_ALG) {
          throw new JwtInvalidSignatureAlgorithmError('only RS256 is accepted', header.alg, ALLOWED_ALG);
        }
      },
    },
    options.jwksCache ? { jwksCache: options.jwksCache } : undefined,
  );

  function countFailure(reason: UnauthorizedReason | DenyReason, tenantId?: string): void {
    const m = metrics.singleMetric();
    m.addDimension('reason', reason);
    m.addDimensions?.({}); // also as [service, stage]: the stage-wide series alarms sum (lib/config/alarms.ts)
    if (tenantId) m.addMetadata('tenantId', tenantId);
    m.addMetric(AUTH_FAILURE_METRIC, 'Count', 1);
  }

  function deny(
    event: APIGatewayRequestAuthorizerEvent,
    reason: DenyReason,
    principal: Principal,
    level: 'warn' | 'error' = 'warn',
  ): AuthorizerResult {
    logger[level]('authorization denied', {
      reason,
      status: 403,
      tenantId: principal.tenantId,
      userId: principal.userId,
      principalType: principal.principalType,
      ...securityEvent(event, {
        type: 'AuthDenied',
        outcome: 'forbidden',
        reason,
        tenantId: principal.tenantId,
        principal: principal.userId,
        principalType: principal.principalType,
      }),
    });
    countFailure(reason, principal.tenantId);
    return { principalId: principal.userId, policyDocument: buildDenyPolicy(event.methodArn) };
  }

  async function authorize(event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerResult> {
    let principal: Principal;
    try {
      const token = extractBearerToken(event);
      precheckHeader(token);
      let payload: unknown;
      try {
        payload = await verifier.verify(token);
      } catch (err) {
        throw classifyVerifyError(err);
      }
      checkTokenTimes(payload, Date.now() / 1000, toleranceSec, maxLifetimeSec);
      principal = parsePrincipal(payload);
    } catch (err) {
      if (err instanceof UnauthorizedError) {
        logger.warn('authorization failed', {
          reason: err.reason,
          status: 401,
          detail: err.detail,
          ...securityEvent(event, {
            type: 'AuthFailed',
            outcome: 'unauthorized',
            reason: err.reason,
            details: { detail: err.detail },
          }),
        });
        countFailure(err.reason);
        throw new Error('Unauthorized');
      }
      if (err instanceof DependencyError) {
        logger.error('authorizer dependency failed', {
          dependency: err.dependency,
          error: describe(err.cause),
        });
        throw err;
      }
      throw err;
    }

    let tenant: Tenant | undefined;
    try {
      tenant = await lookupTenant(principal.tenantId, ttlMs);
    } catch (err) {
      logger.error('authorizer dependency failed', { dependency: 'tenants', error: describe(err) });
      throw new DependencyError('tenants', err);
    }
    if (!tenant) return deny(event, 'tenant_unknown', principal);
    if (tenant.status !== 'active') return deny(event, 'tenant_suspended', principal);
    if (!tenant.apiKeyValue || !tenant.apiKeyId || !isTier(tenant.tier)) {
      return deny(event, 'tenant_misconfigured', principal, 'error');
    }
    if (principal.roles.length === 0) return deny(event, 'no_roles', principal);

    const context: AuthorizerResultContext = toAuthorizerContext(
      { ...principal, tier: tenant.tier, vertical: tenant.vertical },
      tenant.apiKeyId,
    );
    logger.info('authorized', {
      tenantId: principal.tenantId,
      userId: principal.userId,
      roles: context.roles,
      principalType: principal.principalType,
      tier: tenant.tier,
      ...securityEvent(event, {
        type: 'AuthAllowed',
        outcome: 'allowed',
        reason: 'authorized',
        tenantId: principal.tenantId,
        principal: principal.userId,
        principalType: principal.principalType,
        details: { roles: context.roles, tier: tenant.tier },
      }),
    });
    return {
      principalId: principal.userId,
      policyDocument: buildAllowPolicy(event.methodArn, principal.roles, options.routes),
      context,
      usageIdentifierKey: tenant.apiKeyValue,
    };
  }

  return Object.assign(authorize, { verifier });
}

/**
 * The log attributes of a security event of this request (caller's address, user agent, route and request id from
 * the event), `{ security_event: … }`.
 */
function securityEvent(event: APIGatewayRequestAuthorizerEvent, input: SecurityEventInput) {
  return securityEventAttributes(
    buildSecurityEvent({
      sourceIp: event.requestContext?.identity?.sourceIp,
      userAgent: header(event.headers, 'user-agent'),
      route: event.resource,
      requestId: event.requestContext?.requestId,
      ...input,
    }),
  );
}

/** Error name and message for logs (never a token: aws-jwt-verify and SDK messages carry none). */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
