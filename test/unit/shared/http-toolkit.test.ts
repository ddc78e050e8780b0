import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { jsonBody, MAX_JSON_BODY_BYTES } from '../../../lambdas/shared/http/body';
import { createHttpHandler, malformedPath, requireCaller } from '../../../lambdas/shared/http/handler';
import { header } from '../../../lambdas/shared/http/headers';
import { HttpError } from '../../../lambdas/shared/http/problem';
import { allowedMethods, attachRoute, resolveRoute } from '../../../lambdas/shared/http/route';
import type { HttpRequest, ProxyEvent, RequestStep } from '../../../lambdas/shared/http/types';
import { EVENT_BATCH_LIMITS } from '../../../lib/config/analytics';
import { findRoute } from '../../../lib/config/routes';
import { callers, restEvent } from '../reports/events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

const ctx = { awsRequestId: 'lambda-1', functionName: 'f' } as unknown as Context;
const reports = (r: { backend: { kind: string; target: string } }) =>
  r.backend.kind === 'lambda' && r.backend.target === 'reports';

function obs() {
  return {
    logger: new Logger({ serviceName: 't' }),
    metrics: new Metrics({ namespace: 'T', serviceName: 't' }),
  };
}

const me = (caller: (typeof callers)[keyof typeof callers] | null = callers.acmeAlice) =>
  restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller });

describe('header()', () => {
  it('finds a header in any case, exact name first, and ignores non-strings', () => {
    const h = { 'Content-Type': 'a', 'x-b': 'b', 'X-C': undefined } as Record<string, string | undefined>;
    expect(header(h, 'content-type')).toBe('a');
    expect(header(h, 'X-B')).toBe('b');
    expect(header(h, 'x-c')).toBeUndefined();
    expect(header(null, 'x')).toBeUndefined();
  });
});

describe('jsonBody(): one rule set for every service', () => {
  const ev = (body: string | null, type?: string, isBase64Encoded = false) => ({
    body,
    isBase64Encoded,
    headers: type ? { 'Content-Type': type } : {},
  });
  const status = (f: () => unknown) => {
    try {
      f();
      return 200;
    } catch (e) {
      return (e as HttpError).status;
    }
  };
  const schema = z.object({ a: z.object({ b: z.number() }) }).strict();

  it('413 above the cap (checked first), 415 for a non-JSON type, 400 for empty/invalid JSON', () => {
    const big = JSON.stringify({ a: 'x'.repeat(MAX_JSON_BODY_BYTES) });
    expect(status(() => jsonBody(ev(big, 'text/plain')))).toBe(413);
    expect(status(() => jsonBody(ev('{}', 'text/plain')))).toBe(415);
    expect(status(() => jsonBody(ev('{}', 'application/json-seq')))).toBe(415);
    expect(status(() => jsonBody(ev(null)))).toBe(400);
    expect(status(() => jsonBody(ev('   ', 'application/json')))).toBe(400);
    expect(status(() => jsonBody(ev('{"a":', 'application/json')))).toBe(400);
    expect(jsonBody(ev('{"a":1}'))).toEqual({ a: 1 });
    expect(jsonBody(ev(Buffer.from('{"a":2}').toString('base64'), 'application/json', true))).toEqual({
      a: 2,
    });
  });

  it('a route may lower the cap (POST /v1/events: 64 KiB) — measured after base64 decoding — never raise it', () => {
    const limit = EVENT_BATCH_LIMITS.maxBodyBytes;
    const exactly = `{"a":"${'x'.repeat(limit - 8)}"}`;
    expect(Buffer.byteLength(exactly)).toBe(limit);
    const lowered = { maxBytes: limit };
    expect(status(() => jsonBody(ev(exactly, 'application/json'), undefined, lowered))).toBe(200);
    // 65 536 bytes are 87 384 base64 characters with padding: the decoded size counts, not 3/4 of the text.
    const b64 = Buffer.from(exactly).toString('base64');
    expect(status(() => jsonBody(ev(b64, 'application/json', true), undefined, lowered))).toBe(200);
    const over = `{"a":"${'x'.repeat(limit - 7)}"}`;
    expect(status(() => jsonBody(ev(over, 'application/json'), undefined, lowered))).toBe(413);
    expect(
      status(() =>
        jsonBody(ev(Buffer.from(over).toString('base64'), 'application/json', true), undefined, lowered),
      ),
    ).toBe(413);
    // The size check still comes first, and the service-wide cap cannot be raised by a route.
    expect(status(() => jsonBody(ev(over, 'text/plain'), undefined, lowered))).toBe(413);
    const big = JSON.stringify({ a: 'x'.repeat(MAX_JSON_BODY_BYTES) });
    expect(status(() => jsonBody(ev(big), undefined, { maxBytes: 2 * MAX_JSON_BODY_BYTES }))).toBe(413);
  });

  it('schema errors answer 400 with every field path', () => {
    try {
      jsonBody(ev('{"a":{"b":"x"},"c":1}', 'application/json'), schema);
      expect.unreachable();
    } catch (e) {
      const err = e as HttpError;
      expect(err.status).toBe(400);
      expect((err.extra.errors as { path: string }[]).map((x) => x.path).sort()).toEqual(['(body)', 'a.b']);
    }
    expect(jsonBody(ev('{"a":{"b":1}}', 'application/vnd.x+json; charset=utf-8'), schema)).toEqual({
      a: { b: 1 },
    });
  });
});

