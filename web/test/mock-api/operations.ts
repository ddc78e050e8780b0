import { type OperationsSummary, summarizeOperations } from '../../../local/metrics/operations';
import { MetricStore } from '../../../local/metrics/store';

/** Routes, tenants and user types of the sample traffic. */
const MIX = [
  { method: 'GET', route: '/v1/me', tenantId: 'acme', userType: 'user', tier: 'standard', latency: 18 },
  { method: 'GET', route: '/v1/reports', tenantId: 'acme', userType: 'admin', tier: 'standard', latency: 42 },
  {
    method: 'GET',
    route: '/v1/market/{proxy+}',
    tenantId: 'globex',
    userType: 'service',
    tier: 'premium',
    latency: 95,
  },
  {
    method: 'POST',
    route: '/v1/reports',
    tenantId: 'globex',
    userType: 'user',
    tier: 'premium',
    latency: 60,
  },
] as const;

/**
 * A deterministic operations summary of 15 minutes of sample traffic ending at `now`, built by the local stack's own
 * summarizer (`local/metrics/operations.ts`) over its own store: 4 routes, 2 tenants, 3 user types, a 429 storm of
 * globex in minutes 5–7, 5xx on the market route in minutes 10–11, limiter decisions per tier; `alarms` as given.
 */
export function sampleOperations(
  now: number,
  alarms: OperationsSummary['alarms'] = [
    {
      name: 'Api5xxRate',
      state: 'ALARM',
      severity: 'page',
      runbook: 'docs/runbooks.md#api-5xx-rate-high',
      reason: 'Threshold crossed: 1 of the last 1 datapoints [12.5] were greater than the threshold (5)',
    },
    {
      name: 'ApiLatencyP99',
      state: 'OK',
      severity: 'page',
      runbook: 'docs/runbooks.md#api-p99-latency-high',
      reason: '',
    },
  ],
): OperationsSummary {
  let t = now - 15 * 60_000;
  const store = new MetricStore({ clock: () => t });
  const emf = (name: string, tier: string, tenantId: string) =>
    store.addPoint({
      namespace: 'MarketEdge',
      name,
      unit: 'Count',
      value: 1,
      dimensions: { service: 'reports', stage: 'local', tier, route: 'GET /v1/me' },
      tenantId,
    });
  for (let minute = 0; minute < 15; minute++) {
    for (let i = 0; i < 8; i++) {
      t = now - (15 - minute) * 60_000 + i * 7_000;
      const m = MIX[i % MIX.length] ?? MIX[0];
      const storm = m.tenantId === 'globex' && minute >= 5 && minute <= 7;
      const broken = m.route === '/v1/market/{proxy+}' && minute >= 10 && minute <= 11;
      const status = storm ? 429 : broken ? 502 : 200;
      store.addAccessLog({
        method: m.method,
        route: m.route,
        status: String(status),
        latency: String(m.latency + minute * 3 + (broken ? 900 : 0)),
        tenantId: m.tenantId,
        userType: m.userType,
        principalType: m.userType === 'service' ? 'service' : 'user',
        tier: m.tier,
      });
      emf(storm ? 'RateLimitDenied' : 'RateLimitAllowed', m.tier, m.tenantId);
    }
    store.addAccessLog({ method: 'GET', route: '/v1/me', status: '401', latency: '3' }); // no token: no tenant
  }
  t = now;
  return { ...summarizeOperations(store, 15), ...(alarms ? { alarms } : {}) };
}
