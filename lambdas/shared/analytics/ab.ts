import { EXPERIMENTS, isExperimentName } from '../../../lib/config/experiments';
import { compareVariants, type ExperimentResult, type VariantCounts } from './stats';

/** One row of `analytics/queries/ab_results.sql` (BIGINTs may arrive as strings). */
export interface AbRow {
  experiment: unknown;
  variant: unknown;
  exposed: unknown;
  converted_report_created?: unknown;
  converted_report_viewed?: unknown;
  converted_feature_used?: unknown;
  [column: string]: unknown;
}

/** An experiment's result, or why there is none yet. */
export type ExperimentReport =
  | ({ experiment: string; conversionEvent: string } & ExperimentResult)
  | { experiment: string; conversionEvent: string; error: string };

/**
 * Turns `ab_results` rows (per variant, tenant and vertical) into one result per catalog experiment: rows are summed
 * over the scope, the conversion column is the experiment's `conversionEvent`, variants follow catalog order (the
 * control first). Experiments without exposures in every variant report an `error` instead of statistics.
 */
export function experimentReports(rows: readonly AbRow[], confidence = 0.95): ExperimentReport[] {
  const out: ExperimentReport[] = [];
  const names = new Set(rows.map((r) => String(r.experiment)).filter(isExperimentName));
  for (const name of [...names].sort()) {
    const def = EXPERIMENTS[name];
    const column = `converted_${def.conversionEvent}`;
    const counts: VariantCounts[] = def.variants.map((v) => ({ variant: v.name, exposed: 0, converted: 0 }));
    for (const r of rows) {
      if (r.experiment !== name) continue;
      const c = counts.find((x) => x.variant === r.variant);
      if (!c) continue;
      c.exposed += Number(r.exposed ?? 0);
      c.converted += Number(r[column] ?? 0);
    }
    try {
      out.push({
        experiment: name,
        conversionEvent: def.conversionEvent,
        ...compareVariants(
          counts,
          def.variants.map((v) => v.weight),
          confidence,
        ),
      });
    } catch (e) {
      out.push({ experiment: name, conversionEvent: def.conversionEvent, error: (e as Error).message });
    }
  }
  return out;
}
