import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS, ACCESS_LOG_KEYS } from '../../../lib/config/gateway';
import { burst, startTestStack, type TestStack } from './stack-harness';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack('memory');
});
afterAll(async () => {
  await t?.stop();
});

const lastLog = () => t.accessLog.at(-1)!;

describe('local stack: gateway, OIDC issuer, authorizer (in-memory limiter store)', () => {
  it('GET /health → 200 without a token, one access-log line with the AWS access-log keys', async () => {
    const r = await t.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', stage: 'dev' });
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const log = lastLog();
    expect(Object.keys(log)).toEqual(Object.keys(ACCESS_LOG_FIELDS));
    expect(Object.keys(log)).toEqual([...ACCESS_LOG_KEYS]);
    expect(log).toMatchObject({
      requestId: r.headers.get('x-amzn-requestid'),
      method: 'GET',
      route: '/health',
      path: '/dev/health',
      status: '200',
      authorizerLatency: '-',
      tenantId: '-',
    });
    expect(Number(log.latency)).toBeGreaterThan(0);
    expect(Number(log.integrationLatency)).toBeGreaterThanOrEqual(0);
  });

  it('serves OIDC discovery and a JWKS that verifies the tokens it mints', async () => {
    const d = await t.call('GET', '/.well-known/openid-configuration');
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({
      issuer: t.stack.issuer,
      jwks_uri: `${t.stack.issuer}.well-known/jwks.json`,
    });
    expect(t.stack.issuer).toMatch(/^http:\/\/localhost:\d+\/$/);
    const jwks = await t.call('GET', '/.well-known/jwks.json');
    const keys = jwks.json as { keys: { kid: string; d?: string }[] };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]!.d).toBeUndefined();
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet(jwks.json as { keys: [] }),
      { issuer: t.stack.issuer, audience: 'https://api.marketedge.io' },
    );
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: keys.keys[0]!.kid });
    expect(payload).toMatchObject({ sub: 'alice', 'https://marketedge.io/tenant_id': 'acme' });
    expect((await t.call('GET', '/.well-known/other')).status).toBe(404);
  });

  it('GET /v1/me with a token → 200 with the token tenant; authorizer context in the access log', async () => {
    const token = await t.token({ tenantId: 'globex', userId: 'bob' });
    const r = await t.call('GET', '/v1/me', { token });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      tenantId: 'globex',
      userId: 'bob',
      tier: 'premium',
      vertical: 'hospitality',
    });
    expect(lastLog()).toMatchObject({
      route: '/v1/me',
      status: '200',
      tenantId: 'globex',
      userId: 'bob',
      tier: 'premium',
      vertical: 'hospitality',
      principalType: 'user',
      apiKeyId: 'local-key-globex',
      authorizerStatus: '200',
      integrationStatus: '200',
    });
    expect(JSON.stringify(t.accessLog)).not.toContain(token);
    expect(JSON.stringify(t.accessLog)).not.toContain('local-globex-api-key');
  });

  it('caches the authorizer result per Authorization header (second call: authorizer latency 0)', async () => {
    const token = await t.token({ tenantId: 'umbrella', userId: 'alice' });
    expect((await t.call('GET', '/v1/me', { token })).status).toBe(200);
    expect(Number(lastLog().authorizerLatency)).toBeGreaterThan(0);
    expect((await t.call('GET', '/v1/reports', { token })).status).toBe(200);
    expect(lastLog().authorizerLatency).toBe('0');
  });

  it('no token → 401; bad signature → 401; expired → 401; wrong audience → 401 (problem+json like the stage)', async () => {
    const none = await t.call('GET', '/v1/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.json).toMatchObject({ title: 'Unauthorized', status: 401, instance: '/dev/v1/me' });
    expect(lastLog()).toMatchObject({ status: '401', errorType: 'UNAUTHORIZED' });
    const good = await t.token({ tenantId: 'acme', userId: 'alice' });
    const forged = `${good.slice(0, good.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
    expect((await t.call('GET', '/v1/me', { token: forged })).status).toBe(401);
    const expired = await t.token({ tenantId: 'acme', userId: 'alice', expiresInSec: -3600 });
    expect((await t.call('GET', '/v1/me', { token: expired })).status).toBe(401);
    const otherAud = await t.token({ tenantId: 'acme', userId: 'alice', audience: 'https://elsewhere' });
    expect((await t.call('GET', '/v1/me', { token: otherAud })).status).toBe(401);
    expect(lastLog().authorizerError).toBe('Unauthorized');
  });

  it('user token on /admin/* → 403 (explicit deny), platform admin → 200; the cached policy covers every route', async () => {
    const user = await t.token({ tenantId: 'acme', userId: 'bob' });
    expect((await t.call('GET', '/v1/me', { token: user })).status).toBe(200);
    const denied = await t.call('GET', '/admin/tenants', { token: user });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ title: 'Forbidden', status: 403 });
    expect(String(denied.json?.detail)).toContain('explicit deny');
    expect(lastLog()).toMatchObject({ errorType: 'ACCESS_DENIED', authorizerLatency: '0' });
    const ops = await t.token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
    const list = await t.call('GET', '/admin/tenants', { token: ops });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.json)).toContain('acme');
  });

  it('suspended tenant (hooli) → 403', async () => {
    const token = await t.token({ tenantId: 'hooli', userId: 'alice' });
    const r = await t.call('GET', '/v1/me', { token });
    expect(r.status).toBe(403);
    expect(lastLog()).toMatchObject({ status: '403', errorType: 'ACCESS_DENIED' });
  });

  it('a machine-to-machine (client-credentials) token is a service principal', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'reporting-client', roles: [], m2m: true });
    const r = await t.call('GET', '/v1/me', { token });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ tenantId: 'acme', principalType: 'service' });
    expect(lastLog()).toMatchObject({ principalType: 'service', userId: 'reporting-client@clients' });
  });

  it('unknown path → 404, known path with another method → 405 with Allow', async () => {
    const nf = await t.call('GET', '/v2/nothing');
    expect(nf.status).toBe(404);
    expect(lastLog()).toMatchObject({ route: '-', errorType: 'MISSING_AUTHENTICATION_TOKEN' });
    const na = await t.call('PUT', '/v1/reports');
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, POST');
  });

  it('answers CORS preflight on every route path like the stage (204, no auth)', async () => {
    const r = await t.call('OPTIONS', '/v1/reports/abc');
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET,DELETE,OPTIONS');
    expect(r.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Idempotency-Key');
    expect((await t.call('OPTIONS', '/v2/nothing')).status).toBe(404);
  });

  it('http route: the edge proxy forwards path, multi-value query and a binary body to the echo upstream', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const res = await fetch(`${t.url}/v1/market/quotes/ACME?symbol=AC%20ME&x=1&x=2`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'x-tenant-id': 'evil',
      },
      body: bytes,
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as {
      upstream: string;
      method: string;
      path: string;
      query: string;
      headers: Record<string, string>;
      body: string;
      bodyEncoding: string;
    };
    expect(echo.upstream).toBe('echo');
    expect(echo.method).toBe('POST');
    expect(echo.path).toBe('/quotes/ACME');
    expect(new URLSearchParams(echo.query).getAll('x')).toEqual(['1', '2']);
    expect(new URLSearchParams(echo.query).get('symbol')).toBe('AC ME');
    expect(echo.headers['x-tenant-id']).toBe('acme');
    expect(echo.bodyEncoding).toBe('base64');
    expect(Buffer.from(echo.body, 'base64').equals(bytes)).toBe(true);
    expect(lastLog()).toMatchObject({ route: '/v1/market/{proxy+}', method: 'POST', status: '200' });
  });

  it('usage plan: a free-tier key beyond its burst gets the gateway 429 (THROTTLED), then recovers', async () => {
    t.stack.throttle.reset();
    const tokens = await Promise.all(
      ['alice', 'bob', 'admin'].map((u) => t.token({ tenantId: 'initech', userId: u })),
    );
    // Warm the authorizer cache so the burst is not spread out by JWT verification.
    for (const token of tokens) await t.call('GET', '/v1/me', { token });
    t.stack.throttle.reset();
    const started = performance.now();
    const all = (await Promise.all(tokens.map((token) => burst(t, 6, '/v1/me', token)))).flat();
    const elapsedSec = (performance.now() - started) / 1000;
    const ok = all.filter((r) => r.status === 200).length;
    const throttled = all.filter(
      (r) => r.status === 429 && r.headers.get('x-amzn-errortype') === 'THROTTLED',
    );
    // free plan: burst 10, refilled at 5 req/s while the 18 requests are in flight
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + Math.ceil(elapsedSec * 5));
    expect(ok).toBeLessThan(18);
    expect(throttled.length).toBe(18 - ok);
    expect(throttled[0]!.json).toMatchObject({ title: 'Too Many Requests', status: 429 });
    expect(t.accessLog.some((l) => l.errorType === 'THROTTLED' && l.tenantId === 'initech')).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await t.call('GET', '/v1/me', { token: tokens[0] })).status).toBe(200);
  });
});
