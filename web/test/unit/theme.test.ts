import { describe, expect, it } from 'vitest';
import { VERTICALS } from '../../../lib/config/data-model';
import { contrastRatio, darken, ensureContrast, luminance, parseHex, toHex } from '../../src/theme/contrast';
import {
  cssVariables,
  NON_TEXT_PAIRS,
  resolveTheme,
  TEXT_PAIRS,
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
