import { describe, expect, it } from 'vitest';
import {
  FLAG_NAMES,
  FLAGS,
  flagDefaults,
  getStageConfig,
  HTTP_TARGETS,
  isRole,
  LAMBDA_TARGETS,
  matchRoute,
  policySchema,
  ROUTES,
  routeKey,
  STAGE_NAMES,
  STAGES,
  StageConfigError,
  TIER_TABLE,
  TIERS,
} from '../../../lib/config';

const SEED_FLAGS = [
  'api_gateway_enabled',
  'rate_limiting_enabled',
  'tenant_specific_limits',
  'gateway_observability_enabled',
  'frontend_testing_enabled',
  'e2e_testing_enabled',
  'visual_regression_testing_enabled',
  'apm_monitoring_enabled',
  'business_analytics_enabled',
  'security_monitoring_enabled',
];

describe('stages', () => {
  it.each(STAGE_NAMES)('%s config is valid', (stage) => {
    const cfg = getStageConfig(stage);
    expect(cfg.name).toBe(stage);
    expect(cfg.auth0.issuer.endsWith('/')).toBe(true);
    for (const target of HTTP_TARGETS) expect(cfg.httpBackends[target]).toMatch(/^https:\/\//);
  });

  it('a broken stage config fails with the field named', () => {
    const broken = {
      ...STAGES.prod,
      auth0: { ...STAGES.prod.auth0, issuer: 'https://marketedge.eu.auth0.com' },
    };
    expect(() => getStageConfig('prod', broken)).toThrow(StageConfigError);
    expect(() => getStageConfig('prod', broken)).toThrow(/auth0\.issuer/);
  });

  it.each([
    [{ logRetentionDays: 13 }, /logRetentionDays/],
    [{ account: '123' }, /account/],
    [
      { authorizer: { cacheTtlSec: 7200, provisionedConcurrency: 0, tenantCacheTtlSec: 5 } },
      /authorizer\.cacheTtlSec/,
    ],
    [{ flagOverrides: { no_such_flag: true } }, /flagOverrides/],
    [{ unknownField: 1 }, /unrecognized|unknownField/i],
  ])('rejects %j naming the field', (patch, field) => {
    expect(() => getStageConfig('dev', { ...STAGES.dev, ...patch })).toThrow(field);
  });

  it('rejects an unknown stage name', () => {
    expect(() => getStageConfig('qa')).toThrow(/unknown stage "qa"/);
  });
});

describe('tiers', () => {
  it('every tier has usage-plan numbers and a valid default policy', () => {
    expect(Object.keys(TIER_TABLE).sort()).toEqual([...TIERS].sort());
    for (const tier of TIERS) {
      const t = TIER_TABLE[tier];
      expect(t.tier).toBe(tier);
      expect(t.usagePlan.burstLimit).toBeGreaterThanOrEqual(t.usagePlan.rateLimit);
      expect(policySchema.safeParse(t.defaultPolicy).success).toBe(true);
      expect(t.defaultPolicy.length).toBeGreaterThan(0);
    }
  });

  it('higher tiers never get lower limits', () => {
    for (let i = 1; i < TIERS.length; i++) {
      const lo = TIER_TABLE[TIERS[i - 1]!];
      const hi = TIER_TABLE[TIERS[i]!];
      expect(hi.usagePlan.rateLimit).toBeGreaterThan(lo.usagePlan.rateLimit);
      for (const rule of hi.defaultPolicy) {
        const lower = lo.defaultPolicy.find((r) => r.id === rule.id);
        if (lower) expect(rule.limit).toBeGreaterThanOrEqual(lower.limit);
      }
    }
  });
});

describe('routes', () => {
  it('every route has known roles, a valid target and a unique method+path', () => {
    const keys = new Set<string>();
    for (const r of ROUTES) {
      expect(keys.has(routeKey(r))).toBe(false);
      keys.add(routeKey(r));
      for (const role of r.roles) expect(isRole(role)).toBe(true);
      if (r.auth) expect(r.roles.length).toBeGreaterThan(0);
      else expect(r.roles).toEqual([]);
      if (r.backend.kind === 'lambda') expect(LAMBDA_TARGETS).toContain(r.backend.target);
      else expect(HTTP_TARGETS).toContain(r.backend.target);
    }
  });

  it('admin routes are admin-only and /health is public', () => {
    for (const r of ROUTES.filter((x) => x.path.startsWith('/admin'))) {
      expect(r.roles).not.toContain('user');
      expect(r.roles).not.toContain('service');
    }
    expect(ROUTES.find((r) => r.path === '/health')?.auth).toBe(false);
  });

  it('matches concrete paths like API Gateway (literal beats param, greedy proxy)', () => {
    expect(matchRoute('GET', '/v1/reports').route?.path).toBe('/v1/reports');
    const one = matchRoute('GET', '/v1/reports/r%201');
    expect(one.route?.path).toBe('/v1/reports/{reportId}');
    expect(one.pathParameters).toEqual({ reportId: 'r 1' });
    const proxy = matchRoute('POST', '/v1/market/quotes/eu/latest');
    expect(proxy.route?.backend.kind).toBe('http');
    expect(proxy.pathParameters).toEqual({ proxy: 'quotes/eu/latest' });
    expect(matchRoute('PUT', '/v1/reports').route).toBeUndefined();
    expect(matchRoute('PUT', '/v1/reports').pathExists).toBe(true);
    expect(matchRoute('GET', '/nope').route).toBeUndefined();
    expect(matchRoute('GET', '/nope').pathExists).toBe(false);
    expect(matchRoute('GET', '/health/deep').route?.path).toBe('/health/deep');
  });
});

describe('feature flags', () => {
  it('the catalog holds exactly the ten seed flags', () => {
    expect([...FLAG_NAMES].sort()).toEqual([...SEED_FLAGS].sort());
  });

  it.each(STAGE_NAMES)('every flag has a boolean default and an effect for %s', (stage) => {
    const d = flagDefaults(stage);
    for (const name of SEED_FLAGS) {
      expect(typeof d[name as keyof typeof d]).toBe('boolean');
      expect(FLAGS[name as keyof typeof FLAGS].effect.length).toBeGreaterThan(10);
    }
  });
});

describe('policy schema', () => {
  it.each([
    [{ id: 'a', scope: 'tenant', kind: 'rate', limit: 0, periodSec: 60 }, '0.limit'],
    [{ id: 'a', scope: 'tenant', kind: 'rate', limit: 1.5, periodSec: 60 }, '0.limit'],
    [{ id: 'a', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 0 }, '0.periodSec'],
    [{ id: 'a', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 31 * 86400 + 1 }, '0.periodSec'],
    [{ id: 'a', scope: 'org', kind: 'rate', limit: 10, periodSec: 60 }, '0.scope'],
    [{ id: 'a', scope: 'tenant', kind: 'quota', limit: 10, window: 'week' }, '0.window'],
    [{ id: 'a', scope: 'tenant', kind: 'rate', limit: 10, periodSec: 60, subject: 'bob' }, '0.subject'],
    [
      { id: 'a', scope: 'user', kind: 'rate', limit: 10, periodSec: 60, match: { route: 'FETCH /x' } },
      '0.match.route',
    ],
  ])('rejects %j at %s', (rule, path) => {
    const r = policySchema.safeParse([rule]);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('defaults mode to enforce and rejects duplicate ids', () => {
    const ok = policySchema.parse([
      { id: 'a', scope: 'user', kind: 'rate', limit: 5, periodSec: 1, subject: 'u' },
    ]);
    expect(ok[0]?.mode).toBe('enforce');
    const dup = policySchema.safeParse([
      { id: 'a', scope: 'user', kind: 'rate', limit: 5, periodSec: 1 },
      { id: 'a', scope: 'tenant', kind: 'quota', limit: 5, window: 'day' },
    ]);
    expect(dup.error?.issues[0]?.path).toEqual([1, 'id']);
  });
});
