import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillCatalog } from '../../../local/drill/catalog';
import { runDrill } from '../../../local/drill/drill';
import type { TrafficTarget } from '../../../local/drill/traffic';
import type { OperationsSummary } from '../../../local/metrics/operations';
import { startTestStack, type TestStack } from './stack-harness';

let t: TestStack;
let target: TrafficTarget;
const entry = (name: string) => {
  const e = drillCatalog(t.stack.config.stageConfig).find((x) => x.name === name);
  if (!e) throw new Error(name);
  return e;
};

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  t = await startTestStack('memory');
  const auth0 = t.stack.config.stageConfig.auth0;
  target = {
    url: t.url,
    devKey: t.stack.devKey,
    claimsNamespace: auth0.claimsNamespace,
    audience: auth0.audience,
  };
});
afterAll(async () => {
  await t?.stop();
});

describe('npm run drill: alarms provoked on the local stack enter ALARM with their runbook and recover', () => {
  it.each([
    'AuthFailures',
    'UnhandledErrors',
    'SloAvailabilityFastBurn',
    'GatewayHeartbeatMissing',
    'LambdaP99Duration-edge-proxy',
  ])('%s', async (name) => {
    const lines: string[] = [];
    const r = await runDrill({ entry: entry(name), target, print: (l) => lines.push(l) });
    expect(r).toMatchObject({ alarm: name, reached_alarm: true, recovered: true, passed: true });
    expect(r.seconds_to_alarm).toBeGreaterThan(0);
    expect(r.seconds).toBeLessThan(20);
    expect(lines.join('\n')).toMatch(/ALARM {2}.*\n\s+runbook: docs\/runbooks\.md#[a-z-]+/);
    // The stack is left as found: no fault, time scale back to 1, flags unchanged.
    expect((await t.call('GET', '/_local/faults')).json?.active).toEqual([]);
    const alarms = (await t.call('GET', '/_local/alarms')).json;
    expect(alarms?.timeScale).toBe(1);
    // The stack's alarm history shows the drill's transitions (read right after it: the endpoint keeps the last 100,
    // and a heartbeat drill's silence moves many alarms at once).
    const history = alarms?.history as { alarm: string; to: string }[];
    expect(history.filter((h) => h.alarm === name).map((h) => h.to)).toEqual(
      expect.arrayContaining(['ALARM', 'OK']),
    );
  });

  it('GET /_local/operations summarizes what the drills sent: routes, tenants, user types, limiter decisions, alarms', async () => {
    const res = await t.call('GET', '/_local/operations?minutes=5');
    expect(res.status).toBe(200);
    const body = res.json as unknown as OperationsSummary;
    const market = body.routes.find((r) => r.key === 'GET /v1/market/{proxy+}');
    expect(market?.status5xx).toBeGreaterThan(0); // SloAvailabilityFastBurn's failing upstream
    expect(body.routes.find((r) => r.key === 'GET /v1/me')?.requests).toBeGreaterThan(0); // AuthFailures' bad tokens
    expect(body.tenants.map((r) => r.key)).toContain('umbrella');
    expect(body.userTypes.map((r) => r.key)).toEqual(expect.arrayContaining(['user', '-']));
    expect(body.limiter.RateLimitAllowed).toBeGreaterThan(0);
    expect(body.alarms?.map((a) => a.name)).toContain('AuthFailures');
    expect((await t.call('GET', '/_local/operations?minutes=0')).status).toBe(400);
    const config = await t.call('GET', '/console/config.json');
    expect(config.json?.operationsPath).toBe('/_local/operations');
  });

  it("config.json carries the RUM app monitor only while apm_monitoring_enabled is on; the collector takes the console's batches", async () => {
    const config = async () => (await t.call('GET', '/console/config.json')).json as Record<string, unknown>;
    await t.call('PUT', '/_local/flags', { body: { apm_monitoring_enabled: false } });
    expect((await config()).rum).toBeUndefined();
    await t.call('PUT', '/_local/flags', { body: { apm_monitoring_enabled: true } });
    const rum = (await config()).rum as { endpoint: string; appMonitorId: string };
    expect(rum).toEqual({
      endpoint: `${t.url}/_local/rum`,
      appMonitorId: 'marketedge-console-local',
      sessionSampleRate: 1,
    });
    const post = await fetch(`${rum.endpoint}/appmonitors/${rum.appMonitorId}`, {
      method: 'POST',
      body: JSON.stringify({
        BatchId: 'b',
        AppMonitorDetails: { id: rum.appMonitorId, version: '1.0.0' },
        UserDetails: { sessionId: 's' },
        RumEvents: [
          {
            id: 'e',
            timestamp: 1,
            type: 'com.amazon.rum.largest_contentful_paint_event',
            details: '{"value":1}',
          },
        ],
      }),
    });
    expect(post.status).toBe(200);
    expect((await t.call('GET', '/_local/rum')).json?.events).toMatchObject([{ id: 'e', sessionId: 's' }]);
    await t.call('PUT', '/_local/flags', { body: { apm_monitoring_enabled: false } });
  });
});
