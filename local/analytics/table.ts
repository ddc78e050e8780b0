import type { ExperimentReport } from '../../lambdas/shared/analytics/ab';
import { SRM_ALPHA } from '../../lambdas/shared/analytics/stats';

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

/** Formats a proportion as a percentage with two decimals (`0.1234` → `12.34%`). */
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
/** Formats a signed proportion as a percentage with two decimals (`0.05` → `+5.00%`). */
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${pct(x)}`;

/**
 * Renders `ab_results` statistics (from `experimentReports`) as a table: one row per variant (control first) with
 * experiment, variant, exposed, converted, rate, lift (relative, against the control), interval (of the absolute
 * difference of rates, percentage points, at the report's confidence), p (two-sided z-test), significant (the
 * interval excludes 0) and SRM (on the control row: sample-ratio mismatch flag and its p-value). Experiments without
 * statistics are listed below the table with their reason.
 */
export function formatExperiments(reports: readonly ExperimentReport[]): string {
  if (reports.length === 0) return '(no experiments)';
  const rows: Record<string, string | number>[] = [];
  const errors: string[] = [];
  let confidence: number | undefined;
  for (const r of reports) {
    if ('error' in r) {
      errors.push(`${r.experiment}: ${r.error}`);
      continue;
    }
    confidence = r.confidence;
    const srm = `${r.srm.mismatch ? 'MISMATCH' : 'ok'} (p ${r.srm.pValue.toPrecision(3)})`;
    const base = { experiment: r.experiment, variant: r.control.variant };
    rows.push({
      ...base,
      exposed: r.control.exposed,
      converted: r.control.converted,
      rate: pct(r.control.conversion),
      lift: '(control)',
      interval: '',
      p: '',
      significant: '',
      SRM: srm,
    });
    for (const t of r.treatments) {
      rows.push({
        experiment: r.experiment,
        variant: t.variant,
        exposed: t.exposed,
        converted: t.converted,
        rate: pct(t.conversion),
        lift: t.lift === null ? 'n/a' : signedPct(t.lift),
        interval: `${signedPct(t.difference)} [${signedPct(t.differenceCi[0])}, ${signedPct(t.differenceCi[1])}]`,
        p: t.pValue.toFixed(3),
        significant: t.significant ? 'yes' : 'no',
        SRM: '',
      });
    }
  }
  const notes: string[] = [];
  if (rows.length > 0) {
    notes.push(
      `interval: difference of rates against the control with its ${Math.round((confidence ?? 0.95) * 100)}% Newcombe interval; significant = the interval excludes 0; SRM flagged below p = ${SRM_ALPHA}`,
    );
  }
  return [rows.length > 0 ? formatTable(rows) : '', ...notes, ...errors.map((e) => `no statistics: ${e}`)]
    .filter((s) => s !== '')
    .join('\n');
}