describe('route resolution', () => {
  it('resolves from method + resource, or takes the route a gateway attached (no second lookup)', () => {
    const e = me();
    expect(resolveRoute(e)).toBe(findRoute('GET', '/v1/me'));
    const other = { ...e, resource: '/not-a-route' } as ProxyEvent;
    expect(resolveRoute(other)).toBeUndefined();
    attachRoute(other, findRoute('GET', '/v1/reports')!);
    expect(resolveRoute(other)?.path).toBe('/v1/reports');
  });

  it('allowed methods of a concrete path, optionally for one integration', () => {
    expect(allowedMethods('/v1/reports/abc')).toEqual(['GET', 'DELETE']);
    expect(allowedMethods('/v1/market/x')).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    expect(allowedMethods('/v1/reports/abc', (r) => r.backend.kind === 'http')).toEqual([]);
  });
});

describe('createHttpHandler()', () => {
  it('refuses endpoints that are not served routes of the table', () => {
    const ok = async () => ({ statusCode: 200, body: '' });
    expect(() => createHttpHandler({ obs: obs(), serves: reports, endpoints: { 'GET /nope': ok } })).toThrow(
      /not in the route table/,
    );
    expect(() =>
      createHttpHandler({ obs: obs(), serves: reports, endpoints: { 'GET /admin/tiers': ok } }),
    ).toThrow(/not in the route table/);
  });

  it('passes one resolved request (route, key, tenant, request id) through the rate-limit step to the endpoint', async () => {
    const seen: HttpRequest[] = [];
    const step: RequestStep = async (req, next) => {
      seen.push(req);
      const res = await next();
      return { ...res, headers: { ...res.headers, 'x-step': '1' } };
    };
    const h = createHttpHandler({
      obs: obs(),
      serves: reports,
      rateLimit: step,
      endpoints: {
        'GET /v1/me': async (req) => {
          seen.push(req);
          return { statusCode: 200, body: req.tenant?.tenantId ?? '' };
        },
      },
    });
    const e = me();
    const res = await h(e, ctx);
    expect(res).toMatchObject({ statusCode: 200, body: 'acme', headers: { 'x-step': '1' } });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toMatchObject({ routeKey: 'GET /v1/me', requestId: e.requestContext.requestId });
  });

  it('errors: HttpError → its problem with requestId (rate-limit headers still added); other → 500 counted', async () => {
    const o = obs();
    const add = vi.spyOn(o.metrics, 'addMetric');
    const step: RequestStep = async (_req, next) => {
      const res = await next();
      return { ...res, headers: { ...res.headers, 'x-step': '1' } };
    };
    const h = createHttpHandler({
      obs: o,
      serves: reports,
      rateLimit: step,
      endpoints: {
        'GET /v1/me': async () => {
          throw new HttpError(409, 'Conflict', { detail: 'no' });
        },
        'GET /v1/reports': async () => {
          throw new Error('secret internals');
        },
      },
    });
    const e = me();
    const c = await h(e, ctx);
    expect(c.statusCode).toBe(409);
    expect(c.headers).toMatchObject({ 'content-type': 'application/problem+json', 'x-step': '1' });
    expect(JSON.parse(c.body)).toMatchObject({ status: 409, requestId: e.requestContext.requestId });
    const boom = await h(
      restEvent({ method: 'GET', resource: '/v1/reports', path: '/v1/reports', caller: callers.acmeAlice }),
      ctx,
    );
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(add).toHaveBeenCalledWith('UnhandledError', 'Count', 1);
  });

  it('400 for a non-proxy event; 404 for routes of another Lambda; 405 with Allow on a served path', async () => {
    const h = createHttpHandler({ obs: obs(), serves: reports, endpoints: {} });
    expect((await h({} as ProxyEvent, ctx)).statusCode).toBe(400);
    const admin = restEvent({
      method: 'GET',
      resource: '/admin/tiers',
      path: '/admin/tiers',
      caller: callers.ops,
    });
    expect((await h(admin, ctx)).statusCode).toBe(404);
    const put = restEvent({ method: 'PUT', resource: '/v1/me', path: '/v1/me', caller: callers.ops });
    const res = await h(put, ctx);
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET');
    // A served route without an endpoint (not yet implemented) is 404 too.
    expect((await h(me(), ctx)).statusCode).toBe(404);
  });

  it('logs with the correlation id and request keys, and resets them after the request', async () => {
    const o = { ...obs(), logger: new Logger({ serviceName: 't', logLevel: 'INFO' }) };
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(o.logger as unknown as { printLog: () => void }, 'printLog').mockImplementation(((
      _level: number,
      log: { getAttributes(): Record<string, unknown> },
    ) => {
      lines.push(log.getAttributes());
    }) as never);
    const h = createHttpHandler({
      obs: o,
      serves: reports,
      endpoints: {
        'GET /v1/me': async () => {
          o.logger.info('inside');
          return { statusCode: 200, body: '' };
        },
      },
    });
    const e = me();
    await h(e, ctx);
    o.logger.info('after');
    expect(lines[0]).toMatchObject({
      correlation_id: e.requestContext.requestId,
      route: 'GET /v1/me',
      tenantId: 'acme',
      userId: 'alice',
      tier: 'standard',
    });
    expect(lines[1]).not.toHaveProperty('route');
    expect(lines[1]).not.toHaveProperty('tenantId');
  });
});

