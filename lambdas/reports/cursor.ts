import { isReportId } from './report-id';

/** Thrown by {@link decodeCursor} for a cursor this service did not issue (answered as 400 `cursor`). */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

/**
 * Encodes the last report id of a page as an opaque cursor (base64url JSON `{v:1,k:<reportId>}`).
 * The cursor never carries the tenant: the next page is always queried in the caller's own partition, so a cursor
 * from another tenant can only skip within the caller's reports, never reveal someone else's.
 */
export function encodeCursor(lastReportId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: lastReportId }), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @returns the report id to continue after (exclusive)
 * @throws {InvalidCursorError} when the cursor is not base64url JSON of the expected shape
 */
export function decodeCursor(cursor: string): string {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const p = parsed as { v?: unknown; k?: unknown } | null;
  if (!p || typeof p !== 'object' || p.v !== 1 || !isReportId(p.k)) throw new InvalidCursorError();
  return p.k;
}
