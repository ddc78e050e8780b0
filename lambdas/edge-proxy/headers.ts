/**
 * Header policy of the edge proxy.
 *
 * Request side (client → upstream): drop hop-by-hop headers (RFC 9110 §7.6.1: `Connection` and every header it
 * names, `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, plus
 * `Proxy-Authorization`), framing/host headers the client library recomputes (`Host`, `Content-Length`, `Expect`),
 * the gateway's own credentials (`Authorization`, `X-Api-Key`), `Accept-Encoding` (the proxy asks for `identity`:
 * text stays text instead of base64-encoded gzip, which also keeps more room under the Lambda payload limit; API
 * Gateway compresses towards the client), API Gateway internals (`X-Amzn-*`) and every
 * identity header the proxy injects ({@link IDENTITY_HEADERS}, plus `tracestate`) — compared case-insensitively and
 * with `_` treated as `-`, because CGI/WSGI-style backends fold `X_Tenant_Id` into the same variable as `X-Tenant-Id`.
 * Names that are not RFC 9110 tokens and values with CR, LF or NUL are dropped.
 *
 * Response side (upstream → client): drop hop-by-hop headers, `Content-Length` (the gateway recomputes it after
 * base64 decoding), `Server` / `X-Powered-By` (upstream internals) and the upstream's own rate-limit headers
 * (`RateLimit`, `RateLimit-Policy`, `X-RateLimit-*`: the gateway's limiter sets these, describing its limits).
 */

/** Identity headers the proxy sets from the authorizer context; any client-sent copy is removed. */
export const IDENTITY_HEADERS = [
  'x-tenant-id',
  'x-user-id',
  'x-user-roles',
  'x-tier',
  'x-request-id',
  'traceparent',
] as const;

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
];

const REQUEST_DROP = new Set<string>([
  ...HOP_BY_HOP,
  ...IDENTITY_HEADERS,
  'tracestate',
  'host',
  'content-length',
  'expect',
  'authorization',
  'x-api-key',
  'accept-encoding',
]);
const RESPONSE_DROP = new Set<string>([...HOP_BY_HOP, 'content-length', 'server', 'x-powered-by']);

/** RFC 9110 §5.6.2 token (a valid field name). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;

/** Header map with lower-case names; several values for a name are kept in order. */
export type HeaderMap = Record<string, string[]>;

function normalize(name: string): string {
  return name.trim().toLowerCase().replaceAll('_', '-');
}

/** Lower-cased tokens named by `Connection` header values (they are hop-by-hop too, RFC 9110 §7.6.1). */
function connectionTokens(values: readonly string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const v of values ?? []) {
    for (const t of v.split(',')) {
      const n = normalize(t);
      if (n) out.add(n);
    }
  }
  return out;
}

/**
 * Merges a REST proxy event's `multiValueHeaders` and `headers` into one lower-cased {@link HeaderMap}
 * (`multiValueHeaders` wins when both carry a name, as it holds every value).
 */
export function eventHeaders(
  headers: Record<string, string | undefined> | null | undefined,
  multiValueHeaders: Record<string, string[] | undefined> | null | undefined,
): HeaderMap {
  // A Map, so header names such as `constructor` or `__proto__` are plain keys, never prototype members.
  const out = new Map<string, string[]>();
  for (const [k, vs] of Object.entries(multiValueHeaders ?? {})) {
    if (!vs) continue;
    const name = k.toLowerCase();
    out.set(name, [...(out.get(name) ?? []), ...vs]);
  }
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase();
    if (v !== undefined && !out.has(name)) out.set(name, [v]);
  }
  return Object.fromEntries(out);
}

function isRateLimitHeader(name: string): boolean {
  return name === 'ratelimit' || name === 'ratelimit-policy' || name.startsWith('x-ratelimit-');
}

function isAmazonInternal(name: string): boolean {
  return name.startsWith('x-amzn-');
}

/** Identity headers a client may never send (a spoofing attempt when present; `X-Request-Id`/`traceparent` are benign). */
const SPOOFABLE = new Set(['x-tenant-id', 'x-user-id', 'x-user-roles', 'x-tier']);

/**
 * Names (normalized: lower case, `_` → `-`) of identity headers the client tried to send — `X-Tenant-Id`,
 * `X-User-Id`, `X-User-Roles`, `X-Tier` in any case or underscore spelling. They are stripped either way; the proxy
 * logs and counts the attempt as a security event (never the values).
 */
export function spoofedIdentityHeaders(client: HeaderMap): string[] {
  const out = new Set<string>();
  for (const name of Object.keys(client)) {
    const n = normalize(name);
    if (SPOOFABLE.has(n)) out.add(n);
  }
  return [...out].sort();
}

/**
 * Client request headers that may go upstream (see the module comment for what is dropped).
 * @param client the client's headers (lower-cased, from {@link eventHeaders})
 */
export function forwardableRequestHeaders(client: HeaderMap): HeaderMap {
  const named = connectionTokens(client.connection);
  const out: HeaderMap = {};
  for (const [name, values] of Object.entries(client)) {
    if (!TOKEN.test(name)) continue;
    const n = normalize(name);
    if (REQUEST_DROP.has(n) || named.has(n) || isAmazonInternal(n)) continue;
    const ok = values.filter((v) => !BAD_VALUE.test(v));
    if (ok.length > 0) out[name] = ok;
  }
  return out;
}

/**
 * Upstream response headers that may go back to the client, split the way a REST proxy result wants them:
 * single values in `headers`, names with several values (e.g. `set-cookie`) in `multiValueHeaders`.
 * @param upstream the upstream's response headers (lower-cased names; arrays for repeated fields, as `headersDistinct`)
 */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const conn = upstream.connection;
  const named = connectionTokens(conn === undefined ? [] : Array.isArray(conn) ? conn : [conn]);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined) continue;
    const n = name.toLowerCase();
    if (RESPONSE_DROP.has(n) || named.has(n) || isRateLimitHeader(n)) continue;
    if (Array.isArray(value)) {
      if (value.length === 1) headers[n] = value[0]!;
      else if (value.length > 1) multiValueHeaders[n] = value;
    } else {
      headers[n] = value;
    }
  }
  return { headers, multiValueHeaders };
}
