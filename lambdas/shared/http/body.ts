import type * as z from '../../../lib/config/zod';
import { header } from './headers';
import { HttpError, validationError } from './problem';
import type { ProxyEvent } from './types';
import { parse } from './validate';

/**
 * Largest JSON request body every service accepts, bytes after base64 decoding (256 KiB). Sized so that every valid
 * body of every schema fits even fully escaped (a 32 KiB report body of `\u00XX` escapes is ~192 KiB); larger bodies
 * answer 413 before any parsing.
 */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

/** `application/json` or a structured `+json` type (RFC 6839), parameters allowed. */
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Per-route limits of {@link jsonBody}. */
export interface JsonBodyLimits {
  /**
   * Largest body this route accepts, bytes after base64 decoding; only ever lower than the service-wide cap
   * (e.g. `POST /v1/events`: 64 KiB).
   * @default MAX_JSON_BODY_BYTES
   */
  readonly maxBytes?: number;
}

/**
 * Reads the JSON body of a REST proxy event, with one set of rules for every service (docs/api-errors.md):
 * 1. larger than {@link MAX_JSON_BODY_BYTES} — or the route's lower `limits.maxBytes` — (after base64 decoding) →
 *    413 Content Too Large;
 * 2. a `Content-Type` other than `application/json` / `*+json` → 415 Unsupported Media Type (none = JSON);
 * 3. missing, empty or not valid JSON (RFC 8259) → 400 with field path `(body)`;
 * 4. with a schema: schema violations → 400 listing every field path (`rules.2.limit`).
 * @returns the parsed value (the schema's output when one is given)
 * @throws {HttpError} 413, 415 or 400 as above
 */
export function jsonBody(
  event: Pick<ProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  schema?: undefined,
  limits?: JsonBodyLimits,
): unknown;
export function jsonBody<S extends z.core.$ZodType>(
  event: Pick<ProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  schema: S,
  limits?: JsonBodyLimits,
): z.output<S>;
export function jsonBody(
  event: Pick<ProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  schema?: z.core.$ZodType,
  limits: JsonBodyLimits = {},
): unknown {
  const maxBytes = Math.min(limits.maxBytes ?? MAX_JSON_BODY_BYTES, MAX_JSON_BODY_BYTES);
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) {
    throw new HttpError(413, 'Content Too Large', {
      detail: `The body is ${size} bytes; the limit is ${maxBytes} bytes.`,
      errors: [{ path: '(body)', message: `must be at most ${maxBytes} bytes` }],
    });
  }
  const type = header(event.headers, 'content-type');
  if (type !== undefined && !JSON_TYPE.test(type.trim())) {
    throw new HttpError(415, 'Unsupported Media Type', {
      detail: 'Content-Type must be application/json.',
      errors: [{ path: '(body)', message: 'content-type must be application/json' }],
    });
  }
  if (text.trim() === '') throw validationError([{ path: '(body)', message: 'a JSON body is required' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validationError([{ path: '(body)', message: 'body is not valid JSON' }]);
  }
  return schema ? parse(schema, value) : value;
}
