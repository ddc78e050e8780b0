import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  type GetLatestConfigurationCommandOutput,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppConfigFlagProvider } from '../../../lambdas/shared/appconfig-flags';
import { createHttpHandler } from '../../../lambdas/shared/http/handler';
import { maintenanceAnswer } from '../../../lambdas/shared/http/maintenance';
import { flagDefaults } from '../../../lib/config';
import { FLAGS } from '../../../lib/config/flags';
import { MAINTENANCE } from '../../../lib/config/gateway';
import { callers, restEvent } from '../reports/events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

const appconfig = mockClient(AppConfigDataClient);
type Payload = GetLatestConfigurationCommandOutput['Configuration'];
const served = (enabled: boolean): Payload =>
  new TextEncoder().encode(JSON.stringify({ api_gateway_enabled: { enabled } })) as unknown as Payload;
const ctx = { awsRequestId: 'lambda-1', functionName: 'f' } as unknown as Context;

beforeEach(() => {
  appconfig.reset();
  appconfig.on(StartConfigurationSessionCommand).resolves({ InitialConfigurationToken: 't1' });
});

function handlerWith(flags: { isEnabled(n: 'api_gateway_enabled'): Promise<boolean> }) {
  const endpoint = vi.fn(async () => ({ statusCode: 200, body: '{"ok":true}' }));
  const handler = createHttpHandler({
    obs: {
      logger: new Logger({ serviceName: 't' }),
      metrics: new Metrics({ namespace: 'T', serviceName: 't' }),
    },
    serves: (r) => r.backend.kind === 'lambda' && r.backend.target === 'reports',
    endpoints: { 'GET /v1/me': endpoint },
    flags,
  });
  const call = () =>
    handler(restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: callers.acmeAlice }), ctx);
  return { call, endpoint };
}

describe('maintenance switch (api_gateway_enabled)', () => {
  it('says in the catalog what the code does', () => {
    expect(FLAGS.api_gateway_enabled.effect).toMatch(/503/);
    expect(FLAGS.api_gateway_enabled.effect).toMatch(/Retry-After/);
    expect(MAINTENANCE.exemptRouteKeys).toEqual(['GET /health']);
  });

  it('off: 503 problem+json with Retry-After before the endpoint runs; on: the endpoint answers', async () => {
    let on = false;
    const { call, endpoint } = handlerWith({ isEnabled: async () => on });
    const res = await call();
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe(String(MAINTENANCE.retryAfterSec));
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({
      type: 'https://docs.marketedge.io/problems/maintenance',
      status: 503,
      requestId: expect.any(String),
    });
    expect(endpoint).not.toHaveBeenCalled();
    on = true;
    expect((await call()).statusCode).toBe(200);
    expect(endpoint).toHaveBeenCalledTimes(1);
  });

  it('never closes the exempt liveness route', async () => {
    expect(await maintenanceAnswer({ isEnabled: async () => false }, 'GET /health', 'r1')).toBeUndefined();
    expect(await maintenanceAnswer({ isEnabled: async () => false }, 'GET /health/deep', 'r1')).toMatchObject(
      {
        statusCode: 503,
      },
    );
  });

  it('in AWS: an AppConfig change reaches a warm container within 60 s (flag cache maxAge), both ways', async () => {
    let now = 1_000_000;
    let value = true;
    appconfig.on(GetLatestConfigurationCommand).callsFake(() => ({
      Configuration: served(value),
      NextPollConfigurationToken: `t${now}`,
    }));
    const provider = createAppConfigFlagProvider({
      application: 'marketedge-prod',
      environment: 'prod',
      profile: 'feature-flags',
      client: new AppConfigDataClient({}),
      fallback: () => flagDefaults('prod'),
      now: () => now,
    });
    const { call } = handlerWith(provider);
    expect((await call()).statusCode).toBe(200);
    value = false; // operator flips the flag in AppConfig
    // Stale-while-revalidate: the first request after maxAge triggers the refresh, the next sees the new value.
    const deadline = now + 60_000;
    let closedAt: number | undefined;
    while (now <= deadline && closedAt === undefined) {
      now += 5_000;
      await call();
      await new Promise((r) => setImmediate(r));
      if ((await call()).statusCode === 503) closedAt = now;
    }
    expect(closedAt).toBeDefined();
    expect((closedAt ?? Number.POSITIVE_INFINITY) - (deadline - 60_000)).toBeLessThanOrEqual(60_000);
    value = true;
    let reopened = false;
    for (let i = 0; i < 12 && !reopened; i++) {
      now += 5_000;
      await call();
      await new Promise((r) => setImmediate(r));
      reopened = (await call()).statusCode === 200;
    }
    expect(reopened).toBe(true);
  });
});
