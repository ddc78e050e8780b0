import { VERTICALS, type Vertical } from '../../../lib/config/data-model';
import type { Branding } from '../api/types';
import { contrastRatio, ensureContrast } from './contrast';

/**
 * Design tokens of one theme. Every colour pair the console draws text with is listed in {@link TEXT_PAIRS} and
 * checked for WCAG AA contrast (≥ 4.5:1) by the theme unit test; `focus` must reach 3:1 against `bg` and `surface`.
 */
export interface ThemeTokens {
  /** Page background. */
  bg: string;
  /** Cards, tables, dialogs. */
  surface: string;
  text: string;
  textMuted: string;
  /** Buttons, links, the header bar. */
  primary: string;
  /** Text on `primary`. */
  onPrimary: string;
  border: string;
  /** Focus outline. */
  focus: string;
  danger: string;
  success: string;
  warningBg: string;
  warningText: string;
}

/** A resolved theme: tokens plus what the header shows. */
export interface Theme {
  /** `vertical` or `vertical+tenant` when branding overrides applied. */
  id: string;
  vertical: Vertical;
  tokens: ThemeTokens;
  /** Name shown in the header (branding `displayName`, else the tenant name). */
  displayName?: string;
  logoUrl?: string;
}

const base: Omit<ThemeTokens, 'primary' | 'onPrimary'> = {
  bg: '#f4f5f7',
  surface: '#ffffff',
  text: '#1b1f24',
  textMuted: '#4a5360',
  border: '#8a94a3',
  focus: '#b45309',
  danger: '#b42318',
  success: '#146c2e',
  warningBg: '#fff4d6',
  warningText: '#5c3c00',
};

/** The theme of each vertical (the data a new theme is added to: one entry, then `npm test` checks its contrast). */
export const VERTICAL_THEMES: Readonly<Record<Vertical, ThemeTokens>> = {
  retail: { ...base, primary: '#0b5cad', onPrimary: '#ffffff', bg: '#f3f6fa' },
  hospitality: { ...base, primary: '#8a1c3b', onPrimary: '#ffffff', bg: '#faf5f4' },
  leisure: { ...base, primary: '#17633a', onPrimary: '#ffffff', bg: '#f3f8f4' },
  finance: { ...base, primary: '#1f3a68', onPrimary: '#ffffff', bg: '#f4f5f9' },
  platform: { ...base, primary: '#4338ca', onPrimary: '#ffffff', bg: '#f5f5fa' },
};

/** Foreground/background token pairs drawn as text: each must reach 4.5:1. */
export const TEXT_PAIRS: readonly (readonly [keyof ThemeTokens, keyof ThemeTokens])[] = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['textMuted', 'bg'],
  ['textMuted', 'surface'],
  ['primary', 'surface'],
  ['primary', 'bg'],
  ['onPrimary', 'primary'],
  ['danger', 'surface'],
  ['danger', 'bg'],
  ['success', 'surface'],
  ['warningText', 'warningBg'],
];

/** Non-text pairs (focus ring, borders of controls): each must reach 3:1. */
export const NON_TEXT_PAIRS: readonly (readonly [keyof ThemeTokens, keyof ThemeTokens])[] = [
  ['focus', 'bg'],
  ['focus', 'surface'],
  ['border', 'surface'],
];

function isVertical(v: string | undefined): v is Vertical {
  return (VERTICALS as readonly string[]).includes(v ?? '');
}

/**
 * The theme of a tenant: its vertical's tokens, then its branding. A branding `primaryColor` is darkened as little
 * as needed to keep 4.5:1 against the page and surface (so a pale brand colour cannot break readability), and the
 * text on it is white or near-black, whichever contrasts more. Components never branch on the tenant: they read CSS
 * variables.
 * @param vertical the tenant's vertical (unknown → `platform`)
 */
export function resolveTheme(vertical: string | undefined, branding?: Branding, tenantName?: string): Theme {
  const v: Vertical = isVertical(vertical) ? vertical : 'platform';
  const tokens = { ...VERTICAL_THEMES[v] };
  let id: string = v;
  if (branding?.primaryColor && /^#[0-9a-fA-F]{6}$/.test(branding.primaryColor)) {
    const onSurface = ensureContrast(branding.primaryColor.toLowerCase(), tokens.surface);
    tokens.primary = ensureContrast(onSurface, tokens.bg);
    tokens.onPrimary =
      contrastRatio('#ffffff', tokens.primary) >= contrastRatio(tokens.text, tokens.primary)
        ? '#ffffff'
        : tokens.text;
    id = `${v}+brand`;
  }
  return {
    id,
    vertical: v,
    tokens,
    displayName: branding?.displayName ?? tenantName,
    logoUrl: branding?.logoUrl,
  };
}

/** CSS custom properties of a theme (`--me-<token>`), to set on the document root. */
export function cssVariables(tokens: ThemeTokens): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tokens).map(([k, v]) => [`--me-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]),
  );
}
