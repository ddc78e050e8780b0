/** Colour maths for WCAG 2.2 contrast (§1.4.3 text ≥ 4.5:1, §1.4.11 non-text ≥ 3:1). */

/** `#rrggbb` → [r, g, b] in 0–255. @throws {Error} on anything else */
export function parseHex(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [
    Number.parseInt(m[1] ?? '0', 16),
    Number.parseInt(m[2] ?? '0', 16),
    Number.parseInt(m[3] ?? '0', 16),
  ];
}

/** [r, g, b] (0–255) → `#rrggbb`. */
export function toHex([r, g, b]: [number, number, number]): string {
  const h = (n: number) =>
    Math.round(Math.min(255, Math.max(0, n)))
      .toString(16)
      .padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** WCAG relative luminance of a `#rrggbb` colour (0 black … 1 white). */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 … 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mixes `hex` towards black by `amount` (0–1). */
export function darken(hex: string, amount: number): string {
  const [r, g, b] = parseHex(hex);
  const k = 1 - amount;
  return toHex([r * k, g * k, b * k]);
}

/**
 * The colour closest to `hex` (darkening in 2 % steps) whose contrast against `background` is at least `min`.
 * Returns `hex` itself when it already passes.
 */
export function ensureContrast(hex: string, background: string, min = 4.5): string {
  let c = hex;
  for (let step = 1; contrastRatio(c, background) < min && step <= 50; step++) c = darken(hex, step * 0.02);
  return c;
}
