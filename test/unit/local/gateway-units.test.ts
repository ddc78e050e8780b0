import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { findRoute } from '../../../lib/config/routes';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { type APIGatewayAuthorizerResult, AuthorizerStep } from '../../../local/gateway/authorizer-step';
import {
  buildAuthorizerEvent,
  buildProxyEvent,
  clfTime,
  eventHeaders,
  eventQuery,
  type IncomingRequest,
  isBinaryMediaType,
  methodArn,
} from '../../../local/gateway/event';
import { gatewayError } from '../../../local/gateway/gateway-responses';
import { evaluatePolicy, wildcard } from '../../../local/gateway/iam-policy';
import { UsagePlanThrottle } from '../../../local/gateway/usage-plan';

const req = (over: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: 'GET',
  rawPath: '/v1/reports/r%201',
  rawQuery: 'a=1&a=2&b=x%20y&c=1+2&flag',
  rawHeaders: ['Host', 'localhost:3000', 'X-Multi', 'one', 'x-multi', 'two', 'User-Agent', 'ua/1'],
  body: Buffer.alloc(0),
  sourceIp: '10.1.2.3',
  port: 3000,
  requestId: '11111111-2222-3333-4444-555555555555',
  receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  stage: 'dev',
  ...over,
});

describe('REST proxy v1 event builder', () => {
  it('headers: last value wins, multi-value keeps all, first casing kept; null when none', () => {
    expect(eventHeaders(['A', '1', 'a', '2', 'B', '3'])).toEqual({
      headers: { A: '2', B: '3' },
      multiValueHeaders: { A: ['1', '2'], B: ['3'] },
    });
    expect(eventHeaders([])).toEqual({ headers: null, multiValueHeaders: null });
  });

  it('query: percent-decoded, + kept, valueless keys are empty strings; null when empty', () => {
    expect(eventQuery('a=1&a=2&b=x%20y&c=1+2&flag&bad=%E0%A4%A')).toEqual({
      queryStringParameters: { a: '2', b: 'x y', c: '1+2', flag: '', bad: '%E0%A4%A' },
      multiValueQueryStringParameters: {
        a: ['1', '2'],
        b: ['x y'],
        c: ['1+2'],
        flag: [''],
        bad: ['%E0%A4%A'],
      },
    });
    expect(eventQuery('')).toEqual({ queryStringParameters: null, multiValueQueryStringParameters: null });
  });

  it('binary media types, with parameters and wildcards', () => {
    expect(isBinaryMediaType('application/octet-stream')).toBe(true);
    expect(isBinaryMediaType('image/png; q=1')).toBe(true);
    expect(isBinaryMediaType('application/json; charset=utf-8')).toBe(false);
    expect(isBinaryMediaType(undefined)).toBe(false);
  });

  it('requestTime is CLF in UTC; method ARN carries stage, method and path', () => {
    expect(clfTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('02/Jan/2026:03:04:05 +0000');
    expect(methodArn('dev', 'GET', '/v1/me')).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:local/dev/GET/v1/me',
    );
  });

  it('builds the proxy event with authorizer context, API key identity and gateway headers', () => {
    const route = findRoute('GET', '/v1/reports/{reportId}')!;
    const e = buildProxyEvent(
      req(),
      route,
      { reportId: 'r 1' },
      {
        authorizer: { tenantId: 'acme', principalId: 'alice', integrationLatency: 3 },
        apiKey: 'key-value',
        apiKeyId: 'key-id',
      },
    );
    expect(e).toMatchObject({
      resource: '/v1/reports/{reportId}',
      path: '/v1/reports/r%201',
      httpMethod: 'GET',
      pathParameters: { reportId: 'r 1' },
      queryStringParameters: { a: '2', b: 'x y' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(e.headers).toMatchObject({
      'X-Multi': 'two',
      'X-Forwarded-For': '10.1.2.3',
      'X-Forwarded-Proto': 'http',
    });
    expect(e.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(e.multiValueHeaders['X-Multi']).toEqual(['one', 'two']);
    expect(e.requestContext).toMatchObject({
      requestId: req().requestId,
      resourcePath: '/v1/reports/{reportId}',
      path: '/dev/v1/reports/r%201',
      stage: 'dev',
      requestTime: '02/Jan/2026:03:04:05 +0000',
      identity: { sourceIp: '10.1.2.3', userAgent: 'ua/1', apiKey: 'key-value', apiKeyId: 'key-id' },
      authorizer: { tenantId: 'acme', principalId: 'alice', integrationLatency: 3 },
    });
  });

  it('bodies: text as UTF-8, binary media types base64 with isBase64Encoded; X-Forwarded-For appended', () => {
    const route = findRoute('POST', '/v1/reports')!;
    const text = buildProxyEvent(
      req({
        method: 'POST',
        body: Buffer.from('{"t":"é"}'),
        rawHeaders: ['Content-Type', 'application/json'],
      }),
      route,
      {},
    );
    expect(text).toMatchObject({ body: '{"t":"é"}', isBase64Encoded: false, pathParameters: null });
    expect(text.requestContext.authorizer).toBeNull();
    const bytes = Buffer.from([0, 255, 1]);
    const bin = buildProxyEvent(
      req({
        method: 'POST',
        body: bytes,
        rawHeaders: ['Content-Type', 'application/octet-stream', 'X-Forwarded-For', '1.1.1.1'],
      }),
      route,
      {},
    );
    expect(bin.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.body!, 'base64').equals(bytes)).toBe(true);
    expect(bin.headers['X-Forwarded-For']).toBe('1.1.1.1, 10.1.2.3');
  });

  it('builds the REQUEST authorizer event', () => {
    const route = findRoute('GET', '/v1/reports/{reportId}')!;
    const e = buildAuthorizerEvent(req({ rawHeaders: ['Authorization', 'Bearer x'] }), route, {
      reportId: 'r 1',
    });
    expect(e).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:local/dev/GET/v1/reports/r%201',
      resource: '/v1/reports/{reportId}',
      headers: { Authorization: 'Bearer x' },
      pathParameters: { reportId: 'r 1' },
    });
  });
});

describe('IAM policy evaluation', () => {
  const arn = 'arn:aws:execute-api:us-east-1:123456789012:local/dev/GET/admin/tenants';
  const doc = (...st: { Effect: string; Resource: string | string[]; Action?: string }[]) => ({
    Version: '2012-10-17',
    Statement: st.map((s) => ({ Action: 'execute-api:Invoke', ...s })),
  });

  it('wildcards: * spans slashes, ? is one character, the rest is literal', () => {
    expect(wildcard('arn:*/dev/*/*', arn)).toBe(true);
    expect(wildcard('a?c', 'abc')).toBe(true);
    expect(wildcard('a?c', 'abbc')).toBe(false);
    expect(wildcard('a.c', 'abc')).toBe(false);
  });

  it('explicit Deny wins over Allow; no matching Allow is an implicit deny', () => {
    const all = 'arn:aws:execute-api:us-east-1:123456789012:local/dev/*/*';
    const admin = 'arn:aws:execute-api:us-east-1:123456789012:local/dev/*/admin/*';
    expect(evaluatePolicy(doc({ Effect: 'Allow', Resource: all }) as never, arn)).toBe('allow');
    expect(
      evaluatePolicy(
        doc({ Effect: 'Allow', Resource: all }, { Effect: 'Deny', Resource: [admin] }) as never,
        arn,
      ),
    ).toBe('explicit-deny');
    expect(
      evaluatePolicy(doc({ Effect: 'Allow', Resource: admin.replace('admin', 'v1') }) as never, arn),
    ).toBe('implicit-deny');
    expect(
      evaluatePolicy(doc({ Effect: 'Allow', Resource: all, Action: 's3:GetObject' }) as never, arn),
    ).toBe('implicit-deny');
    expect(evaluatePolicy(undefined, arn)).toBe('implicit-deny');
  });
});

describe('usage-plan token bucket', () => {
  it('allows burstLimit at once, refills at rateLimit per second, then enforces the daily quota', () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const t = new UsagePlanThrottle(() => now);
    const plan = { rateLimit: 2, burstLimit: 3, quotaPerDay: 5 };
    expect([1, 2, 3, 4].map(() => t.take('k', plan))).toEqual([undefined, undefined, undefined, 'throttle']);
    now += 500; // one token back
    expect(t.take('k', plan)).toBeUndefined();
    expect(t.take('k', plan)).toBe('throttle');
    expect(t.take('other', plan)).toBeUndefined();
    now += 10_000;
    expect(t.take('k', plan)).toBeUndefined(); // 5th of the day
    expect(t.take('k', plan)).toBe('quota');
    now = Date.UTC(2026, 0, 2, 0, 0, 1);
    expect(t.take('k', plan)).toBeUndefined();
    t.reset();
    expect([1, 2, 3].map(() => t.take('k', plan))).toEqual([undefined, undefined, undefined]);
  });

  it('the tier table plans are what the gateway enforces by default', () => {
    const t = new UsagePlanThrottle(() => 0);
    const free = TIER_TABLE.free.usagePlan;
    const results = Array.from({ length: free.burstLimit + 1 }, () => t.take('free-key', free));
    expect(results.filter((r) => r === undefined)).toHaveLength(free.burstLimit);
    expect(results.at(-1)).toBe('throttle');
  });
});

