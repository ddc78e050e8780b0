import { describe, expect, it } from 'vitest';
import { encodedLength, encodeResponseBody, requestBody } from '../../../lambdas/edge-proxy/body';
import {
  clientResponseHeaders,
  eventHeaders,
  forwardableRequestHeaders,
  spoofedIdentityHeaders,
} from '../../../lambdas/edge-proxy/headers';
import { upstreamTraceparent } from '../../../lambdas/edge-proxy/traceparent';
import { buildUpstreamUrl, eventQuery, UnsafePathError } from '../../../lambdas/edge-proxy/upstream-url';

describe('request headers', () => {
  it('merges headers and multiValueHeaders, lower-cased, keeping every value', () => {
    const h = eventHeaders({ Accept: 'a', 'X-One': '1' }, { accept: ['a', 'b'], 'X-Many': ['1', '2'] });
    expect(h).toEqual({ accept: ['a', 'b'], 'x-many': ['1', '2'], 'x-one': ['1'] });
    expect(eventHeaders(null, null)).toEqual({});
  });

  it('drops identity, hop-by-hop, connection-named, credential and API Gateway headers', () => {
    const out = forwardableRequestHeaders(
      eventHeaders(
        {
          'X-Tenant-Id': 'victim',
          'x-user-id': 'root',
          'X-USER-ROLES': 'platform-admin',
          'X-Tier': 'enterprise',
          'X-Request-Id': 'fake',
          traceparent: '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
          tracestate: 'k=v',
          X_Tenant_Id: 'victim2',
          'x-tenant_id': 'victim3',
          Connection: 'keep-alive, X-Secret-Hop',
          'X-Secret-Hop': 'drop me',
          'Keep-Alive': 'timeout=5',
          TE: 'trailers',
          Trailer: 'x',
          'Transfer-Encoding': 'chunked',
          Upgrade: 'websocket',
          'Proxy-Authorization': 'Basic x',
          'Proxy-Connection': 'keep-alive',
          Host: 'api.marketedge.io',
          'Content-Length': '5',
          Expect: '100-continue',
          Authorization: 'Bearer token',
          'X-Api-Key': 'k',
          'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793',
          'X-Amzn-Apigateway-Api-Id': 'abc',
          'bad name': 'x',
          'X-Injected': 'a\r\nX-Tenant-Id: victim',
          Accept: 'application/json',
          'X-Forwarded-For': '1.2.3.4',
          'Content-Type': 'text/plain',
        },
        null,
      ),
    );
    expect(out).toEqual({
      accept: ['application/json'],
      'x-forwarded-for': ['1.2.3.4'],
      'content-type': ['text/plain'],
    });
  });
});

describe('spoofed identity headers', () => {
  it('names client-sent identity headers in any spelling, ignoring benign ones', () => {
    expect(
      spoofedIdentityHeaders(
        eventHeaders({ 'X-TENANT-ID': 'v', x_user_roles: 'a', 'X-Request-Id': 'r', traceparent: 't' }, null),
      ),
    ).toEqual(['x-tenant-id', 'x-user-roles']);
    expect(spoofedIdentityHeaders(eventHeaders({ accept: '*/*' }, null))).toEqual([]);
  });
});

