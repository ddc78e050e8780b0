import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_CHARS, UnauthorizedError } from '../../../lambdas/authorizer/reasons';
import { authorizationValues, extractBearerToken } from '../../../lambdas/authorizer/token';
import { authorizerEvent } from './support';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof UnauthorizedError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('extractBearerToken', () => {
  it('reads a Bearer token, scheme case-insensitive, surrounding whitespace tolerated', () => {
    expect(extractBearerToken(authorizerEvent({ authorization: `Bearer ${JWT}` }))).toBe(JWT);
    expect(extractBearerToken(authorizerEvent({ authorization: `  bEaReR \t ${JWT}  ` }))).toBe(JWT);
    expect(extractBearerToken(authorizerEvent({ authorization: `BEARER ${JWT}` }))).toBe(JWT);
  });

  it('finds the header whatever its name casing, in headers or multiValueHeaders', () => {
    expect(extractBearerToken({ headers: { authorization: `Bearer ${JWT}` }, multiValueHeaders: {} })).toBe(
      JWT,
    );
    expect(extractBearerToken({ headers: {}, multiValueHeaders: { AUTHORIZATION: [`Bearer ${JWT}`] } })).toBe(
      JWT,
    );
    expect(extractBearerToken({ headers: { Authorization: `Bearer ${JWT}` } } as never)).toBe(JWT);
  });

  it.each([
    ['no header', authorizerEvent({}), 'token_missing'],
    ['empty header', authorizerEvent({ authorization: '   ' }), 'token_missing'],
    ['no headers at all', { headers: null, multiValueHeaders: null }, 'token_missing'],
    [
      'duplicated header (multiValueHeaders)',
      authorizerEvent({ authorization: [`Bearer ${JWT}`, `Bearer ${JWT}`] }),
      'header_duplicate',
    ],
    [
      'two casings of the header',
      {
        headers: { Authorization: `Bearer ${JWT}`, authorization: `Bearer ${JWT}` },
        multiValueHeaders: null,
      },
      'header_duplicate',
    ],
    [
      'two casings in multiValueHeaders',
      {
        headers: {},
        multiValueHeaders: { Authorization: [`Bearer ${JWT}`], authorization: ['Bearer x.y.z'] },
      },
      'header_duplicate',
    ],
    ['missing scheme', authorizerEvent({ authorization: JWT }), 'scheme_invalid'],
    ['Basic scheme', authorizerEvent({ authorization: 'Basic YWxpY2U6c2VjcmV0' }), 'scheme_invalid'],
    ['scheme only', authorizerEvent({ authorization: 'Bearer' }), 'scheme_invalid'],
    [
      'two tokens in one header',
      authorizerEvent({ authorization: `Bearer ${JWT} ${JWT}` }),
      'scheme_invalid',
    ],
    [
      'comma-joined values',
      authorizerEvent({ authorization: `Bearer ${JWT}, Bearer ${JWT}` }),
      'scheme_invalid',
    ],
    ['two segments', authorizerEvent({ authorization: 'Bearer abc.def' }), 'token_malformed'],
    [
      'empty signature (alg none style)',
      authorizerEvent({ authorization: 'Bearer abc.def.' }),
      'token_malformed',
    ],
    [
      'non base64url characters',
      authorizerEvent({ authorization: 'Bearer ab+c.d/ef.g=h' }),
      'token_malformed',
    ],
    ['four segments', authorizerEvent({ authorization: `Bearer ${JWT}.x` }), 'token_malformed'],
    [
      'oversized token',
      authorizerEvent({ authorization: `Bearer ${'a'.repeat(MAX_TOKEN_CHARS)}.b.c` }),
      'token_oversized',
    ],
    [
      'oversized header',
      authorizerEvent({ authorization: `Bearer ${' '.repeat(100)}${'a'.repeat(MAX_TOKEN_CHARS * 2)}` }),
      'token_oversized',
    ],
  ])('rejects %s', (_name, event, reason) => {
    expect(reasonOf(() => extractBearerToken(event as never))).toBe(reason);
  });

  it('authorizationValues prefers multiValueHeaders (API Gateway keeps only the last value in headers)', () => {
    const e = authorizerEvent({ authorization: ['Bearer a.b.c', 'Bearer d.e.f'] });
    expect(e.headers?.Authorization).toBe('Bearer d.e.f');
    expect(authorizationValues(e)).toEqual(['Bearer a.b.c', 'Bearer d.e.f']);
  });
});
