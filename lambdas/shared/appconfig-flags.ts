import { AppConfigProvider } from '@aws-lambda-powertools/parameters/appconfig';
import type { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { FLAG_NAMES, type FlagName, type Flags } from '../../lib/config/flags';
import { MAINTENANCE } from '../../lib/config/gateway';
import type { FlagProvider } from './flags';

/** Where the stage's feature flags live in AppConfig (names or ids; CDK sets names). */
export interface AppConfigLocation {
  /** `APPCONFIG_APPLICATION`, e.g. `marketedge-prod`. */
  application: string;
  /** `APPCONFIG_ENVIRONMENT`, e.g. `prod`. */
  environment: string;
  /** `APPCONFIG_PROFILE`, the `AWS.AppConfig.FeatureFlags` profile, e.g. `feature-flags`. */
  profile: string;
}

/** Options of {@link createAppConfigFlagProvider}. */
export interface AppConfigFlagOptions extends AppConfigLocation {
  /** Values used before the first fetch succeeds and whenever AppConfig fails (catalog defaults + `FEATURE_FLAGS`). */
  fallback: () => Flags;
  /** How long fetched values count as fresh, seconds (Powertools cache `maxAge`). Default `MAINTENANCE.flagMaxAgeSec` (30). */
  maxAgeSec?: number;
  /** The first read of a container waits at most this long for AppConfig before using the fallback, ms. Default 1000. */
  firstFetchTimeoutMs?: number;
  /** After a failed fetch, serve the fallback (no AppConfig call) for this long, ms. Default 5000. */
  errorBackoffMs?: number;
  /** AppConfigData client (tests inject a mocked one). */
  client?: AppConfigDataClient;
  /** Called once per failed fetch (never with secrets); default: `console.warn` one line. */
  onError?: (error: unknown) => void;
  /** Clock, ms since epoch (tests). */
  now?: () => number;
}

/** Shape of the `AWS.AppConfig.FeatureFlags` data AppConfigData returns: `{ <flag>: { enabled: boolean } }`. */
type FlagValues = Record<string, { enabled?: unknown } | undefined>;

/**
 * A {@link FlagProvider} backed by AWS AppConfig feature flags through Powertools Parameters' `AppConfigProvider`
 * (AppConfigData `StartConfigurationSession` / `GetLatestConfiguration`, JSON transform, in-memory cache).
 * See https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html
 *
 * Latency: only the first read of a container waits for AppConfig, and at most `firstFetchTimeoutMs`; after that,
 * values older than `maxAgeSec` are served while one background refresh runs (stale-while-revalidate), so flag
 * reads on the request path never wait for the network.
 *
 * Never throws: a flag missing from the profile, a malformed document or an AppConfig error yields the fallback
 * value, and errors back off for `errorBackoffMs`.
 */
export function createAppConfigFlagProvider(options: AppConfigFlagOptions): FlagProvider & {
  /** Current values of every flag. */
  all(): Promise<Flags>;
} {
  const provider = new AppConfigProvider({
    application: options.application,
    environment: options.environment,
    ...(options.client ? { awsSdkV3Client: options.client } : {}),
  });
  const maxAgeSec = options.maxAgeSec ?? MAINTENANCE.flagMaxAgeSec;
  const backoffMs = options.errorBackoffMs ?? 5000;
  const firstFetchTimeoutMs = options.firstFetchTimeoutMs ?? 1000;
  const now = options.now ?? Date.now;
  const onError =
    options.onError ??
    ((e: unknown) =>
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message: 'AppConfig flags unavailable, using defaults',
          error: String(e),
        }),
      ));
  let current: FlagValues | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let failedAt: number | undefined;
  let inflight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    try {
      const doc = await provider.get(options.profile, {
        transform: 'json',
        maxAge: maxAgeSec,
        forceFetch: true,
      });
      if (doc && typeof doc === 'object') current = doc as FlagValues;
      fetchedAt = now();
      failedAt = undefined;
    } catch (e) {
      failedAt = now();
      onError(e);
    }
  }

  /** Starts a refresh when the values are stale (and not backing off); returns it, or undefined when fresh. */
  function ensureFresh(): Promise<void> | undefined {
    if (now() - fetchedAt < maxAgeSec * 1000) return undefined;
    if (failedAt !== undefined && now() - failedAt < backoffMs) return undefined;
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function values(): Promise<FlagValues | undefined> {
    const pending = ensureFresh();
    if (current === undefined && pending) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, firstFetchTimeoutMs);
      });
      await Promise.race([pending, timeout]);
      clearTimeout(timer);
    }
    return current;
  }

  const flagValue = (doc: FlagValues | undefined, name: FlagName, fallback: Flags): boolean => {
    const enabled = doc?.[name]?.enabled;
    return typeof enabled === 'boolean' ? enabled : fallback[name];
  };

  return {
    async isEnabled(name) {
      return flagValue(await values(), name, options.fallback());
    },
    async all() {
      const doc = await values();
      const fallback = options.fallback();
      return Object.fromEntries(FLAG_NAMES.map((n) => [n, flagValue(doc, n, fallback)])) as Flags;
    },
  };
}
