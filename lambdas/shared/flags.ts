import { FLAG_NAMES, type FlagName, type Flags, flagDefaults } from '../../lib/config/flags';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { isStageName } from '../../lib/config/stage-names';
import type { AppConfigLocation } from './appconfig-flags';

/**
 * Resolves feature flags for this process: the catalog defaults of `STAGE` (default `dev`), overlaid with
 * `FEATURE_FLAGS` (JSON object of flag name → boolean; set by the local stack and by CDK from the stage's
 * `flagOverrides`). Unknown names in `FEATURE_FLAGS` are ignored.
 *
 * In AWS the AppConfig feature-flag profile is the live source (`appconfig-flags.ts`); these values are its fallback.
 */
export function staticFlags(env: NodeJS.ProcessEnv = process.env): Flags {
  const named = settingOrDefault(env, SETTINGS.stage);
  const stage = isStageName(named) ? named : 'dev';
  const flags = flagDefaults(stage);
  const overlay = env[SETTINGS.featureFlags.name];
  if (overlay) {
    try {
      const raw = JSON.parse(overlay) as Record<string, unknown>;
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
/** AppConfig-backed provider: `undefined` = not looked up yet, `null` = not configured (no APPCONFIG_* env). */
let remote: Promise<FlagProvider | null> | undefined;

/**
 * Reads the `APPCONFIG_APPLICATION` / `APPCONFIG_ENVIRONMENT` / `APPCONFIG_PROFILE` env vars.
 * @returns the location when all three are set and non-empty, otherwise `undefined` (local stack, tests)
 */
export function appConfigLocationFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): AppConfigLocation | undefined {
  const application = env[SETTINGS.appConfigApplication.name];
  const environment = env[SETTINGS.appConfigEnvironment.name];
  const profile = env[SETTINGS.appConfigProfile.name];
  return application && environment && profile ? { application, environment, profile } : undefined;
}

/**
 * The AppConfig provider when `APPCONFIG_APPLICATION`, `APPCONFIG_ENVIRONMENT` and `APPCONFIG_PROFILE` are set
 * (CDK sets them on every Lambda), else `null`. Loaded lazily so local runs and tests never touch AppConfig.
 */
async function remoteProvider(): Promise<FlagProvider | null> {
  const location = appConfigLocationFromEnv();
  if (!location) return null;
  const { createAppConfigFlagProvider } = await import('./appconfig-flags');
  return createAppConfigFlagProvider({ ...location, fallback: () => (resolved ??= staticFlags()) });
}

/**
 * Process-wide flag provider: runtime overrides (`set`, local stack and tests) first, then AWS AppConfig feature
 * flags when the `APPCONFIG_*` env vars are set (see `appconfig-flags.ts`), else {@link staticFlags}.
 */
export const flags: FlagProvider & { set(values: Partial<Flags>): void; reset(): void } = {
  async isEnabled(name) {
    const override = overrides[name];
    if (override !== undefined) return override;
    resolved ??= staticFlags();
    remote ??= remoteProvider().catch(() => null);
    const provider = await remote;
    return provider ? provider.isEnabled(name) : resolved[name];
  },
  set(values) {
    overrides = { ...overrides, ...values };
  },
  reset() {
    overrides = {};
    resolved = undefined;
    remote = undefined;
  },
};
