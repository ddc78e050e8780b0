import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { MAX_TOKEN_CHARS, UnauthorizedError } from './reasons';

/** Compact JWS: three non-empty base64url segments (RFC 7515 §7.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** `Bearer <token>`, scheme case-insensitive (RFC 9110 §11.1, RFC 6750 §2.1). */
const BEARER = /^bearer[ \t]+(\S+)$/i;

/**
 * All values of the `Authorization` header in a REST REQUEST authorizer event, whatever the header-name casing.
 * `multiValueHeaders` is authoritative when present (API Gateway puts only the last value in `headers`); otherwise
 * every `headers` key matching case-insensitively counts.
 */
export function authorizationValues(
  event: Pick<APIGatewayRequestAuthorizerEvent, 'headers' | 'multiValueHeaders'>,
): string[] {
  const multi = event.multiValueHeaders;
  const fromMulti: string[] = [];
  if (multi) {
    for (const [name, values] of Object.entries(multi)) {
      if (name.toLowerCase() === 'authorization' && Array.isArray(values)) fromMulti.push(...values);
    }
  }
  if (fromMulti.length > 0) return fromMulti;
  const single: string[] = [];
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') single.push(value);
  }
  return single;
}

/**
 * Extracts the bearer token of a REST REQUEST authorizer event (RFC 6750 §2.1): exactly one `Authorization` header,
 * scheme `Bearer` in any case, surrounding whitespace tolerated, a compact JWS of at most {@link MAX_TOKEN_CHARS}.
 * Does not decode or verify the token.
 * @returns the token
 * @throws {UnauthorizedError} `token_missing` | `header_duplicate` | `scheme_invalid` | `token_oversized` |
 * `token_malformed`
 */
export function extractBearerToken(
  event: Pick<APIGatewayRequestAuthorizerEvent, 'headers' | 'multiValueHeaders'>,
): string {
  const values = authorizationValues(event);
  if (values.length === 0) throw new UnauthorizedError('token_missing');
  if (values.length > 1) throw new UnauthorizedError('header_duplicate', `${values.length} values`);
  const raw = (values[0] ?? '').trim();
  if (raw === '') throw new UnauthorizedError('token_missing', 'empty header');
  if (raw.length > MAX_TOKEN_CHARS + 16)
    throw new UnauthorizedError('token_oversized', `${raw.length} chars`);
  const m = BEARER.exec(raw);
  if (!m) throw new UnauthorizedError('scheme_invalid');
  const token = m[1] ?? '';
  if (token.length > MAX_TOKEN_CHARS) throw new UnauthorizedError('token_oversized', `${token.length} chars`);
  if (!COMPACT_JWS.test(token)) throw new UnauthorizedError('token_malformed', 'not a compact JWS');
  return token;
}
