import { randomBytes } from 'node:crypto';

/** Crockford base32 alphabet used by ULIDs (no I, L, O, U). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A well-formed report id: a 26-character ULID (https://github.com/ulid/spec). */
export const REPORT_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Generates a ULID: 48-bit timestamp (ms since epoch, 10 chars) followed by 80 random bits (16 chars), so ids sort
 * by creation time. Follows https://github.com/ulid/spec (non-monotonic within one millisecond).
 * @param nowMs creation time, ms since epoch (default `Date.now()`)
 */
export function newReportId(nowMs: number = Date.now()): string {
  let time = '';
  let t = Math.floor(nowMs);
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return time + rand;
}

/** `true` when `id` is a well-formed report id (anything else cannot exist and answers 404). */
export function isReportId(id: unknown): id is string {
  return typeof id === 'string' && REPORT_ID_PATTERN.test(id);
}