describe('authorizer step', () => {
  const arnFor = (path: string) => `arn:aws:execute-api:us-east-1:123456789012:local/dev/GET${path}`;
  const event = (path: string, auth?: string) =>
    ({
      type: 'REQUEST',
      methodArn: arnFor(path),
      headers: auth ? { Authorization: auth } : {},
    }) as unknown as APIGatewayRequestAuthorizerEvent;
  const ctx = {} as Context;
  const allowAllButAdmin: APIGatewayAuthorizerResult = {
    principalId: 'alice',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: arnFor('').replace('/GET', '/*/*') },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: arnFor('').replace('/GET', '/*/admin/*') },
      ],
    },
    context: { tenantId: 'acme' },
    usageIdentifierKey: 'k',
  };

  it('no Authorization header → 401 without calling the authorizer', async () => {
    let calls = 0;
    const step = new AuthorizerStep(async () => {
      calls++;
      return allowAllButAdmin;
    }, 60);
    const out = await step.run(event('/v1/me'), ctx);
    expect(out).toMatchObject({ ok: false, type: 'UNAUTHORIZED' });
    expect(calls).toBe(0);
  });

  it('caches the policy by Authorization value and evaluates it per method ARN until the TTL ends', async () => {
    let now = 0;
    let calls = 0;
    const step = new AuthorizerStep(
      async () => {
        calls++;
        return allowAllButAdmin;
      },
      60,
      () => now,
    );
    expect(await step.run(event('/v1/me', 'Bearer a'), ctx)).toMatchObject({ ok: true, cached: false });
    expect(await step.run(event('/v1/reports', 'Bearer a'), ctx)).toMatchObject({
      ok: true,
      cached: true,
      latencyMs: 0,
    });
    expect(await step.run(event('/admin/tenants', 'Bearer a'), ctx)).toMatchObject({
      ok: false,
      type: 'ACCESS_DENIED',
      error: 'explicit-deny',
    });
    expect(calls).toBe(1);
    now += 61_000;
    await step.run(event('/v1/me', 'Bearer a'), ctx);
    expect(calls).toBe(2);
    step.flush();
    await step.run(event('/v1/me', 'Bearer a'), ctx);
    expect(calls).toBe(3);
  });

  it('TTL 0 disables the cache', async () => {
    let calls = 0;
    const step = new AuthorizerStep(async () => {
      calls++;
      return allowAllButAdmin;
    }, 0);
    await step.run(event('/v1/me', 'Bearer a'), ctx);
    await step.run(event('/v1/me', 'Bearer a'), ctx);
    expect(calls).toBe(2);
  });

  it('thrown Unauthorized → 401 (not cached); other errors and malformed results → configuration error', async () => {
    let calls = 0;
    const unauthorized = new AuthorizerStep(async () => {
      calls++;
      throw new Error('Unauthorized');
    }, 60);
    expect(await unauthorized.run(event('/v1/me', 'Bearer bad'), ctx)).toMatchObject({
      ok: false,
      type: 'UNAUTHORIZED',
    });
    await unauthorized.run(event('/v1/me', 'Bearer bad'), ctx);
    expect(calls).toBe(2);
    const broken = new AuthorizerStep(async () => {
      throw new Error('JWKS unreachable');
    }, 60);
    expect(await broken.run(event('/v1/me', 'Bearer x'), ctx)).toMatchObject({
      ok: false,
      type: 'AUTHORIZER_CONFIGURATION_ERROR',
      error: 'authorizer threw: JWKS unreachable',
    });
    const malformed = new AuthorizerStep(async () => ({ principalId: 'x' }) as never, 60);
    expect(await malformed.run(event('/v1/me', 'Bearer x'), ctx)).toMatchObject({
      ok: false,
      type: 'AUTHORIZER_CONFIGURATION_ERROR',
    });
  });

  it('a policy without a matching Allow is an implicit deny (403)', async () => {
    const step = new AuthorizerStep(
      async () => ({ ...allowAllButAdmin, policyDocument: { Version: '2012-10-17', Statement: [] } }),
      60,
    );
    expect(await step.run(event('/v1/me', 'Bearer a'), ctx)).toMatchObject({
      ok: false,
      type: 'ACCESS_DENIED',
      message: 'User is not authorized to access this resource',
    });
  });
});

