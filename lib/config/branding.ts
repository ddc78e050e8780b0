import * as z from 'zod';

/**
 * Tenant branding rules shared by the admin API (validation), its mock in the console tests and the console's form:
 * a logo is an `https:` URL or a small inline image as a `data:` URI (the console's CSP allows `img-src data: https:`).
 */

/** Longest logo URL, characters (https URLs). */
export const LOGO_URL_MAX_CHARS = 2048;

/** Largest logo given as a data URI: bytes of the decoded image (16 KiB; the tenant item stays far below DynamoDB's 400 KB). */
export const LOGO_DATA_URI_MAX_BYTES = 16 * 1024;

/**
 * Image types a data-URI logo may declare. SVG is not accepted: it is a document (scripts, external references),
 * and the raster formats cover logos.
 */
export const LOGO_DATA_URI_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

const DATA_URI = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/** The leading bytes each accepted type starts with (the payload must be what the URI declares). */
const MAGIC: Record<(typeof LOGO_DATA_URI_TYPES)[number], (b: readonly number[]) => boolean> = {
  'image/png': (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => latin1(b, 0, 4) === 'GIF8',
  'image/webp': (b) => latin1(b, 0, 4) === 'RIFF' && latin1(b, 8, 12) === 'WEBP',
};

function latin1(b: readonly number[], from: number, to: number): string {
  return String.fromCharCode(...b.slice(from, to));
}

/** The first bytes of a base64 payload (`atob`: Node and browsers alike). */
function leadingBytes(payload: string): number[] {
  return [...atob(payload.slice(0, 16))].map((c) => c.charCodeAt(0));
}

/** Decoded size of a base64 payload, bytes. */
function base64Bytes(payload: string): number {
  const pad = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return (payload.length / 4) * 3 - pad;
}

const httpsUrl = z.url({ protocol: /^https$/ }).max(LOGO_URL_MAX_CHARS);

/**
 * A tenant logo: an `https:` URL (≤ {@link LOGO_URL_MAX_CHARS} characters) or `data:<type>;base64,<payload>` with a
 * type of {@link LOGO_DATA_URI_TYPES}, a decoded size ≤ {@link LOGO_DATA_URI_MAX_BYTES} and a payload that starts
 * like the declared image type. Errors name the rule that failed (the admin API answers them as 400 on
 * `branding.logoUrl`).
 */
export const logoUrlSchema = z.string().superRefine((value, ctx) => {
  if (!value.startsWith('data:')) {
    if (!httpsUrl.safeParse(value).success)
      ctx.addIssue({
        code: 'custom',
        message: `must be an https URL (at most ${LOGO_URL_MAX_CHARS} characters) or a data:image/…;base64 URI`,
      });
    return;
  }
  const m = DATA_URI.exec(value);
  const type = m?.[1] as (typeof LOGO_DATA_URI_TYPES)[number] | undefined;
  if (!m || !type || m[2]!.length % 4 !== 0) {
    ctx.addIssue({ code: 'custom', message: 'must be data:<image type>;base64,<base64 payload>' });
    return;
  }
  if (!LOGO_DATA_URI_TYPES.includes(type)) {
    ctx.addIssue({
      code: 'custom',
      message: `data URI type must be one of ${LOGO_DATA_URI_TYPES.join(', ')}`,
    });
    return;
  }
  const bytes = base64Bytes(m[2]!);
  if (bytes > LOGO_DATA_URI_MAX_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `data URI logo must be at most ${LOGO_DATA_URI_MAX_BYTES} bytes (is ${bytes})`,
    });
    return;
  }
  if (!MAGIC[type](leadingBytes(m[2]!)))
    ctx.addIssue({ code: 'custom', message: `data URI payload is not a ${type} image` });
});
