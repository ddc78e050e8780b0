/**
 * Tier names, in a dependency-free module (no zod) so small Lambda bundles (the authorizer, `tenant-context.ts`)
 * can import them without pulling in the policy schemas. `tiers.ts` re-exports everything here.
 */

/** Tenant tiers, cheapest first. */
export const TIERS = ['free', 'standard', 'premium', 'enterprise'] as const;
/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[number];

/** Type guard for {@link Tier}. */
export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}
