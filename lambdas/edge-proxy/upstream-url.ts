/** Thrown when the `{proxy+}` remainder cannot be forwarded safely (answered 400). */
export class UnsafePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

/**
 * Builds the upstream URL: `base` (its path kept as a prefix, its own query kept first) + the `{proxy+}` remainder
 * + the query (every value of repeated keys, in order). Each path segment is normalized to exactly one level of
 * encoding — percent-decoded once when it decodes cleanly, then `encodeURIComponent` — so the result is the same
 * whether the gateway hands the parameter over decoded (the local gateway) or still percent-encoded (reports differ
 * for API Gateway REST); empty segments and a trailing `/` are kept. The one ambiguity: a segment that legitimately
 * contains a literal `%XX` after the gateway's decoding is decoded once more.
 * @param base backend base URL, e.g. `https://market-data.internal/` or `http://127.0.0.1:8080/api`
 * @param proxyPath the decoded `{proxy+}` path parameter, e.g. `quotes/ACME`
 * @param query multi-value query (`multiValueQueryStringParameters`, already decoded by the gateway)
 * @throws {UnsafePathError} when a segment is `.` or `..` after decoding (also `%2e%2e`; RFC 3986 §5.2.4 dot
 * segments would let a caller climb out of the base path)
 */
export function buildUpstreamUrl(
  base: URL,
  proxyPath: string,
  query: Record<string, readonly string[]>,
): string {
  const segments = proxyPath.split('/').map(decodeOnce);
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new UnsafePathError('path must not contain "." or ".." segments');
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = `${prefix}/${segments.map(encodeURIComponent).join('/')}`;
  const parts: string[] = [];
  const baseQuery = base.search.replace(/^\?/, '');
  if (baseQuery) parts.push(baseQuery);
  for (const [k, vs] of Object.entries(query)) {
    for (const v of vs) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return `${base.origin}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * The query of a REST proxy event as a multi-value map: `multiValueQueryStringParameters` (every value of a
 * repeated key) when present, else `queryStringParameters`.
 */
export function eventQuery(
  single: Record<string, string | undefined> | null | undefined,
  multi: Record<string, string[] | undefined> | null | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (multi) {
    for (const [k, vs] of Object.entries(multi)) if (vs) out[k] = [...vs];
    return out;
  }
  for (const [k, v] of Object.entries(single ?? {})) if (v !== undefined) out[k] = [v];
  return out;
}

function decodeOnce(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
