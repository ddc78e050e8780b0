import fc from 'fast-check';
import * as z from 'zod';
import { MAX_JSON_BODY_BYTES } from '../../lambdas/shared/http/body';
import { HTTP_METHODS, type Route } from '../../lib/config/routes';
import { TIERS } from '../../lib/config/tiers';
import { ROUTE_SCHEMAS, routeKey, TARGETS } from './targets';

/** One request the fuzzer sends: raw path (already percent-encoded as sent), headers, body bytes. */
export interface FuzzRequest {
  method: string;
  /** Path + query as sent on the request line. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
  /** The route the request was derived from (for reports). */
  route: string;
  /** Which caller's token it carries (`admin`, `user`, `none`). */
  caller: 'admin' | 'user' | 'none';
}

/** Values the suite learns at set-up (real ids and cursors to mutate). */
export interface FuzzContext {
  /** A report id of the user's tenant. */
  reportId: string;
  /** A valid `GET /v1/reports` cursor of the user's tenant. */
  userCursor: string;
  /** A valid `GET /v1/reports` cursor of another tenant. */
  otherTenantCursor: string;
  /** A valid `GET /admin/tenants?tier=free` nextToken (another query than most fuzzed ones). */
  adminToken: string;
  /** Tenant ids that exist. */
  tenantIds: readonly string[];
}

const HOSTILE_CHARS = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ud800',
  '\udfff',
  'e\u0301',
  '\u00e9',
  '𝒳',
  '<script>',
  "'; DROP TABLE x;--",
  '{{7*7}}',
  ['$', '{x}'].join(''),
  '%00',
  '%zz',
  '../',
  '\\',
  '"',
  '\r\n',
  '\t',
];

/** Percent-encodes the UTF-8 bytes of `s` (lone surrogates become U+FFFD, where `encodeURIComponent` throws). */
export function enc(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Strings with hostile characters mixed in, from empty to long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE_CHARS), fc.string({ maxLength: 5 })), { maxLength: 8 })
    .map((p) => p.join('')),
  fc.constantFrom('', ' ', 'acme', 'globex', 'free', 'x'.repeat(257), 'y'.repeat(5000)),
);

/** Any JSON value, including absurd numbers and deep nesting. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  hostileString,
  fc.constantFrom(0, -1, -0, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MIN_VALUE, 86_400, 86_401, 59, 60),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 25 }),
);

/** Field names of an object schema (zod → JSON Schema), so bodies are built from each route's own schema. */
function fieldNames(schema: z.core.$ZodType): string[] {
  try {
    const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, unknown>;
    };
    return Object.keys(js.properties ?? {});
  } catch {
    return [];
  }
}

/** Bodies for a schema: objects of its fields with wrong or absurd values, extra keys, and raw non-objects. */
function objectBody(schema: z.core.$ZodType | undefined): fc.Arbitrary<string> {
  const fields = schema ? fieldNames(schema) : [];
  const keys = fc.oneof(
    fc.constantFrom(...(fields.length ? fields : ['x'])),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenantId', ''),
    fc.string({ maxLength: 10 }),
  );
  const obj = fc.dictionary(keys, hostileJson, { maxKeys: 8 }).map((o) => JSON.stringify(o));
  const withProto = fc
    .tuple(fc.constantFrom(...(fields.length ? fields : ['x'])), hostileJson)
    .map(([k, v]) => `{"__proto__":{"polluted":true},"${k}":${JSON.stringify(v) ?? 'null'},"${k}":1}`);
  return fc.oneof(obj, withProto);
}

