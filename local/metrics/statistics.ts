import type { Statistic } from '../../lib/config/alarms';

/**
 * One CloudWatch statistic over the values of a period; `undefined` when there are none (missing data).
 * Percentiles (`pNN`, `pNN.N`) use the nearest rank of the sorted values (CloudWatch estimates them; on the small
 * samples of the local stack the nearest rank is exact); a percentile rank `PR(:N)` is the percent of values ≤ N.
 * @throws {Error} an unknown statistic name
 */
export function statistic(values: readonly number[], stat: Statistic): number | undefined {
  if (!values.length) return undefined;
  switch (stat) {
    case 'Sum':
      return sum(values);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return sum(values) / values.length;
    // A loop, not Math.max(...values): spreading ~120 000 values overflows the stack (a busy period holds more).
    case 'Maximum':
      return values.reduce((m, v) => Math.max(m, v));
    case 'Minimum':
      return values.reduce((m, v) => Math.min(m, v));
    default: {
      const rank = /^PR\(:(-?\d+(?:\.\d+)?)\)$/.exec(stat);
      if (rank) return (100 * values.filter((v) => v <= Number(rank[1])).length) / values.length;
      return percentile(values, percentileOf(stat));
    }
  }
}

/** Sum of the values (0 for none). */
export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) by nearest rank: the smallest value with at least `p` % of the values at or
 * below it; `undefined` for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  // A typed-array copy sorts numerically without a comparator call per comparison (several times faster than
  // Array#sort((a, b) => a - b) on the 10⁵ values of a busy 5-minute period).
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

function percentileOf(stat: string): number {
  const m = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  const p = m ? Number(m[1]) : Number.NaN;
  if (!(p > 0 && p <= 100)) throw new Error(`unknown statistic "${stat}"`);
  return p;
}
