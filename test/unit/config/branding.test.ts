import { describe, expect, it } from 'vitest';
import { LOGO_DATA_URI_MAX_BYTES, LOGO_URL_MAX_CHARS, logoUrlSchema } from '../../../lib/config/branding';

/** A data URI of `bytes` bytes starting with `head` (the rest zeros). */
function dataUri(type: string, head: number[], bytes: number): string {
  const b = Buffer.alloc(bytes);
  Buffer.from(head).copy(b);
  return `data:${type};base64,${b.toString('base64')}`;
}
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff, 0xe0];
const GIF = [...Buffer.from('GIF89a')];
const WEBP = [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')];
const message = (v: string) => logoUrlSchema.safeParse(v).error?.issues[0]?.message;

describe('tenant logo (https URL or small data URI)', () => {
  it('accepts https URLs and data URIs of each raster type up to the size cap', () => {
    expect(message('https://cdn.example/acme.png')).toBeUndefined();
    expect(message(dataUri('image/png', PNG, 64))).toBeUndefined();
    expect(message(dataUri('image/jpeg', JPEG, 100))).toBeUndefined();
    expect(message(dataUri('image/gif', GIF, 30))).toBeUndefined();
    expect(message(dataUri('image/webp', WEBP, 40))).toBeUndefined();
    expect(message(dataUri('image/png', PNG, LOGO_DATA_URI_MAX_BYTES))).toBeUndefined();
  });

  it('refuses a data URI one byte over the cap, naming the cap and the size', () => {
    expect(message(dataUri('image/png', PNG, LOGO_DATA_URI_MAX_BYTES + 1))).toBe(
      `data URI logo must be at most ${LOGO_DATA_URI_MAX_BYTES} bytes (is ${LOGO_DATA_URI_MAX_BYTES + 1})`,
    );
  });

  it('refuses SVG and other types, non-base64 data URIs, and payloads that are not the declared image', () => {
    expect(message(dataUri('image/svg+xml', [...Buffer.from('<svg')], 20))).toMatch(/^must be data:/);
    expect(message(dataUri('image/bmp', [...Buffer.from('BM')], 20))).toMatch(/type must be one of/);
    expect(message('data:image/png,rawbytes')).toMatch(/^must be data:/);
    expect(message('data:image/png;base64,abc')).toMatch(/^must be data:/); // length not a multiple of 4
    expect(message(dataUri('image/png', [...Buffer.from('<html>')], 20))).toBe(
      'data URI payload is not a image/png image',
    );
    expect(message(dataUri('text/html', [...Buffer.from('<script>')], 20))).toMatch(/^must be data:/);
  });

  it('refuses http, javascript: and over-long URLs', () => {
    for (const v of [
      'http://x.test/l.png',
      'javascript:alert(1)',
      `https://x.test/${'a'.repeat(LOGO_URL_MAX_CHARS)}`,
    ])
      expect(message(v)).toMatch(/^must be an https URL/);
  });
});
