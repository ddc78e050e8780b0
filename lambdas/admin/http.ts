import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, preconditionFailed, preconditionRequired, validationError } from './errors';

/** Largest accepted request body, bytes (64 KiB). Larger bodies answer 413 Content Too Large (RFC 9110 §15.5.14). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Case-insensitive header lookup on a REST proxy event (`headers` and `multiValueHeaders`). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() === lower && v !== undefined) return v;
  }
  return undefined;
}

/**
 * Parses the JSON body of a REST proxy event.
 * @returns the parsed value
 * @throws {ApiError} 413 when the (decoded) body is larger than {@link MAX_BODY_BYTES}; 400 (`(body)`) when it is
 * missing, not JSON, or sent with a content type other than JSON
 */
export function jsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new ApiError(413, 'Content Too Large', {
      detail: `The body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes.`,
      errors: [{ path: '(body)', message: `must be at most ${MAX_BODY_BYTES} bytes` }],
    });
  }
  const type = header(event, 'content-type');
  if (type && !/^application\/([a-z.+-]*\+)?json\b/i.test(type.trim())) {
    throw validationError([{ path: '(body)', message: 'content-type must be application/json' }]);
  }
  if (text.trim() === '') throw validationError([{ path: '(body)', message: 'a JSON body is required' }]);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw validationError([{ path: '(body)', message: 'body is not valid JSON' }]);
  }
}

/** Strong ETag of a versioned item: `"<version>"` (version 0 = defaults, never written). */
export function versionEtag(version: number): string {
  return `"${version}"`;
}

/** Strong ETag of a computed representation: a quoted SHA-256 prefix of its JSON. */
export function contentEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Reads the `If-Match` precondition of an update and returns the version it names (RFC 9110 §13.1.1, strong
 * comparison: weak validators `W/"…"` never match).
 * @param currentVersion version of the stored resource (0 when it has never been written)
 * @returns the expected version (= currentVersion)
 * @throws {ApiError} 428 when the header is missing or `*`; 412 when no listed ETag equals the current one
 */
export function requireIfMatch(event: Pick<APIGatewayProxyEvent, 'headers'>, currentVersion: number): number {
  const raw = header(event, 'if-match');
  if (raw === undefined || raw.trim() === '' || raw.trim() === '*') throw preconditionRequired();
  const current = versionEtag(currentVersion);
  const tags = raw.split(',').map((t) => t.trim());
  if (!tags.includes(current)) throw preconditionFailed(current);
  return currentVersion;
}

/** Options of a JSON response. */
export interface JsonOptions {
  status?: number;
  /** ETag to send; computed from the body when omitted on a 200. */
  etag?: string;
  headers?: Record<string, string>;
  /** The request, to answer 304 when its `If-None-Match` equals the ETag (GET only). */
  event?: Pick<APIGatewayProxyEvent, 'headers' | 'httpMethod'>;
}

/**
 * A JSON response (`application/json`, `Cache-Control: no-store`). Reads get an `ETag`; a GET whose
 * `If-None-Match` lists it gets `304 Not Modified` (RFC 9110 §13.1.2).
 */
export function json(body: unknown, opts: JsonOptions = {}): APIGatewayProxyResult {
  const text = JSON.stringify(body);
  const status = opts.status ?? 200;
  const etag = opts.etag ?? (status === 200 ? contentEtag(text) : undefined);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(etag ? { etag } : {}),
    ...opts.headers,
  };
  if (etag && opts.event?.httpMethod === 'GET') {
    const inm = header(opts.event, 'if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      return { statusCode: 304, headers: { etag, 'cache-control': 'no-store' }, body: '' };
    }
  }
  return { statusCode: status, headers, body: text };
}

/** 204 No Content. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}

/** Opaque pagination token ⇄ DynamoDB `LastEvaluatedKey` (base64url JSON). */
export const pageToken = {
  encode(key: Record<string, unknown> | undefined): string | undefined {
    return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
  },
  /**
   * @param fields the key attribute names the token must hold (string values)
   * @throws {ApiError} 400 `query.nextToken` when malformed
   */
  decode(token: string | undefined, fields: readonly string[]): Record<string, string> | undefined {
    if (token === undefined) return undefined;
    try {
      const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
      const keys = Object.keys(v);
      if (
        keys.length === fields.length &&
        fields.every((f) => typeof v[f] === 'string' && (v[f] as string).length <= 1024)
      ) {
        return v as Record<string, string>;
      }
    } catch {
      // fall through
    }
    throw validationError([{ path: 'query.nextToken', message: 'is not a token returned by this API' }]);
  },
};
