import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishRequestMetrics } from '../../../lambdas/shared/request-metrics';
import { alarmDefinitions } from '../../../lib/config/alarms';
import { getStageConfig } from '../../../lib/config/stages';
import { parseEmfLine } from '../../../local/metrics/emf';
import { tapEmf } from '../../../local/metrics/emf-tap';
import { AlarmEvaluator } from '../../../local/metrics/evaluator';
import { alarmsControl } from '../../../local/metrics/runtime';
import { MetricStore } from '../../../local/metrics/store';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('EMF lines from Powertools Metrics reach the local store', () => {
  it('the stdout tap takes the EMF lines a handler publishes (values, dimensions, tenantId metadata), not other output', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const store = new MetricStore();
    const untap = tapEmf((line) => store.addEmfLine(line));
    try {
      const metrics = new Metrics({
        namespace: 'MarketEdge',
        serviceName: 'reports',
        defaultDimensions: { stage: 'dev' },
      });
      metrics.addMetric('RateLimitAllowed', MetricUnit.Count, 1);
      metrics.addMetric('DynamoDbLatency', MetricUnit.Milliseconds, 4);
      metrics.addMetric('DynamoDbLatency', MetricUnit.Milliseconds, 6);
      publishRequestMetrics(metrics, 'GET /v1/me', 'acme');
      process.stdout.write('plain line\n');
    } finally {
      untap();
    }
    const now = Date.now() + 1;
    expect(store.points('RateLimitAllowed', 0, now)).toEqual([
      expect.objectContaining({
        namespace: 'MarketEdge',
        value: 1,
        unit: 'Count',
        dimensions: { service: 'reports', stage: 'dev', route: 'GET /v1/me' },
        tenantId: 'acme',
      }),
    ]);
    expect(store.points('DynamoDbLatency', 0, now).map((p) => p.value)).toEqual([4, 6]);
    expect(written).toEqual(['plain line\n']); // EMF lines are not printed
  });

  it('ignores lines that are not EMF or are malformed', () => {
    expect(parseEmfLine('{"level":"WARN","message":"x"}')).toEqual([]);
    expect(parseEmfLine('{"_aws": nope')).toEqual([]);
    expect(
      parseEmfLine('{"_aws":{"CloudWatchMetrics":[{"Namespace":"N","Metrics":[{"Name":"M"}]}]},"M":"x"}'),
    ).toEqual([]);
  });

  it('a line seen before (another Timestamp) gives the same values; one that differs elsewhere is parsed anew', () => {
    const line = (ts: string, tenant: string, value: number) =>
      `{"_aws":{"Timestamp":${ts},"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["service"]],"Metrics":[{"Name":"M","Unit":"Count"}]}]},"tenantId":"${tenant}","service":"s","M":${value}}`;
    const point = (tenantId: string, value: number) => ({
      namespace: 'N',
      name: 'M',
      unit: 'Count',
      value,
      dimensions: { service: 's' },
      tenantId,
    });
    expect(parseEmfLine(line('1700000000000', 'a', 1))).toEqual([point('a', 1)]);
    expect(parseEmfLine(line('1700000000001', 'a', 1))).toEqual([point('a', 1)]);
    expect(parseEmfLine(line('1700000000002', 'b', 1))).toEqual([point('b', 1)]);
    expect(parseEmfLine(line('1700000000003', 'a', 2))).toEqual([point('a', 2)]);
    expect(parseEmfLine(line('01700000000004', 'a', 1))).toEqual([]); // not JSON (leading zero)
  });
});

describe('GET/PUT /_local/alarms', () => {
  const rig = () => {
    const store = new MetricStore();
    return alarmsControl(new AlarmEvaluator({ definitions: [], store }), store);
  };

  it('PUT refuses a bad time scale or unknown fields with field paths (400)', async () => {
    const control = rig();
    const bad = await control('PUT', { timeScale: 0, speed: 2 }, new URLSearchParams());
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'speed',
      'timeScale',
    ]);
    expect((await control('PUT', [], new URLSearchParams())).status).toBe(400);
    expect((await control('DELETE', undefined, new URLSearchParams())).status).toBe(405);
  });

  it('GET ?alarm=<name> narrows the alarms and their history to the named ones; an unknown name is a 404', async () => {
    const store = new MetricStore();
    const config = getStageConfig('dev');
    const definitions = alarmDefinitions(config);
    const control = alarmsControl(new AlarmEvaluator({ definitions, store }), store);
    const all = (await control('GET', undefined, new URLSearchParams())).body as {
      alarms: { name: string }[];
    };
    expect(all.alarms.length).toBe(definitions.length);
    const one = await control('GET', undefined, new URLSearchParams('alarm=ApiLatencyP99'));
    expect(one.status).toBe(200);
    expect((one.body as { alarms: { name: string }[] }).alarms.map((a) => a.name)).toEqual(['ApiLatencyP99']);
    const two = await control('GET', undefined, new URLSearchParams('alarm=ApiLatencyP99&alarm=Api5xxRate'));
    expect((two.body as { alarms: { name: string }[] }).alarms.map((a) => a.name).sort()).toEqual([
      'Api5xxRate',
      'ApiLatencyP99',
    ]);
    const unknown = await control('GET', undefined, new URLSearchParams('alarm=NoSuchAlarm'));
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('NoSuchAlarm');
  });

  it('PUT sets the time scale and GET shows it', async () => {
    const control = rig();
    const ok = await control('PUT', { timeScale: 120, clear: true }, new URLSearchParams());
    expect(ok.status).toBe(200);
    const got = await control('GET', undefined, new URLSearchParams());
    expect(got.body).toMatchObject({ timeScale: 120, alarms: [], store: { points: 0, requests: 0 } });
  });
});