describe('response headers', () => {
  it('drops hop-by-hop, connection-named, content-length and server internals; splits multi-values', () => {
    const out = clientResponseHeaders({
      'content-type': 'application/json',
      'content-length': '10',
      connection: 'close, x-hop',
      'x-hop': '1',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      server: 'nginx/1.2.3',
      'x-powered-by': 'Express',
      'set-cookie': ['a=1', 'b=2'],
      vary: ['accept'],
      'x-none': undefined,
      etag: '"v1"',
      ratelimit: 'limit=1',
      'ratelimit-policy': 'x',
      'x-ratelimit-remaining': '0',
      'retry-after': '3',
    });
    expect(out.headers).toEqual({
      'content-type': 'application/json',
      vary: 'accept',
      etag: '"v1"',
      'retry-after': '3',
    });
    expect(out.multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
    expect(clientResponseHeaders({ connection: ['close'] }).headers).toEqual({});
  });
});

describe('traceparent', () => {
  const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

  it('joins the X-Ray trace (root → trace id, Sampled → flags)', () => {
    const tp = upstreamTraceparent(
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
      '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
    );
    expect(tp).toMatch(FORMAT);
    expect(tp.split('-')[1]).toBe('5759e988bd862e3fe1be46a994272793');
    expect(tp.endsWith('-00')).toBe(true);
    expect(upstreamTraceparent('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', undefined)).toMatch(
      /-01$/,
    );
  });

  it('continues a valid client trace with a new parent id', () => {
    const client = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const tp = upstreamTraceparent(undefined, client);
    const [v, trace, parent, flags] = tp.split('-');
    expect([v, trace, flags]).toEqual(['00', '0af7651916cd43dd8448eb211c80319c', '00']);
    expect(parent).not.toBe('b7ad6b7169203331');
  });

  it.each([
    ['garbage'],
    ['ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
  ])('starts a new trace for invalid client value %s', (client) => {
    const tp = upstreamTraceparent(undefined, client);
    expect(tp).toMatch(FORMAT);
    expect(tp).not.toContain('0af7651916cd43dd8448eb211c80319c');
    expect(upstreamTraceparent(undefined, client)).not.toBe(tp);
  });
});

describe('upstream URL', () => {
  it('keeps the base path prefix and query, re-encodes segments and repeats keys', () => {
    const url = buildUpstreamUrl(new URL('http://h:81/api/v2/?key=1'), 'quotes/AC ME/ä%2F', {
      sym: ['A', 'B&C'],
      'a b': ['x y'],
    });
    expect(url).toBe('http://h:81/api/v2/quotes/AC%20ME/%C3%A4%2F?key=1&sym=A&sym=B%26C&a%20b=x%20y');
    expect(buildUpstreamUrl(new URL('https://h'), 'a//b/', {})).toBe('https://h/a//b/');
  });

  it('gives the same URL for a decoded and a still-encoded proxy parameter', () => {
    const base = new URL('http://h/');
    for (const p of ['AC ME/a%b', 'AC%20ME/a%b', 'AC%20ME/a%25b']) {
      expect(buildUpstreamUrl(base, p, {})).toBe('http://h/AC%20ME/a%25b');
    }
    expect(buildUpstreamUrl(base, 'x%2Fy', {})).toBe('http://h/x%2Fy');
  });

  it.each([['..'], ['a/../../admin'], ['./x'], ['a/.'], ['%2e%2e/admin'], ['a/%2E']])(
    'rejects dot segments in %s',
    (p) => {
      expect(() => buildUpstreamUrl(new URL('http://h/base/'), p, {})).toThrow(UnsafePathError);
    },
  );

  it('prefers multiValueQueryStringParameters', () => {
    expect(eventQuery({ a: '2' }, { a: ['1', '2'] })).toEqual({ a: ['1', '2'] });
    expect(eventQuery({ a: '2' }, null)).toEqual({ a: ['2'] });
    expect(eventQuery(null, null)).toEqual({});
  });
});

describe('bodies', () => {
  it('decodes request bodies honouring isBase64Encoded', () => {
    const bin = Buffer.from([0, 255, 1, 254]);
    expect(requestBody({ body: bin.toString('base64'), isBase64Encoded: true })).toEqual(bin);
    expect(requestBody({ body: 'héllo', isBase64Encoded: false })).toEqual(Buffer.from('héllo'));
    expect(requestBody({ body: null, isBase64Encoded: false })).toBeUndefined();
  });

  it.each([
    ['application/json; charset=utf-8', undefined, false],
    ['text/csv', undefined, false],
    ['application/problem+json', undefined, false],
    ['application/vnd.api+json', 'identity', false],
    ['application/json', 'gzip', true],
    ['image/png', undefined, true],
    ['application/octet-stream', undefined, true],
    [undefined, undefined, true],
  ])('%s (encoding %s) → base64=%s', (type, enc, b64) => {
    const e = encodeResponseBody(Buffer.from('{"a":"é"}'), type, enc);
    expect(e.isBase64Encoded).toBe(b64);
    expect(Buffer.from(e.body, b64 ? 'base64' : 'utf8')).toEqual(Buffer.from('{"a":"é"}'));
  });

  it('falls back to base64 for a textual type carrying invalid UTF-8, keeping a BOM', () => {
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    const e = encodeResponseBody(latin1, 'text/plain; charset=iso-8859-1', undefined);
    expect(e).toEqual({ body: latin1.toString('base64'), isBase64Encoded: true });
    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x61]);
    expect(Buffer.from(encodeResponseBody(bom, 'text/plain', undefined).body, 'utf8')).toEqual(bom);
    expect(encodeResponseBody(Buffer.alloc(0), 'image/png', undefined)).toEqual({
      body: '',
      isBase64Encoded: false,
    });
    expect(encodedLength({ body: 'é', isBase64Encoded: false })).toBe(2);
    expect(encodedLength({ body: 'AAAA', isBase64Encoded: true })).toBe(4);
  });
});