describe('gateway responses', () => {
  it('renders the stage templates: problem+json, CORS, status per type, context filled in', async () => {
    const r = await gatewayError('THROTTLED', 'Too Many Requests', {
      path: '/dev/v1/me',
      requestId: 'rid-1',
    });
    expect(r.status).toBe(429);
    expect(r.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'Access-Control-Allow-Origin': '*',
      'x-amzn-ErrorType': 'THROTTLED',
    });
    expect(JSON.parse(r.body.toString())).toMatchObject({
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too Many Requests',
      instance: '/dev/v1/me',
      requestId: 'rid-1',
    });
  });

  it('maps every type the gateway produces to its status', async () => {
    const ctx = { path: '/dev/x', requestId: 'r' };
    const statuses = await Promise.all(
      (
        [
          'UNAUTHORIZED',
          'ACCESS_DENIED',
          'INVALID_API_KEY',
          'MISSING_AUTHENTICATION_TOKEN',
          'METHOD_NOT_ALLOWED',
          'QUOTA_EXCEEDED',
          'AUTHORIZER_CONFIGURATION_ERROR',
          'INTEGRATION_TIMEOUT',
          'INTEGRATION_FAILURE',
          'REQUEST_TOO_LARGE',
        ] as const
      ).map(async (t) => (await gatewayError(t, 'm "quoted"', ctx)).status),
    );
    expect(statuses).toEqual([401, 403, 403, 404, 405, 429, 503, 504, 502, 413]);
    const failure = await gatewayError('INTEGRATION_FAILURE', 'Internal server error', ctx);
    expect(JSON.parse(failure.body.toString())).toMatchObject({ errorType: 'INTEGRATION_FAILURE' });
  });
});
