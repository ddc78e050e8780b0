import { FLAG_NAMES, type FlagName, type Flags, flagDefaults } from '../../lib/config/flags';
import { isStageName } from '../../lib/config/stage-names';

/**
 * Resolves feature flags for this process: the catalog defaults of `STAGE` (default `dev`), overlaid with
 * `FEATURE_FLAGS` (JSON object of flag name → boolean; set by the local stack and by CDK from the stage's
 * `flagOverrides`). Unknown names in `FEATURE_FLAGS` are ignored.
 *
 * In AWS the AppConfig feature-flag profile is the live source; see `appconfig-flags.ts` once deployed.
 */
export function staticFlags(env: NodeJS.ProcessEnv = process.env): Flags {
  const stage = isStageName(env.STAGE) ? env.STAGE : 'dev';
  const flags = flagDefaults(stage);
  if (env.FEATURE_FLAGS) {
    try {
      const raw = JSON.parse(env.FEATURE_FLAGS) as Record<string, unknown>;
      for (const name of FLAG_NAMES) {
        const v = raw[name];
        if (typeof v === 'boolean') flags[name] = v;
      }
    } catch {
      // A malformed FEATURE_FLAGS keeps the catalog defaults (logged by the caller at start-up).
    }
  }
  return flags;
}

/** Flag provider interface: how Lambdas read flags (static locally, AppConfig in AWS). */
export interface FlagProvider {
  /** Current value of a flag. Never throws: falls back to the catalog default. */
  isEnabled(name: FlagName): Promise<boolean>;
}

let overrides: Partial<Flags> = {};
let resolved: Flags | undefined;

/** Process-wide flag provider backed by {@link staticFlags} plus runtime overrides (local stack, tests). */
export const flags: FlagProvider & { set(values: Partial<Flags>): void; reset(): void } = {
  async isEnabled(name) {
    resolved ??= staticFlags();
    return overrides[name] ?? resolved[name];
  },
  set(values) {
    overrides = { ...overrides, ...values };
  },
  reset() {
    overrides = {};
    resolved = undefined;
  },
};
