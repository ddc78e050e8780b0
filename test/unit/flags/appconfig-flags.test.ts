import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  type GetLatestConfigurationCommandOutput,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppConfigFlagProvider } from '../../../lambdas/shared/appconfig-flags';
import { appConfigLocationFromEnv, flags } from '../../../lambdas/shared/flags';
import { flagDefaults, getStageConfig } from '../../../lib/config';
import { featureFlagsDocument } from '../../../lib/constructs/feature-flags';

const appconfig = mockClient(AppConfigDataClient);
type Payload = GetLatestConfigurationCommandOutput['Configuration'];
/** JSON bytes as AppConfigData returns them (the SDK's blob adapter is a Uint8Array subclass). */
const encode = (v: unknown): Payload => new TextEncoder().encode(JSON.stringify(v)) as unknown as Payload;
const location = { application: 'marketedge-prod', environment: 'prod', profile: 'feature-flags' };

/** What AppConfigData serves for a FeatureFlags profile: `{ flag: { enabled } }` (no metadata). */
function served(values: Record<string, boolean>): Payload {
  return encode(Object.fromEntries(Object.entries(values).map(([k, enabled]) => [k, { enabled }])));
}

beforeEach(() => {
  appconfig.reset();
  appconfig.on(StartConfigurationSessionCommand).resolves({ InitialConfigurationToken: 'token-1' });
});

