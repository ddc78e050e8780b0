/** Renders rows as a plain-text table (columns in first-row order; numbers right-aligned). */
export function formatTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const numeric = cols.map((c) => rows.every((r) => r[c] === null || !Number.isNaN(Number(r[c]))));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(cols),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}
