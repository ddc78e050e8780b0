import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header } from '../shared/http/headers';
import { preconditionFailed, preconditionRequired } from './errors';

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
  const raw = header(event.headers, 'if-match');
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
    const inm = header(opts.event.headers, 'if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      return { statusCode: 304, headers: { etag, 'cache-control': 'no-store' }, body: '' };
    }
  }
  return { statusCode: status, headers, body: text };
}