describe('createAppConfigFlagProvider', () => {
  it('reads flag values from the AppConfig profile and caches them for maxAge', async () => {
    appconfig.on(GetLatestConfigurationCommand).resolves({
      Configuration: served({ rate_limiting_enabled: false }),
      NextPollConfigurationToken: 't2',
    });
    const provider = createAppConfigFlagProvider({
      ...location,
      client: new AppConfigDataClient({}),
      fallback: () => flagDefaults('prod'),
    });
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(false);
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(false);
    // Second read served from the Powertools cache: one session, one fetch.
    expect(appconfig.commandCalls(StartConfigurationSessionCommand)).toHaveLength(1);
    expect(appconfig.commandCalls(GetLatestConfigurationCommand)).toHaveLength(1);
    const start = appconfig.commandCalls(StartConfigurationSessionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({
      ApplicationIdentifier: 'marketedge-prod',
      EnvironmentIdentifier: 'prod',
      ConfigurationProfileIdentifier: 'feature-flags',
    });
  });

  it('falls back per flag when the profile lacks it or holds a non-boolean', async () => {
    appconfig.on(GetLatestConfigurationCommand).resolves({
      Configuration: encode({ api_gateway_enabled: { enabled: 'yes' } }),
      NextPollConfigurationToken: 't2',
    });
    const provider = createAppConfigFlagProvider({
      ...location,
      client: new AppConfigDataClient({}),
      fallback: () => ({ ...flagDefaults('prod'), api_gateway_enabled: true, e2e_testing_enabled: true }),
    });
    const all = await provider.all();
    expect(all.api_gateway_enabled).toBe(true);
    expect(all.e2e_testing_enabled).toBe(true);
    expect(all.frontend_testing_enabled).toBe(false);
  });

  it('never throws: AppConfig errors give the fallback and back off before retrying', async () => {
    appconfig.on(GetLatestConfigurationCommand).rejects(new Error('AccessDenied'));
    let clock = 1_000_000;
    const errors: unknown[] = [];
    const provider = createAppConfigFlagProvider({
      ...location,
      client: new AppConfigDataClient({}),
      fallback: () => ({ ...flagDefaults('prod'), rate_limiting_enabled: true }),
      errorBackoffMs: 5000,
      now: () => clock,
      onError: (e) => errors.push(e),
    });
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(true);
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(true);
    expect(errors).toHaveLength(1);
    clock += 5001;
    appconfig.on(GetLatestConfigurationCommand).resolves({
      Configuration: served({ rate_limiting_enabled: false }),
      NextPollConfigurationToken: 't3',
    });
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(false);
  });

  it('serves stale values while one background refresh fetches the new ones (no request waits)', async () => {
    appconfig
      .on(GetLatestConfigurationCommand)
      .resolves({ Configuration: served({ rate_limiting_enabled: true }), NextPollConfigurationToken: 't2' });
    let clock = 0;
    const provider = createAppConfigFlagProvider({
      ...location,
      client: new AppConfigDataClient({}),
      fallback: () => flagDefaults('prod'),
      maxAgeSec: 30,
      now: () => clock,
    });
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(true);
    appconfig.on(GetLatestConfigurationCommand).resolves({
      Configuration: served({ rate_limiting_enabled: false }),
      NextPollConfigurationToken: 't3',
    });
    clock += 29_000;
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(true);
    expect(appconfig.commandCalls(GetLatestConfigurationCommand)).toHaveLength(1);
    clock += 2_000;
    // Stale: answered from memory at once, refresh started in the background.
    expect(await provider.isEnabled('rate_limiting_enabled')).toBe(true);
    await vi.waitFor(() => expect(appconfig.commandCalls(GetLatestConfigurationCommand)).toHaveLength(2));
    await vi.waitFor(async () => expect(await provider.isEnabled('rate_limiting_enabled')).toBe(false));
  });

  it('waits at most firstFetchTimeoutMs for the first fetch, then uses the fallback', async () => {
    appconfig.on(GetLatestConfigurationCommand).callsFake(() => new Promise(() => undefined));
    const provider = createAppConfigFlagProvider({
      ...location,
      client: new AppConfigDataClient({}),
      fallback: () => ({ ...flagDefaults('prod'), api_gateway_enabled: true }),
      firstFetchTimeoutMs: 50,
    });
    const started = performance.now();
    expect(await provider.isEnabled('api_gateway_enabled')).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('understands the document CDK deploys (values of the generated FeatureFlags profile)', async () => {
    const config = getStageConfig('dev', {
      ...(await import('../../../lib/config')).STAGES.dev,
      flagOverrides: { business_analytics_enabled: true },
    });
    const doc = featureFlagsDocument(config);
    appconfig
      .on(GetLatestConfigurationCommand)
      .resolves({ Configuration: encode(doc.values), NextPollConfigurationToken: 't2' });
    const provider = createAppConfigFlagProvider({
      ...location,
      client: new AppConfigDataClient({}),
      fallback: () => flagDefaults('dev'),
    });
    expect(await provider.all()).toEqual({ ...flagDefaults('dev'), business_analytics_enabled: true });
  });
});

describe('appConfigLocationFromEnv', () => {
  it('needs all three variables', () => {
    expect(
      appConfigLocationFromEnv({
        APPCONFIG_APPLICATION: 'a',
        APPCONFIG_ENVIRONMENT: 'e',
        APPCONFIG_PROFILE: 'p',
      }),
    ).toEqual({ application: 'a', environment: 'e', profile: 'p' });
    expect(
      appConfigLocationFromEnv({ APPCONFIG_APPLICATION: 'a', APPCONFIG_ENVIRONMENT: 'e' }),
    ).toBeUndefined();
    expect(appConfigLocationFromEnv({})).toBeUndefined();
  });
});

describe('flags (process-wide) with APPCONFIG_* set', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    flags.reset();
  });

  it('uses AppConfig, while runtime overrides still win', async () => {
    Object.assign(process.env, {
      STAGE: 'prod',
      APPCONFIG_APPLICATION: 'marketedge-prod',
      APPCONFIG_ENVIRONMENT: 'prod',
      APPCONFIG_PROFILE: 'feature-flags',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    appconfig.on(GetLatestConfigurationCommand).resolves({
      Configuration: served({ tenant_specific_limits: false }),
      NextPollConfigurationToken: 't2',
    });
    flags.reset();
    expect(await flags.isEnabled('tenant_specific_limits')).toBe(false);
    flags.set({ tenant_specific_limits: true });
    expect(await flags.isEnabled('tenant_specific_limits')).toBe(true);
  });

  it('uses the static catalog when APPCONFIG_* are not set', async () => {
    delete process.env.APPCONFIG_APPLICATION;
    process.env.STAGE = 'prod';
    flags.reset();
    expect(await flags.isEnabled('frontend_testing_enabled')).toBe(false);
    expect(appconfig.commandCalls(GetLatestConfigurationCommand)).toHaveLength(0);
  });
});
