/** Deployment stages, in promotion order. */
export const STAGE_NAMES = ['dev', 'staging', 'prod'] as const;
/** One of {@link STAGE_NAMES}. */
export type StageName = (typeof STAGE_NAMES)[number];

/** Type guard for {@link StageName}. */
export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}
