import { describe, expect, it } from 'vitest';
import { type AlarmDefinition, alarmDefinitions } from '../../../lib/config/alarms';
import { sloDefinitions } from '../../../lib/config/slos';
import { getStageConfig } from '../../../lib/config/stages';
import { AlarmEvaluator, type AlarmStateValue } from '../../../local/metrics/evaluator';
import { statistic } from '../../../local/metrics/statistics';
import { MetricStore } from '../../../local/metrics/store';

const dev = getStageConfig('dev');
const defs = alarmDefinitions(dev);
const def = (name: string): AlarmDefinition => {
  const d = defs.find((x) => x.name === name);
  if (!d) throw new Error(name);
  return d;
};

/** A store and evaluator on a hand-moved clock (epoch ms). */
function rig(definitions: AlarmDefinition[], timeScale = 1, slos: ReturnType<typeof sloDefinitions> = []) {
  let now = 1_700_000_000_000;
  const store = new MetricStore({ clock: () => now });
  const ev = new AlarmEvaluator({ definitions, store, timeScale, slos });
  return {
    store,
    ev,
    advance(ms: number) {
      now += ms;
      return ev.evaluate();
    },
    state(name: string): AlarmStateValue | undefined {
      return ev.statuses().find((s) => s.name === name)?.state;
    },
    request(fields: Record<string, string>) {
      store.addAccessLog({ method: 'GET', route: '/v1/me', status: '200', latency: '20', ...fields });
    },
    emf(metric: string, service: string, value = 1) {
      store.addEmfLine(
        JSON.stringify({
          _aws: {
            Timestamp: 0,
            CloudWatchMetrics: [
              {
                Namespace: 'MarketEdge',
                Dimensions: [
                  ['service', 'stage', 'route'],
                  ['service', 'stage'],
                ],
                Metrics: [{ Name: metric, Unit: 'Count' }],
              },
            ],
          },
          service,
          stage: 'dev',
          route: 'GET /v1/me',
          [metric]: value,
          tenantId: 'acme',
        }),
      );
    },
  };
}

