import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../../lib/config/zod';
import type { CursorKeySource } from './cursor-key';
import { validationError } from './problem';

/** Longest cursor accepted, characters (longer input is refused before any decoding). */
export const MAX_CURSOR_CHARS = 1024;

/** Bytes of HMAC-SHA256 kept in a cursor (128 bits). */
const MAC_BYTES = 16;
const CURSOR = /^[A-Za-z0-9_-]{1,1000}\.[A-Za-z0-9_-]{22}$/;

/**
 * What a cursor is bound to: the caller's tenant and the query that produced it (filters such as `tier` or `since`;
 * not the cursor itself, and not the page size, which may change between pages).
 */
export interface CursorScope {
  /** The caller's tenant (from the authorizer context). */
  readonly tenantId: string;
  /** The route key, e.g. `GET /admin/audit`. */
  readonly route: string;
  /** The query's filter values (undefined values ignored). */
  readonly query?: Readonly<Record<string, string | undefined>>;
}

function mac(payload: string, scope: CursorScope, key: Buffer): Buffer {
  const query = Object.entries(scope.query ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const bound = JSON.stringify([scope.tenantId, scope.route, query, payload]);
  return createHmac('sha256', key).update(bound).digest().subarray(0, MAC_BYTES);
}

/**
 * Encodes a pagination position as an opaque, integrity-protected cursor: `base64url(JSON key) "." base64url(HMAC)`,
 * the HMAC-SHA256 (the stage key, `cursor-key.ts`) covering the key, the tenant, the route and the query filters. Every
 * service pages with it (reports `cursor`, admin `nextToken`).
 * @param key where the next page starts (e.g. a DynamoDB `LastEvaluatedKey` of string attributes)
 * @param scope the tenant, route and query filters the cursor is bound to
 * @param signingKey the stage's cursor key ({@link CursorKeySource}, ≥ 32 bytes)
 * @returns the cursor, or `undefined` when there is no next page (`key` undefined)
 */
export function encodeCursor(
  key: Record<string, string> | undefined,
  scope: CursorScope,
  signingKey: Buffer,
): string | undefined {
  if (!key) return undefined;
  const payload = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, scope, signingKey).toString('base64url')}`;
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same tenant, route and query filters.
 * @param cursor the client's cursor (`undefined` = first page)
 * @param keySchema zod schema of the key (e.g. `{ reportId }` or `{ pk, sk }`)
 * @param path field path reported on refusal (`cursor`, `query.nextToken`)
 * @param signingKey the stage's cursor key (the one {@link encodeCursor} used)
 * @returns the key, or `undefined` when no cursor was given
 * @throws {HttpError} 400 at `path` ("is not a valid cursor") when the cursor is malformed, tampered with, issued to
 * another tenant or for another query, or its key fails the schema — never a storage error
 */
export function decodeCursor<S extends z.core.$ZodType>(
  cursor: string | undefined,
  scope: CursorScope,
  keySchema: S,
  path: string,
  signingKey: Buffer,
): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length <= MAX_CURSOR_CHARS && CURSOR.test(cursor)) {
    const [payload = '', sig = ''] = cursor.split('.');
    const given = Buffer.from(sig, 'base64url');
    if (given.length === MAC_BYTES && timingSafeEqual(given, mac(payload, scope, signingKey))) {
      const key = z.safeParse(keySchema, parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
      if (key.success) return key.data;
    }
  }
  throw validationError([
    { path, message: 'is not a valid cursor (use the one the previous page returned)' },
  ]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
