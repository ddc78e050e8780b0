import type { z } from 'zod';
import { validationError } from './problem';

/** Longest cursor accepted, characters (longer input is rejected before decoding). */
export const MAX_CURSOR_CHARS = 4096;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Encodes a pagination position as an opaque cursor bound to the caller's tenant: base64url of
 * `{ v: 1, t: <tenantId>, k: <key> }`. Every service pages with it (reports `cursor`, admin `nextToken`).
 * @param key where the next page starts (e.g. a DynamoDB `LastEvaluatedKey` of string attributes)
 * @param tenantId the caller's tenant (from the authorizer context) the cursor is issued to
 * @returns the cursor, or `undefined` when there is no next page (`key` undefined)
 */
export function encodeCursor(key: Record<string, string> | undefined, tenantId: string): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify({ v: 1, t: tenantId, k: key }), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same tenant.
 * @param cursor the client's cursor (`undefined` = first page)
 * @param tenantId the caller's tenant: a cursor issued to another tenant is refused
 * @param keySchema zod schema of the key (e.g. `{ reportId }` or `{ pk, sk }`)
 * @param path field path reported on refusal (`cursor`, `query.nextToken`)
 * @returns the key, or `undefined` when no cursor was given
 * @throws {HttpError} 400 at `path` when the cursor is malformed, of another tenant, or its key fails the schema
 */
export function decodeCursor<S extends z.ZodType>(
  cursor: string | undefined,
  tenantId: string,
  keySchema: S,
  path: string,
): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length <= MAX_CURSOR_CHARS && BASE64URL.test(cursor)) {
    const p = parseJson(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: unknown;
      t?: unknown;
      k?: unknown;
    } | null;
    if (p && typeof p === 'object' && p.v === 1 && p.t === tenantId) {
      const key = keySchema.safeParse(p.k);
      if (key.success) return key.data;
    }
  }
  throw validationError([{ path, message: 'is not a cursor this API issued to you' }]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