describe('local alarm evaluator (same definitions as CloudWatch, injected clock)', () => {
  it('ApiLatencyP99: 3 of 5 one-minute periods above the p99 target raise it, 3 good ones clear it', () => {
    const r = rig([def('ApiLatencyP99')]);
    const slow = String(dev.alarms.p99LatencyMs + 100);
    const minute = (latency: string) => {
      for (let i = 0; i < 10; i++) r.request({ latency });
      return r.advance(60_000);
    };
    expect(r.state('ApiLatencyP99')).toBe('INSUFFICIENT_DATA');
    minute(slow);
    minute(slow);
    expect(r.state('ApiLatencyP99')).toBe('OK'); // 2 of 5: not yet
    const raised = minute(slow);
    expect(raised).toEqual([expect.objectContaining({ alarm: 'ApiLatencyP99', from: 'OK', to: 'ALARM' })]);
    expect(raised[0]?.reason).toContain('3 of the last 5 datapoints');
    minute('30');
    minute('30');
    expect(r.state('ApiLatencyP99')).toBe('ALARM'); // still 3 of the last 5 breaching
    minute('30');
    expect(r.state('ApiLatencyP99')).toBe('OK');
    const status = r.ev.statuses()[0];
    expect(status?.datapoints).toEqual([
      dev.alarms.p99LatencyMs + 100,
      dev.alarms.p99LatencyMs + 100,
      30,
      30,
      30,
    ]);
    expect(status?.runbook).toBe('docs/runbooks.md#api-p99-latency-high');
  });

  it('p99 is the nearest rank: one slow request in 200 does not breach, three do', () => {
    const r = rig([{ ...def('ApiLatencyP99'), evaluationPeriods: 1, datapointsToAlarm: 1 }]);
    for (let i = 0; i < 199; i++) r.request({ latency: '10' });
    r.request({ latency: '5000' });
    r.advance(60_000);
    expect(r.state('ApiLatencyP99')).toBe('OK');
    for (let i = 0; i < 197; i++) r.request({ latency: '10' });
    for (let i = 0; i < 3; i++) r.request({ latency: '5000' });
    r.advance(60_000);
    expect(r.state('ApiLatencyP99')).toBe('ALARM');
  });

  it('Api5xxRate: percent of 5XX over Count in the period; no requests is not breaching', () => {
    const r = rig([def('Api5xxRate')]);
    for (let i = 0; i < 95; i++) r.request({});
    for (let i = 0; i < 5; i++) r.request({ status: '502' });
    r.advance(300_000);
    expect(r.state('Api5xxRate')).toBe('OK'); // 5 % is not above 5 %
    for (let i = 0; i < 94; i++) r.request({});
    for (let i = 0; i < 6; i++) r.request({ status: '500' });
    r.advance(300_000);
    expect(r.state('Api5xxRate')).toBe('ALARM');
    expect(r.ev.statuses()[0]?.datapoints).toEqual([6]);
    r.advance(300_000);
    expect(r.state('Api5xxRate')).toBe('OK');
    expect(r.ev.statuses()[0]?.datapoints).toEqual([null]);
  });

  it('custom metrics count only from the services that emit them (the [service, stage] series alarms sum)', () => {
    const r = rig([{ ...def('RateLimitDegraded'), evaluationPeriods: 1, datapointsToAlarm: 1 }]);
    for (let i = 0; i < 60; i++) r.emf('RateLimitDegraded', 'security-events'); // not an emitter of it
    r.advance(60_000);
    expect(r.state('RateLimitDegraded')).toBe('OK');
    for (let i = 0; i < 30; i++) r.emf('RateLimitDegraded', 'reports');
    for (let i = 0; i < 30; i++) r.emf('RateLimitDegraded', 'edge-proxy');
    r.advance(60_000);
    expect(r.ev.statuses()[0]?.datapoints).toEqual([60]);
    expect(r.state('RateLimitDegraded')).toBe('ALARM');
  });

  it('telemetry gap: traffic without limiter metrics breaches, with them it does not (never missing)', () => {
    const r = rig([def('LimiterMetricsMissing')]);
    r.advance(300_000);
    expect(r.state('LimiterMetricsMissing')).toBe('OK'); // no traffic: 0, not missing
    for (let i = 0; i < dev.alarms.metricsGapMinRequests; i++) r.request({});
    r.advance(300_000);
    expect(r.state('LimiterMetricsMissing')).toBe('ALARM');
    for (let i = 0; i < dev.alarms.metricsGapMinRequests; i++) {
      r.request({});
      r.emf('RateLimitAllowed', 'reports');
    }
    r.advance(300_000);
    expect(r.state('LimiterMetricsMissing')).toBe('OK');
  });

  it('UpstreamErrors sums its four metrics; a route-scoped API metric counts only that route', () => {
    const r = rig([
      { ...def('UpstreamErrors'), evaluationPeriods: 1, datapointsToAlarm: 1 },
      { ...def('UpstreamMetricsMissing') },
    ]);
    for (let i = 0; i < 30; i++) r.emf('UpstreamTimeout', 'edge-proxy');
    for (let i = 0; i < 30; i++) r.emf('Upstream5xx', 'edge-proxy');
    for (let i = 0; i < 50; i++) r.request({ route: '/v1/me' }); // not the upstream route
    r.advance(60_000);
    expect(r.ev.statuses()[0]?.datapoints).toEqual([60]);
    expect(r.state('UpstreamErrors')).toBe('ALARM');
    r.advance(240_000);
    expect(r.state('UpstreamMetricsMissing')).toBe('OK');
    for (let i = 0; i < 30; i++) r.request({ method: 'POST', route: '/v1/market/{proxy+}' });
    r.advance(300_000);
    expect(r.state('UpstreamMetricsMissing')).toBe('ALARM'); // ANY route: every method counts
  });

  it('LambdaP99Duration: a function’s Duration is the integration latency of the routes it serves', () => {
    const one = (name: string) => ({ ...def(name), evaluationPeriods: 1, datapointsToAlarm: 1 });
    const r = rig([
      one('LambdaP99Duration-edge-proxy'),
      one('LambdaP99Duration-reports'),
      one('LambdaP99Duration-authorizer'),
    ]);
    // Slow upstream route (edge proxy, ANY method); the reports route fast; /v1/me (reports Lambda too) fast.
    for (let i = 0; i < 20; i++) {
      r.request({
        method: 'POST',
        route: '/v1/market/{proxy+}',
        latency: '1600',
        integrationLatency: '1550',
      });
      r.request({ route: '/v1/reports', latency: '80', integrationLatency: '60' });
    }
    r.request({ route: '/v1/reports', latency: '5', integrationLatency: '-' }); // no integration ran: no Duration
    r.advance(300_000);
    const status = (n: string) => r.ev.statuses().find((x) => x.name === n);
    expect(status('LambdaP99Duration-edge-proxy')?.datapoints).toEqual([1550]);
    expect(r.state('LambdaP99Duration-edge-proxy')).toBe('ALARM');
    expect(status('LambdaP99Duration-reports')?.datapoints).toEqual([60]);
    expect(r.state('LambdaP99Duration-reports')).toBe('OK');
    // The authorizer is not timed locally: its alarm says so instead of reading OK.
    expect(r.state('LambdaP99Duration-authorizer')).toBe('UNSUPPORTED');
  });

  it('treatMissingData: breaching alarms on silence, missing gives INSUFFICIENT_DATA, ignore keeps the state', () => {
    const base = { ...def('AuthFailures'), evaluationPeriods: 2, datapointsToAlarm: 2 };
    const r = rig([
      { ...base, name: 'b', treatMissingData: 'breaching' },
      { ...base, name: 'm', treatMissingData: 'missing' },
      { ...base, name: 'i', treatMissingData: 'ignore' },
    ]);
    r.advance(120_000);
    expect([r.state('b'), r.state('m'), r.state('i')]).toEqual([
      'ALARM',
      'INSUFFICIENT_DATA',
      'INSUFFICIENT_DATA',
    ]);
    for (let i = 0; i < 300; i++) r.emf('AuthFailure', 'authorizer');
    r.advance(60_000);
    for (let i = 0; i < 300; i++) r.emf('AuthFailure', 'authorizer');
    r.advance(60_000);
    expect([r.state('b'), r.state('m'), r.state('i')]).toEqual(['ALARM', 'ALARM', 'ALARM']);
    r.advance(120_000);
    expect([r.state('b'), r.state('m'), r.state('i')]).toEqual(['ALARM', 'INSUFFICIENT_DATA', 'ALARM']);
  });

  it('time scale 60: a minute lasts 1 s and per-minute count thresholds read the same rate per second', () => {
    const r = rig([def('AuthFailures')], 60);
    const perMinute = dev.alarms.authFailuresPerMinute; // 200 per minute = 3.33 per second
    const status = () => r.ev.statuses()[0];
    expect(status()?.effectivePeriodMs).toBe(1_000);
    expect(status()?.effectiveThreshold).toBeCloseTo(perMinute / 60, 6);
    const second = (n: number) => {
      for (let i = 0; i < n; i++) r.emf('AuthFailure', 'authorizer');
      r.advance(1_000);
    };
    second(3);
    second(3);
    second(3);
    expect(r.state('AuthFailures')).toBe('OK'); // 180 per minute: below
    second(4);
    second(4);
    expect(r.state('AuthFailures')).toBe('OK'); // 2 of 3
    second(4);
    expect(r.state('AuthFailures')).toBe('ALARM'); // 240 per minute, 3 minutes running
  });

  it('time scale leaves ratios and latencies alone; reset starts over at the new scale', () => {
    const r = rig([def('Api5xxRate'), def('ApiLatencyP99')]);
    r.ev.reset(100);
    const [rate, p99] = r.ev.statuses();
    expect(rate?.effectiveThreshold).toBe(dev.alarms.error5xxPercent);
    expect(p99?.effectiveThreshold).toBe(dev.alarms.p99LatencyMs);
    expect(rate?.effectivePeriodMs).toBe(3_000);
    expect(rate?.state).toBe('INSUFFICIENT_DATA');
    r.request({ status: '503' });
    r.advance(2_999);
    expect(r.state('Api5xxRate')).toBe('INSUFFICIENT_DATA');
    r.advance(1);
    expect(r.state('Api5xxRate')).toBe('ALARM');
    expect(() => r.ev.reset(0)).toThrow(RangeError);
  });

  it('data that arrived before a reset lies before the origin and is not evaluated', () => {
    const r = rig([{ ...def('Api5xxRate'), evaluationPeriods: 2, datapointsToAlarm: 1 }]);
    for (let i = 0; i < 10; i++) r.request({ status: '500' });
    r.advance(100);
    r.ev.reset(1);
    r.advance(300_000);
    expect(r.state('Api5xxRate')).toBe('OK');
  });

  it('a signal kind it does not know is UNSUPPORTED, never silently OK', () => {
    const odd = {
      ...def('Api5xxRate'),
      name: 'Odd',
      signal: { kind: 'anomaly' },
    } as unknown as AlarmDefinition;
    const r = rig([odd]);
    r.advance(600_000);
    expect(r.state('Odd')).toBe('UNSUPPORTED');
  });

  it('percentile rank PR(:N) is the percent of values at or below N', () => {
    expect(statistic([100, 200, 300, 400], 'PR(:250)')).toBe(50);
    expect(statistic([100, 200], 'PR(:200)')).toBe(100);
    expect(statistic([], 'PR(:200)')).toBeUndefined();
    expect(() => statistic([1], 'p0' as never)).toThrow(/unknown statistic/);
  });

  it('Maximum and Minimum of a busy period (more values than a spread call takes) are computed', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 100_003);
    expect(statistic(values, 'Maximum')).toBe(100_002);
    expect(statistic(values, 'Minimum')).toBe(0);
    expect(statistic([3, -1, 2], 'Maximum')).toBe(3);
    expect(statistic([3, -1, 2], 'Minimum')).toBe(-1);
  });

  it('SLO burn rate: the composite alarms only when both sliding windows burn above the rule, and clears with the short one', () => {
    const [availability] = sloDefinitions(dev); // dev: 99 % → budget 1 %, Fast rule 14.4× = 14.4 % bad
    const r = rig([], 1, [availability!]);
    const fast = 'SloAvailabilityFastBurn';
    const minute = (ok: number, bad: number) => {
      for (let i = 0; i < ok; i++) r.request({});
      for (let i = 0; i < bad; i++) r.request({ status: '502' });
      return r.advance(60_000);
    };
    for (let i = 0; i < 55; i++) minute(100, 0); // 55 healthy minutes fill most of the 1 h window
    expect(r.state(fast)).toBe('OK');
    minute(70, 30); // 5m: 30/500 = 6 % (6×); 1h: 30/5600 (0.5×)
    expect(r.state(fast)).toBe('OK');
    for (let i = 0; i < 4; i++) minute(0, 100); // 5m: 430/500 bad (86×); 1h: 430/6000 = 7.2 % (7.2×)
    expect(r.state(fast)).toBe('OK'); // the long window is below 14.4×
    expect(r.state('SloAvailabilityMediumBurn')).toBe('ALARM'); // 6× over 6 h (here: since the origin) and 30 min
    for (let i = 0; i < 8; i++) minute(0, 100);
    expect(r.state(fast)).toBe('ALARM');
    const status = r.ev.statuses().find((x) => x.name === fast);
    expect(status).toMatchObject({
      kind: 'burn-rate',
      threshold: 14.4,
      runbook: 'docs/runbooks.md#slo-availability-burn',
    });
    expect(status?.windows?.short.label).toBe('5m');
    for (let i = 0; i < 5; i++) minute(100, 0);
    expect(r.state(fast)).toBe('OK'); // 5 healthy minutes: the short window is clean again
  });

  it('SLO latency burn reads the share of requests slower than the threshold; windows scale with the time scale', () => {
    const [, latency] = sloDefinitions(dev);
    const r = rig([], 720, [latency!]); // 1 h → 5 s, 5 min → 0.417 s
    const fast = r.ev.statuses().find((x) => x.name === 'SloLatencyFastBurn');
    expect(fast?.windows?.long.effectiveMs).toBe(5_000);
    for (let i = 0; i < 10; i++) r.request({ latency: String(dev.alarms.p99LatencyMs + 1) });
    r.advance(100);
    expect(r.state('SloLatencyFastBurn')).toBe('ALARM');
    for (let i = 0; i < 10; i++) r.request({ latency: '5' });
    r.advance(500); // the slow requests left the short window
    expect(r.state('SloLatencyFastBurn')).toBe('OK');
  });
});
