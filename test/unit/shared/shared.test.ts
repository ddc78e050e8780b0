import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as health } from '../../../lambdas/health/handler';
import { flags, staticFlags } from '../../../lambdas/shared/flags';
import { badRequest, fieldErrors, problem } from '../../../lambdas/shared/http/problem';
import {
  type TenantContext,
  tenantContextFromEvent,
  toAuthorizerContext,
} from '../../../lambdas/shared/tenant-context';

describe('tenant context', () => {
  const ctx: TenantContext = {
    tenantId: 'acme',
    userId: 'alice',
    roles: ['tenant-admin', 'user'],
    permissions: ['read:reports', 'write:reports'],
    tier: 'standard',
    vertical: 'retail',
    principalType: 'user',
  };

  it('round-trips through the authorizer context', () => {
    const authorizer = toAuthorizerContext(ctx, 'key-1');
    expect(authorizer).toMatchObject({
      roles: 'tenant-admin,user',
      permissions: 'read:reports write:reports',
      apiKeyId: 'key-1',
    });
    const event = { requestContext: { authorizer } } as unknown as APIGatewayProxyEvent;
    expect(tenantContextFromEvent(event)).toEqual(ctx);
  });

  it('drops unknown roles and rejects events without a tenant or with an unknown tier', () => {
    const withJunk = {
      requestContext: { authorizer: { ...toAuthorizerContext(ctx, 'k'), roles: 'root,user' } },
    };
    expect(tenantContextFromEvent(withJunk as unknown as APIGatewayProxyEvent)?.roles).toEqual(['user']);
    expect(tenantContextFromEvent({ requestContext: {} } as unknown as APIGatewayProxyEvent)).toBeUndefined();
    const badTier = { requestContext: { authorizer: { ...toAuthorizerContext(ctx, 'k'), tier: 'gold' } } };
    expect(tenantContextFromEvent(badTier as unknown as APIGatewayProxyEvent)).toBeUndefined();
  });
});

describe('problem responses', () => {
  it('follows RFC 9457', () => {
    const res = problem(429, 'Too Many Requests', { detail: 'slow down' }, { 'retry-after': '2' });
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '2' });
    expect(JSON.parse(res.body)).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      detail: 'slow down',
    });
  });

  it('lists field paths for 400s', () => {
    const errors = fieldErrors(
      [
        { path: [2, 'limit'], message: 'too small' },
        { path: [], message: 'bad' },
      ],
      'rules',
    );
    expect(errors).toEqual([
      { path: 'rules.2.limit', message: 'too small' },
      { path: 'rules', message: 'bad' },
    ]);
    expect(fieldErrors([{ path: [], message: 'x' }])[0]?.path).toBe('(body)');
    expect(JSON.parse(badRequest(errors).body).errors).toHaveLength(2);
  });
});

describe('flags', () => {
  afterEach(() => flags.reset());

  it('uses catalog defaults of the stage, overridden by FEATURE_FLAGS', () => {
    expect(staticFlags({ STAGE: 'prod' }).frontend_testing_enabled).toBe(false);
    expect(staticFlags({ STAGE: 'dev' }).frontend_testing_enabled).toBe(true);
    const f = staticFlags({ STAGE: 'prod', FEATURE_FLAGS: '{"rate_limiting_enabled":false,"bogus":true}' });
    expect(f.rate_limiting_enabled).toBe(false);
    expect('bogus' in f).toBe(false);
    expect(staticFlags({ STAGE: 'prod', FEATURE_FLAGS: '{not json' }).rate_limiting_enabled).toBe(true);
  });

  it('runtime overrides win until reset', async () => {
    expect(await flags.isEnabled('rate_limiting_enabled')).toBe(true);
    flags.set({ rate_limiting_enabled: false });
    expect(await flags.isEnabled('rate_limiting_enabled')).toBe(false);
    flags.reset();
    expect(await flags.isEnabled('rate_limiting_enabled')).toBe(true);
  });
});

describe('health', () => {
  it('answers 200 without touching dependencies', async () => {
    const res = await health();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
  });
});
