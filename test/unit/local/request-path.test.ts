import { describe, expect, it } from 'vitest';
import { requestPath } from '../../../local/request-path';

/** What the front doors read before: the pathname, or the parser's error (e.g. `/\\` names an empty host). */
const outcome = (read: (t: string) => string, target: string) => {
  try {
    return read(target);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};
const viaUrl = (target: string) => new URL(target, 'http://local').pathname;

describe('requestPath (the front doors read the path without parsing a URL)', () => {
  it('equals the WHATWG URL pathname on plain and tricky targets', () => {
    const targets = [
      '/',
      '',
      '/health',
      '/v1/me?x=1&y=a.b',
      '/console/assets/app.1234.js',
      '/_local/analytics/exports/a.csv?expires=1&sig=abc',
      '/_local/alarms#frag',
      '/a//b',
      '//evil/_local/alarms',
      '/x/../_local/alarms',
      '/x/./_local/alarms',
      '/x/%2e%2e/_local/alarms',
      '/x/.%2E/_local/alarms',
      '/%5Flocal/alarms',
      '/x\\..\\_local/alarms',
      '/sp ace/"q"/<a>/{b}/`c`',
      '/caf\u00e9',
      '/a/b/..',
      '/a/b/.',
      '/..',
      '/...',
      '/a.b/c..d',
      'http://host/_local/alarms',
      '*',
    ];
    for (const t of targets) expect(outcome(requestPath, t), t).toBe(outcome(viaUrl, t));
  });

  it('equals the URL pathname on random targets over the characters that matter', () => {
    const alphabet = [
      '/',
      '.',
      '%',
      '2',
      'e',
      'E',
      '\\',
      '?',
      '#',
      'a',
      '_',
      ' ',
      '"',
      '~',
      ':',
      '@',
      '\u00e9',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    for (let n = 0; n < 5_000; n++) {
      let t = '/';
      const len = next() % 12;
      for (let i = 0; i < len; i++) t += alphabet[next() % alphabet.length];
      expect(outcome(requestPath, t), t).toBe(outcome(viaUrl, t));
    }
  });

  it('takes the fast path without building a URL for a plain path', () => {
    const original = globalThis.URL;
    let built = 0;
    globalThis.URL = class extends original {
      constructor(...args: ConstructorParameters<typeof URL>) {
        super(...args);
        built++;
      }
    } as typeof URL;
    try {
      expect(requestPath('/v1/reports?limit=5')).toBe('/v1/reports');
      expect(built).toBe(0);
      expect(requestPath('/x/../y')).toBe('/y');
      expect(built).toBe(1);
    } finally {
      globalThis.URL = original;
    }
  });
});
