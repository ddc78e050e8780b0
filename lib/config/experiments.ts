/**
 * Experiments (A/B tests), part of the feature-flag catalog: each has a salt and variants with integer weights.
 * A user's variant is a pure function of their user hash and the salt (`lambdas/shared/analytics/experiments.ts`),
 * so every Lambda, the console and the analytics queries agree without storing assignments. Results:
 * `analytics/queries/ab_results.sql` plus the statistics in `lambdas/shared/analytics/stats.ts`.
 */
import type { FlagName } from './flags';

/** One variant and its share of traffic (weights are relative; they need not sum to 100). */
export interface ExperimentVariant {
  name: string;
  weight: number;
}

/** An experiment's catalog entry. */
export interface ExperimentDefinition {
  /** Mixed into the assignment hash so experiments are independent of each other. Never reuse a salt. */
  salt: string;
  /** Variants, the control first. */
  variants: readonly ExperimentVariant[];
  /** The event whose occurrence after exposure counts as a conversion. */
  conversionEvent: 'report_created' | 'report_viewed' | 'feature_used';
  /** Flag that must be on for the experiment to run (exposures are not recorded otherwise). */
  flag: FlagName;
  /** One line: what is being tested. */
  hypothesis: string;
}

/** The experiment catalog. */
export const EXPERIMENTS = {
  report_cta: {
    salt: 'report_cta-2026-11',
    variants: [
      { name: 'control', weight: 50 },
      { name: 'prominent', weight: 50 },
    ],
    conversionEvent: 'report_created',
    flag: 'business_analytics_enabled',
    hypothesis: 'A prominent "New report" button on the home page raises report creation.',
  },
} as const satisfies Record<string, ExperimentDefinition>;

/** One experiment name. */
export type ExperimentName = keyof typeof EXPERIMENTS;

/** The variant names of experiment `E`, e.g. `'control' | 'prominent'` for `report_cta`. */
export type VariantName<E extends ExperimentName> = (typeof EXPERIMENTS)[E]['variants'][number]['name'];

/**
 * A caller's experiment assignments, `GET /v1/me` `experiments`: experiment name → the variant the server assigned
 * (`lambdas/shared/analytics/ingest.ts` `assignments`). An experiment is missing when it is not running for the
 * caller; a missing experiment means the control experience and no exposure.
 */
export type ExperimentAssignments = { [E in ExperimentName]?: VariantName<E> };

/** Type guard for {@link ExperimentName}. */
export function isExperimentName(v: unknown): v is ExperimentName {
  return typeof v === 'string' && Object.hasOwn(EXPERIMENTS, v);
}
