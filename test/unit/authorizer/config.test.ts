import {
  FetchError,
  JwksValidationError,
  JwtExpiredError,
  ParameterValidationError,
} from 'aws-jwt-verify/error';
import { describe, expect, it } from 'vitest';
import { AuthorizerConfigError, createAuthorizer } from '../../../lambdas/authorizer/authorizer';
import {
  authorizerConfigFromEnv,
  DEFAULT_CLOCK_TOLERANCE_SEC,
  DEFAULT_TENANT_CACHE_TTL_SEC,
} from '../../../lambdas/authorizer/config';
import { DependencyError, UnauthorizedError } from '../../../lambdas/authorizer/reasons';
import { classifyVerifyError } from '../../../lambdas/authorizer/verify-errors';

const env = {
  AUTH0_ISSUER: 'https://marketedge-dev.eu.auth0.com/',
  AUTH0_AUDIENCE: 'https://api.marketedge.io',
  AUTH0_CLAIMS_NAMESPACE: 'https://marketedge.io/',
};

describe('authorizerConfigFromEnv', () => {
  it('reads the contract env vars with defaults for the numbers', () => {
    expect(authorizerConfigFromEnv(env)).toEqual({
      issuer: env.AUTH0_ISSUER,
      audience: env.AUTH0_AUDIENCE,
      claimsNamespace: env.AUTH0_CLAIMS_NAMESPACE,
      clockToleranceSec: DEFAULT_CLOCK_TOLERANCE_SEC,
      tenantCacheTtlSec: DEFAULT_TENANT_CACHE_TTL_SEC,
      maxTokenLifetimeSec: 86_400,
    });
    const c = authorizerConfigFromEnv({
      ...env,
      AUTH0_AUDIENCE: 'a, b',
      AUTH0_CLOCK_TOLERANCE_SEC: '30',
      TENANT_CACHE_TTL_SEC: '0',
      AUTH0_MAX_TOKEN_LIFETIME_SEC: '3600',
    });
    expect(c).toMatchObject({
      audience: ['a', 'b'],
      clockToleranceSec: 30,
      tenantCacheTtlSec: 0,
      maxTokenLifetimeSec: 3600,
    });
  });

  it('names every bad variable', () => {
    const bad = () =>
      authorizerConfigFromEnv({
        AUTH0_ISSUER: 'https://marketedge.eu.auth0.com',
        AUTH0_CLAIMS_NAMESPACE: 'https://marketedge.io',
        AUTH0_CLOCK_TOLERANCE_SEC: 'ten',
        TENANT_CACHE_TTL_SEC: '-1',
      });
    expect(bad).toThrow(AuthorizerConfigError);
    expect(bad).toThrow(
      /AUTH0_ISSUER.*AUTH0_AUDIENCE.*AUTH0_CLAIMS_NAMESPACE.*AUTH0_CLOCK_TOLERANCE_SEC.*TENANT_CACHE_TTL_SEC/,
    );
    expect(() => authorizerConfigFromEnv({ ...env, AUTH0_ISSUER: 'http://insecure.example/' })).toThrow(
      /https/,
    );
  });
});

describe('createAuthorizer options', () => {
  const base = {
    issuer: 'https://x.example/',
    audience: 'api',
    claimsNamespace: 'https://ns.example/',
    logger: { info() {}, warn() {}, error() {} },
    metrics: { singleMetric: () => ({ addDimension() {}, addMetadata() {}, addMetric() {} }) },
  };
  it.each([
    [{ issuer: 'https://x.example' }, /issuer/],
    [{ audience: [] }, /audience/],
    [{ audience: '' }, /audience/],
    [{ claimsNamespace: 'ns' }, /claimsNamespace/],
    [{ clockToleranceSec: 1.5 }, /clockToleranceSec/],
    [{ clockToleranceSec: 301 }, /clockToleranceSec/],
    [{ tenantCacheTtlSec: -1 }, /tenantCacheTtlSec/],
  ])('rejects %j', (override, message) => {
    expect(() => createAuthorizer({ ...base, ...override })).toThrow(message);
  });
  it('accepts a valid config and exposes the verifier', () => {
    expect(typeof createAuthorizer({ ...base, audience: ['a', 'b'] }).verifier.verify).toBe('function');
  });
});

describe('classifyVerifyError', () => {
  it('maps JWKS load failures to a dependency error (500), the rest to 401 reasons', () => {
    expect(classifyVerifyError(new FetchError('https://x/jwks', 'ECONNREFUSED'))).toBeInstanceOf(
      DependencyError,
    );
    expect(classifyVerifyError(new JwksValidationError('bad'))).toBeInstanceOf(DependencyError);
    expect((classifyVerifyError(new JwtExpiredError('x', 1)) as UnauthorizedError).reason).toBe(
      'token_expired',
    );
    expect((classifyVerifyError(new ParameterValidationError('x')) as UnauthorizedError).reason).toBe(
      'token_invalid',
    );
    const odd = classifyVerifyError(new TypeError('key mismatch')) as UnauthorizedError;
    expect([odd.reason, odd.detail]).toEqual(['token_invalid', 'TypeError']);
    expect((classifyVerifyError('string thrown') as UnauthorizedError).detail).toBe('string');
    const same = new UnauthorizedError('kid_unknown');
    expect(classifyVerifyError(same)).toBe(same);
  });
});
