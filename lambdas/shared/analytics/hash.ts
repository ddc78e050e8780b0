import { createHash, createHmac } from 'node:crypto';
import { BoundedMemo } from './bounded-memo';

/**
 * Pseudonymisation of identities before anything leaves the Lambda: a raw user id, e-mail or IP address is never
 * stored. Hashes are HMAC-SHA256 (hex, 64 chars) with the stage's analytics secret, so they cannot be reversed or
 * recomputed without it; the same user in two tenants gets two unrelated hashes.
 */

/** Minimum secret length, bytes: a short secret would make the hashes guessable by brute force. */
export const MIN_SECRET_BYTES = 32;

/** Most user hashes {@link userHash} keeps per container (least recently used dropped first). */
export const USER_HASH_MEMO_SIZE = 10_000;

/** The secret the memo's hashes were made with (a different secret empties it). */
let memoSecret: string | undefined;
/** HMAC input → hash. */
const memo = new BoundedMemo<string>(USER_HASH_MEMO_SIZE);

/**
 * The user hash: `HMAC-SHA256(secret, "user:" + tenantId + ":" + userId)`, hex. Memoised per container (at most
 * {@link USER_HASH_MEMO_SIZE} users, least recently used dropped first; keyed by the HMAC input under the current
 * secret, in memory only), because `GET /v1/me` and every stored event need it: the same answer as computing it each
 * time.
 * @param secret the stage's analytics hashing secret (≥ {@link MIN_SECRET_BYTES} bytes)
 */
export function userHash(secret: string, tenantId: string, userId: string): string {
  if (secret !== memoSecret) {
    memo.clear();
    memoSecret = secret;
  }
  return memo.get(`user:${tenantId}:${userId}`, (input) =>
    createHmac('sha256', secret).update(input).digest('hex'),
  );
}

/**
 * The session hash: one session per user and UTC day, `HMAC-SHA256(secret, "session:" + tenantId + ":" + userId +
 * ":" + yyyy-mm-dd)`, hex. Sessions need no client id, so nothing links a browser across days.
 */
export function sessionHash(secret: string, tenantId: string, userId: string, day: string): string {
  return createHmac('sha256', secret).update(`session:${tenantId}:${userId}:${day}`).digest('hex');
}

/**
 * A deterministic UUID (version 8, RFC 9562 custom) from a string: SHA-256, first 16 bytes, version and variant
 * bits set. Used for events that must be stored once per user (`first_login`, `experiment_exposure`) and for
 * backfilled access-log lines (idempotent re-runs).
 */
export function derivedUuid(input: string): string {
  const b = createHash('sha256').update(input).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Checks a hashing secret.
 * @throws {Error} when it is shorter than {@link MIN_SECRET_BYTES} bytes
 */
export function assertSecret(secret: string): string {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(`analytics hashing secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return secret;
}
