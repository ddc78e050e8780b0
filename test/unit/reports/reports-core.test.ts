import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { isReportId, newReportId, REPORT_ID_PATTERN } from '../../../lambdas/reports/report-id';
import { createReportSchema, listQuerySchema } from '../../../lambdas/reports/schemas';
import { decodeCursor, encodeCursor } from '../../../lambdas/shared/http/cursor';
import { fieldErrors } from '../../../lambdas/shared/http/problem';

describe('report ids (ULID)', () => {
  it('are well-formed, unique and sort by creation time', () => {
    const a = newReportId(1_700_000_000_000);
    const b = newReportId(1_700_000_000_001);
    const c = newReportId(1_800_000_000_000);
    for (const id of [a, b, c]) expect(isReportId(id)).toBe(true);
    expect([c, a, b].sort()).toEqual([a, b, c]);
    const many = new Set(Array.from({ length: 1000 }, () => newReportId(5)));
    expect(many.size).toBe(1000);
  });

  it('encodes the timestamp per the ULID spec', () => {
    // 0 ms → ten zeros; 2^48-1 ms → "7ZZZZZZZZZ" (the largest ULID time).
    expect(newReportId(0).slice(0, 10)).toBe('0000000000');
    expect(newReportId(2 ** 48 - 1).slice(0, 10)).toBe('7ZZZZZZZZZ');
  });

  it.each([
    ['', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAV', true],
    ['01arz3ndektsv4rrffq69g5fav', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAI', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FA', false],
    ['acme#01ARZ3NDEKTSV4RRFFQ69G5FAV', false],
    [42, false],
  ])('isReportId(%j) = %s', (id, ok) => {
    expect(isReportId(id)).toBe(ok);
  });
});

describe('cursor (lambdas/shared/http/cursor.ts)', () => {
  const key = z.object({ reportId: z.string().regex(REPORT_ID_PATTERN) }).strict();
  const scope = (tenantId = 'acme', query: Record<string, string> = {}) => ({
    tenantId,
    route: 'GET /v1/reports',
    query,
  });
  const stageKey = Buffer.alloc(32, 1);
  const decode = (c: string, s = scope()) => decodeCursor(c, s, key, 'cursor', stageKey);
  const id = newReportId();
  const good = encodeCursor({ reportId: id }, scope(), stageKey)!;
  const [payload = '', sig = ''] = good.split('.');
  const forged = (k: unknown) => `${Buffer.from(JSON.stringify(k)).toString('base64url')}.${sig}`;

  it('round-trips a report id and is bound to the tenant, route and query filters it was issued for', () => {
    expect(good).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(decode(good)).toEqual({ reportId: id });
    expect(decodeCursor(undefined, scope(), key, 'cursor', stageKey)).toBeUndefined();
    expect(encodeCursor(undefined, scope(), stageKey)).toBeUndefined();
    expect(() => decode(good, scope('globex'))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decode(good, scope('acme', { tier: 'free' }))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => decode(good, { ...scope(), route: 'GET /admin/audit' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    // Another key (another stage) does not verify.
    expect(() => decodeCursor(good, scope(), key, 'cursor', Buffer.alloc(32, 7))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it.each([
    ['garbage!'],
    ['no-signature'],
    [payload],
    [`${payload}.`],
    [`${payload}.${'A'.repeat(22)}`],
    [`${payload}x.${sig}`],
    [`${good}${good}`],
    ['x'.repeat(2000)],
    [forged({ reportId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })],
    [forged({ tenantId: 'globex' })],
  ])('rejects %s with 400 at its field path', (c) => {
    expect(() => decode(c)).toThrow(
      expect.objectContaining({
        status: 400,
        extra: expect.objectContaining({ errors: [expect.objectContaining({ path: 'cursor' })] }),
      }),
    );
  });
});

describe('createReportSchema (validation table)', () => {
  const ok = { title: 'Q3 footfall', body: 'text', tags: ['retail'] };
  const cases: Array<[string, unknown, string[]]> = [
    ['missing title', { body: 'x' }, ['title']],
    ['empty title', { ...ok, title: '   ' }, ['title']],
    ['title 201 chars', { ...ok, title: 'x'.repeat(201) }, ['title']],
    ['title not string', { ...ok, title: 5 }, ['title']],
    ['missing body', { title: 't' }, ['body']],
    ['body 32 KiB + 1 byte', { ...ok, body: 'x'.repeat(32 * 1024 + 1) }, ['body']],
    ['body over 32 KiB in multibyte chars', { ...ok, body: 'é'.repeat(16 * 1024 + 1) }, ['body']],
    ['tags not array', { ...ok, tags: 'a' }, ['tags']],
    ['tag empty', { ...ok, tags: ['a', ''] }, ['tags.1']],
    ['tag 51 chars', { ...ok, tags: ['y'.repeat(51)] }, ['tags.0']],
    ['21 tags', { ...ok, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, ['tags']],
    ['duplicate tags', { ...ok, tags: ['a', 'a'] }, ['tags']],
    ['tenantId in body', { ...ok, tenantId: 'globex' }, ['(body)']],
    ['not an object', ['x'], ['(body)']],
  ];
  it.each(cases)('%s → 400 at %j', (_name, input, paths) => {
    const r = createReportSchema.safeParse(input);
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldErrors(r.error.issues).map((e) => e.path)).toEqual(paths);
  });

  it('accepts the limits exactly and defaults tags to []', () => {
    const r = createReportSchema.parse({ title: 'x'.repeat(200), body: 'x'.repeat(32 * 1024) });
    expect(r.title).toHaveLength(200);
    expect(r.tags).toEqual([]);
    expect(createReportSchema.parse({ title: ' t ', body: '', tags: ['a'] }).title).toBe('t');
  });
});

describe('listQuerySchema', () => {
  it.each([
    [{}, true],
    [{ limit: '1' }, true],
    [{ limit: '100' }, true],
    [{ limit: '0' }, false],
    [{ limit: '101' }, false],
    [{ limit: '-1' }, false],
    [{ limit: '2.5' }, false],
    [{ limit: 'ten' }, false],
    [{ limit: '1000' }, false],
    [{ cursor: '' }, false],
    [{ other: 'ignored' }, true],
  ])('%j valid=%s', (q, ok) => {
    const r = listQuerySchema.safeParse(q);
    expect(r.success).toBe(ok);
    if (!r.success) expect(fieldErrors(r.error.issues)[0]?.path).toMatch(/^(limit|cursor)$/);
  });
});