/** Raw body text: invalid, truncated and deep JSON, non-objects, and sizes around the cap. */
const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'null',
    '[]',
    '42',
    '"s"',
    'true',
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '\ufeff{}',
    'NaN',
  ),
  fc.jsonValue({ maxDepth: 4 }).chain((v) => {
    const s = JSON.stringify(v) ?? 'null';
    return fc.nat({ max: s.length }).map((n) => s.slice(0, n));
  }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: -2, max: 2 }).map((d) => `{"pad":"${'x'.repeat(MAX_JSON_BODY_BYTES - 10 + d)}"}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const contentTypes = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/jsonx',
  'multipart/form-data; boundary=x',
  '',
  ';;;',
);

/** A path-parameter value: valid ones (so deeper code is reached) and hostile encodings. */
function paramValue(name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const valid: string[] =
    name === 'tier'
      ? [...TIERS]
      : name === 'tenantId'
        ? [...ctx.tenantIds]
        : name === 'reportId'
          ? [ctx.reportId, '01ARZ3NDEKTSV4RRFFQ69G5FAV']
          : name === 'bypassId'
            ? ['AAAAAAAAAAAAAAAAAAAAAA']
            : ['quotes/ACME', 'a/b/c', 'x'];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid).map(enc) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%ED%A0%80',
        '%C0%AF',
        '%2F',
        'a%2Fb',
        '%2e%2e',
        '..',
        '.',
        '%00',
        'a%00b',
        '%0d%0a',
        '%20',
        '%E2%80%AE',
        '%EF%BB%BF',
        '%25',
        "~!$&'()*+,;=:@",
        'x'.repeat(2048),
        'ACME',
        'a-b',
      ),
    },
    { weight: 2, arbitrary: hostileString.map(enc) },
  );
}

function fillPath(route: Route, ctx: FuzzContext): fc.Arbitrary<string> {
  const parts = route.path.split('/').map((seg) => {
    const m = /^\{(\w+)\+?\}$/.exec(seg);
    return m ? paramValue(m[1]!, ctx) : fc.constant(seg);
  });
  return fc.tuple(...parts).map((p) => p.join('/'));
}

/** Query strings: the schema's own keys with hostile values, repeats, unknown keys, and cursors of every kind. */
function query(route: Route, ctx: FuzzContext): fc.Arbitrary<string> {
  const schema = ROUTE_SCHEMAS[routeKey(route)]?.query;
  const known = schema ? fieldNames(schema) : [];
  const cursorKey = known.includes('cursor')
    ? 'cursor'
    : known.includes('nextToken')
      ? 'nextToken'
      : undefined;
  const good = cursorKey === 'cursor' ? ctx.userCursor : ctx.adminToken;
  const cursors = fc.oneof(
    fc.constantFrom(
      good,
      ctx.otherTenantCursor,
      ctx.adminToken,
      ctx.userCursor,
      good.slice(0, -1),
      good.slice(0, good.length >> 1),
      `${good}A`,
      good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      `${Buffer.from('{"reportId":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}').toString('base64url')}.${'A'.repeat(22)}`,
      `${Buffer.from('{"tenantId":"acme"}').toString('base64url')}.${good.split('.')[1] ?? ''}`,
      Buffer.from('{"v":1,"t":"acme","k":{"reportId":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}}').toString('base64url'),
    ),
    hostileString,
  );
  const pair = fc.oneof(
    fc.tuple(fc.constantFrom(...(known.length ? known : ['q'])), hostileString),
    fc.tuple(
      fc.constantFrom('limit'),
      fc.constantFrom('0', '1', '100', '101', '-1', '1e3', '2.5', '0x10', ' 5', ''),
    ),
    ...(cursorKey ? [fc.tuple(fc.constant(cursorKey), cursors)] : []),
    fc.tuple(hostileString, hostileString),
  );
  return fc
    .array(pair, { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : ''));
}

/** Headers: garbage and stale `If-Match`, duplicated `Authorization`, oversized values. */
function headers(tokens: { admin: string; user: string }): fc.Arbitrary<{
  caller: FuzzRequest['caller'];
  headers: Record<string, string | string[]>;
}> {
  const caller = fc.constantFrom<FuzzRequest['caller']>('admin', 'admin', 'user', 'user', 'none');
  const ifMatch = fc.option(
    fc.constantFrom('"0"', '"1"', '"999"', '*', 'W/"1"', 'garbage', '""', '"1", "2"', '\u00ff'),
    {
      nil: undefined,
    },
  );
  const authMode = fc.constantFrom('single', 'single', 'single', 'duplicate', 'garbage', 'lowercase-scheme');
  const big = fc.option(fc.constantFrom(1_000, 9_000, 12_000), { nil: undefined });
  return fc.tuple(caller, ifMatch, authMode, big).map(([who, im, mode, size]) => {
    const h: Record<string, string | string[]> = {};
    if (who !== 'none') {
      const t = tokens[who];
      if (mode === 'single') h.authorization = `Bearer ${t}`;
      else if (mode === 'duplicate') h.authorization = [`Bearer ${t}`, 'Bearer garbage'];
      else if (mode === 'garbage') h.authorization = `Bearer ${t.slice(0, -3)}xyz`;
      else h.authorization = `bearer ${t}`;
    }
    if (im !== undefined) h['if-match'] = im;
    if (size !== undefined) h['x-padding'] = 'p'.repeat(size);
    return { caller: who, headers: h };
  });
}

/**
 * Requests derived from the route table and the routes' zod schemas: every route, with hostile path parameters,
 * queries, headers, bodies and content types, and methods the route does not allow.
 */
export function fuzzRequest(
  ctx: FuzzContext,
  tokens: { admin: string; user: string },
): fc.Arbitrary<FuzzRequest> {
  const perRoute = TARGETS.map((route) => {
    const schema = ROUTE_SCHEMAS[routeKey(route)]?.body;
    const body = fc.oneof(objectBody(schema), rawBody);
    const method =
      route.method === 'ANY'
        ? fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS')
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant(route.method as string) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(...HTTP_METHODS.filter((m) => m !== 'ANY'), 'HEAD', 'OPTIONS'),
            },
          );
    return fc
      .record({
        method,
        path: fillPath(route, ctx),
        query: query(route, ctx),
        h: headers(tokens),
        body: fc.option(body, { nil: undefined, freq: 3 }),
        type: contentTypes,
      })
      .map(({ method: m, path, query: q, h, body: b, type }): FuzzRequest => {
        const hs = { ...h.headers };
        if (type !== undefined) hs['content-type'] = type;
        const sendsBody = b !== undefined && m !== 'GET' && m !== 'HEAD';
        return {
          method: m,
          path: `${path}${q}`,
          headers: hs,
          ...(sendsBody ? { body: b } : {}),
          route: routeKey(route),
          caller: h.caller,
        };
      });
  });
  return fc.oneof(...perRoute);
}
