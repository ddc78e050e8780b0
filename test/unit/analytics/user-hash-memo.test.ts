import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assignVariant } from '../../../lambdas/shared/analytics/experiments';
import { USER_HASH_MEMO_SIZE, userHash } from '../../../lambdas/shared/analytics/hash';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, createHmac: vi.fn(actual.createHmac) };
});

const SECRET = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
/** The rule spelled out, without the memo. */
const spelledOut = async (secret: string, tenantId: string, userId: string) => {
  const actual = await vi.importActual<typeof import('node:crypto')>('node:crypto');
  return actual.createHmac('sha256', secret).update(`user:${tenantId}:${userId}`).digest('hex');
};

describe('userHash memo (per container, bounded)', () => {
  afterEach(() => vi.mocked(crypto.createHmac).mockClear());

  it('computes each user once while it is kept, with the same answer as the HMAC each time', async () => {
    userHash(OTHER, 'reset', 'memo'); // start from a memo of another secret
    vi.mocked(crypto.createHmac).mockClear();
    const first = userHash(SECRET, 'acme', 'alice');
    const again = userHash(SECRET, 'acme', 'alice');
    expect(first).toBe(await spelledOut(SECRET, 'acme', 'alice'));
    expect(again).toBe(first);
    expect(crypto.createHmac).toHaveBeenCalledTimes(1);
    // Tenant and user stay apart, and so do secrets (a new secret empties the memo).
    expect(userHash(SECRET, 'globex', 'alice')).toBe(await spelledOut(SECRET, 'globex', 'alice'));
    expect(userHash(OTHER, 'acme', 'alice')).toBe(await spelledOut(OTHER, 'acme', 'alice'));
    expect(userHash(SECRET, 'acme', 'alice')).toBe(first);
    expect(crypto.createHmac).toHaveBeenCalledTimes(4);
  });

  it('keeps at most USER_HASH_MEMO_SIZE users, dropping the least recently used', async () => {
    userHash(OTHER, 'reset', 'memo');
    userHash(SECRET, 'acme', 'kept'); // used again below, so it stays while older ones go
    for (let i = 0; i < USER_HASH_MEMO_SIZE - 1; i++) {
      userHash(SECRET, 'acme', `u${i}`);
      if (i % 1000 === 0) userHash(SECRET, 'acme', 'kept');
    }
    userHash(SECRET, 'acme', 'kept');
    userHash(SECRET, 'acme', 'one-more'); // memo full: the least recently used (u0) goes
    vi.mocked(crypto.createHmac).mockClear();
    expect(userHash(SECRET, 'acme', 'kept')).toBe(await spelledOut(SECRET, 'acme', 'kept'));
    expect(userHash(SECRET, 'acme', `u${USER_HASH_MEMO_SIZE - 2}`)).toBe(
      await spelledOut(SECRET, 'acme', `u${USER_HASH_MEMO_SIZE - 2}`),
    );
    expect(crypto.createHmac).toHaveBeenCalledTimes(0);
    expect(userHash(SECRET, 'acme', 'u0')).toBe(await spelledOut(SECRET, 'acme', 'u0'));
    expect(crypto.createHmac).toHaveBeenCalledTimes(1);
  });
});

describe('assignVariant memo', () => {
  it('answers as the rule spelled out (SHA-256 of salt:hash, first 4 bytes scaled onto the weights), memoised or not', async () => {
    const actual = await vi.importActual<typeof import('node:crypto')>('node:crypto');
    const exp = {
      salt: 'memo-test',
      variants: [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 3 },
      ],
    };
    const rule = (hash: string) => {
      const n = actual.createHash('sha256').update(`${exp.salt}:${hash}`).digest().readUInt32BE(0);
      return (n / 2 ** 32) * 4 < 1 ? 'a' : 'b';
    };
    const hashes = Array.from({ length: 200 }, (_, i) => userHash(SECRET, 'acme', `v${i}`));
    const first = hashes.map((h) => assignVariant(exp, h));
    expect(first).toEqual(hashes.map(rule));
    expect(hashes.map((h) => assignVariant(exp, h))).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['a', 'b']));
  });
});
