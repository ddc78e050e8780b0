import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERTICALS } from '../../../lib/config/data-model';
import { contrastRatio, darken, ensureContrast, luminance, parseHex, toHex } from '../../src/theme/contrast';
import {
  cssVariables,
  NON_TEXT_PAIRS,
  resolveTheme,
  TEXT_PAIRS,
  type ThemeTokens,
  VERTICAL_THEMES,
} from '../../src/theme/tokens';

describe('contrast maths (WCAG 2.2)', () => {
  it('matches the reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // WebAIM reference: #767676 on white is 4.54:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(luminance('#ffffff')).toBeCloseTo(1, 5);
    expect(toHex(parseHex('#0b5cad'))).toBe('#0b5cad');
    expect(darken('#ffffff', 1)).toBe('#000000');
    expect(() => parseHex('red')).toThrow(/#rrggbb/);
  });

  it('ensureContrast darkens only as much as needed', () => {
    expect(ensureContrast('#1b1f24', '#ffffff')).toBe('#1b1f24');
    const fixed = ensureContrast('#ffeb3b', '#ffffff');
    expect(contrastRatio(fixed, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(darken('#ffeb3b', 0.5), '#ffffff')).toBeGreaterThan(
      contrastRatio(fixed, '#ffffff') - 0.5,
    );
  });
});

describe('theme tokens', () => {
  it.each(VERTICALS)('every text pair of the %s theme reaches 4.5:1 and every non-text pair 3:1', (v) => {
    const t = VERTICAL_THEMES[v];
    for (const [fg, bg] of TEXT_PAIRS)
      expect(contrastRatio(t[fg], t[bg]), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    for (const [fg, bg] of NON_TEXT_PAIRS)
      expect(contrastRatio(t[fg], t[bg]), `${fg} on ${bg}`).toBeGreaterThanOrEqual(3);
  });

  it.each(['#ffeb3b', '#ffffff', '#777777', '#00ff00', '#000000', '#e91e63', '#87ceeb'])(
    'a brand colour %s is adjusted to keep every text pair readable',
    (primaryColor) => {
      for (const v of VERTICALS) {
        const t = resolveTheme(v, { primaryColor }).tokens;
        for (const [fg, bg] of TEXT_PAIRS) {
          expect(contrastRatio(t[fg], t[bg]), `${v} ${primaryColor} ${fg} on ${bg}`).toBeGreaterThanOrEqual(
            4.5,
          );
        }
      }
    },
  );

  it('falls back to the platform theme for an unknown vertical and ignores a malformed colour', () => {
    expect(resolveTheme('casino').vertical).toBe('platform');
    expect(resolveTheme('retail', { primaryColor: 'red' }).tokens.primary).toBe(
      VERTICAL_THEMES.retail.primary,
    );
    expect(resolveTheme('retail', { displayName: 'Shop' }, 'Acme').displayName).toBe('Shop');
    expect(resolveTheme('retail', undefined, 'Acme').displayName).toBe('Acme');
  });

  it('exposes tokens as --me-* CSS variables', () => {
    expect(cssVariables(VERTICAL_THEMES.retail)).toMatchObject({
      '--me-primary': VERTICAL_THEMES.retail.primary,
      '--me-text-muted': VERTICAL_THEMES.retail.textMuted,
      '--me-on-primary': '#ffffff',
    });
  });
});

/** The declarations of the first rule of styles.css whose selector list is exactly `selector`. */
function cssRule(selector: string): Record<string, string> {
  // Read as a file from the repository root (Vitest's root): the web project turns CSS imports off (`?raw` answers
  // ''), and under jsdom `import.meta.url` is not a file URL.
  const file = resolve(process.cwd(), 'web/src/styles.css');
  const css = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const m = new RegExp(`(?:^|})\\s*${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*{([^}]*)}`).exec(
    css,
  );
  if (!m?.[1]) throw new Error(`no rule ${selector} in styles.css`);
  return Object.fromEntries(
    m[1]
      .split(';')
      .map((d) => d.split(':').map((x) => x.trim()))
      .filter((d): d is [string, string] => d.length === 2 && !!d[0]),
  );
}

/** The theme token behind `var(--me-<token>)`. */
function tokenOf(value: string | undefined): keyof ThemeTokens {
  const name = /^var\(--me-([a-z-]+)\)$/.exec(value ?? '')?.[1];
  if (!name) throw new Error(`not a theme variable: ${value}`);
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof ThemeTokens;
}

describe('disabled buttons (pager, forms)', () => {
  const rule = cssRule('button:disabled');

  it('draw theme colours without opacity (opacity would blend the text into the page)', () => {
    expect(rule.opacity ?? '1').toBe('1');
    expect(rule.color).toMatch(/^var\(--me-/);
    expect(rule.background).toMatch(/^var\(--me-/);
  });

  it.each(VERTICALS)('reach 4.5:1 text contrast and a 3:1 border in the %s theme, branded or not', (v) => {
    for (const brand of [undefined, '#ffeb3b', '#000000', '#e91e63']) {
      const t = resolveTheme(v, brand ? { primaryColor: brand } : undefined).tokens;
      const bg = t[tokenOf(rule.background)];
      expect(contrastRatio(t[tokenOf(rule.color)], bg), `${v} ${brand} text`).toBeGreaterThanOrEqual(4.5);
      expect(
        contrastRatio(t[tokenOf(rule['border-color'])], bg),
        `${v} ${brand} border`,
      ).toBeGreaterThanOrEqual(3);
    }
  });
});