describe('requireCaller()', () => {
  const req = (caller: (typeof callers)[keyof typeof callers] | null, method = 'GET', path = '/v1/me') => {
    const event = restEvent({ method, resource: path, path, caller });
    const h = { event, route: findRoute(method, path)! } as unknown as HttpRequest;
    return {
      ...h,
      tenant: caller
        ? { ...caller, permissions: [], vertical: 'retail', principalType: 'user' as const }
        : undefined,
    };
  };
  it('401 without a tenant, 403 without one of the route roles, else the narrowed request', () => {
    expect(() => requireCaller(req(null))).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => requireCaller(req(callers.acmeAlice, 'DELETE', '/v1/reports/{reportId}'))).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(requireCaller(req(callers.acmeAdmin, 'DELETE', '/v1/reports/{reportId}')).tenant.tenantId).toBe(
      'acme',
    );
  });
});

describe('malformedPath()', () => {
  /** The rule spelled out: every `/` segment decodes (decodeURIComponent) to text without NUL; so do the parameters. */
  const reference = (path: string, params: Record<string, string> = {}): string | undefined => {
    for (const segment of path.split('/')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return 'has a malformed percent-escape or invalid UTF-8';
      }
      if (decoded.includes('\0')) return 'must not contain NUL';
    }
    return Object.values(params).some((v) => v.includes('\0')) ? 'must not contain NUL' : undefined;
  };
  const paths = [
    '/v1/me',
    '/v1/reports/r-1',
    '/',
    '',
    '/v1/reports/a\0b',
    '/v1/reports/%00',
    '/v1/reports/%E0%A4%A',
    '/v1/reports/%ZZ',
    '/v1/reports/caf%C3%A9',
    '/v1/reports/%2F%7B%7D',
    '/v1/reports/%',
    '/v1/reports/\uD800',
    '/v1/reports/%ED%A0%80',
    '/v1/reports/%F0%9F%98%80/x%00y',
  ];
  it.each(paths)('%j: the same answer as decoding every segment', (path) => {
    expect(malformedPath({ path, pathParameters: null })).toBe(reference(path));
    expect(malformedPath({ path, pathParameters: { reportId: 'a\0' } })).toBe(
      reference(path, { reportId: 'a\0' }),
    );
  });
  it('names what is wrong', () => {
    expect(malformedPath({ path: '/v1/me', pathParameters: null })).toBeUndefined();
    expect(malformedPath({ path: '/v1/%E0%A4%A', pathParameters: null })).toMatch(/malformed percent-escape/);
    expect(malformedPath({ path: '/v1/x\0', pathParameters: null })).toBe('must not contain NUL');
    expect(malformedPath({ path: '/v1/%00', pathParameters: null })).toBe('must not contain NUL');
  });
});
