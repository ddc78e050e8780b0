import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditKeys, limitsKeys, securityKeys } from '../../../lib/config/data-model';
import { code, sources } from './sources';

const PRODUCTION = sources('lambdas', 'lib', 'local');

describe('one home per fact (grep over lambdas/, lib/, local/)', () => {
  it('spells limits/audit table keys (TENANT#, TIER#, BYPASS#) only in lib/config/data-model.ts', () => {
    expect(PRODUCTION).toEqual(
      expect.arrayContaining([
        'lambdas/admin/repository.ts',
        'lambdas/shared/rate-limit/adapters/dynamo-policy-source.ts',
      ]),
    );
    const offenders = PRODUCTION.filter((f) => f !== 'lib/config/data-model.ts').filter((f) =>
      /(TENANT|TIER|BYPASS)#/.test(code(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('spells security-table keys (BLOCKS#, EVENT#, CLAMP#, CLAMPS) only in lib/config/data-model.ts', () => {
    expect(PRODUCTION).toContain('lambdas/security-responder/block-store.ts');
    const offenders = PRODUCTION.filter((f) => f !== 'lib/config/data-model.ts').filter((f) =>
      /(BLOCKS#|EVENT#|CLAMP#|['"`]CLAMPS['"`])/.test(code(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('names every emitted metric from lib/config/metrics.ts (no string-literal metric names in lambdas/)', () => {
    const emitters = PRODUCTION.filter((f) => f.startsWith('lambdas/') && /\.addMetric\(/.test(code(f)));
    expect(emitters).toEqual(
      expect.arrayContaining(['lambdas/edge-proxy/proxy.ts', 'lambdas/reports/service.ts']),
    );
    const offenders = emitters.filter((f) => /\.addMetric\(\s*['"`]/.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('lib/ never imports dashboards/ (dashboards may import lib/, not the other way round)', () => {
    const offenders = sources('lib').filter((f) => /from ['"][./]*\/dashboards\//.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('keeps the limiter decision small: core/limiter.ts at most 300 lines (caches live in their own modules)', () => {
    const lines = readFileSync('lambdas/shared/rate-limit/core/limiter.ts', 'utf8').split('\n').length;
    expect(lines).toBeGreaterThan(100);
    expect(lines).toBeLessThanOrEqual(300);
  });
});

describe('data-model key builders', () => {
  it('build the documented limits-table keys', () => {
    expect(limitsKeys.tierPolicy('free')).toEqual({ pk: 'TIER#free', sk: 'POLICY' });
    expect(limitsKeys.tenantLimits('acme')).toEqual({ pk: 'TENANT#acme', sk: 'LIMITS' });
    expect(limitsKeys.bypass('acme', 'b1')).toEqual({ pk: 'TENANT#acme', sk: 'BYPASS#b1' });
    expect(limitsKeys.tenantPartition('acme')).toBe('TENANT#acme');
    expect(limitsKeys.bypassIdOf('BYPASS#b1')).toBe('b1');
    expect(limitsKeys.bypassIdOf('LIMITS')).toBeUndefined();
  });

  it('build the audit partitions and chronological sort key', () => {
    expect(auditKeys.tenantPartition('acme')).toBe('TENANT#acme');
    expect(auditKeys.platformPartition).toBe('PLATFORM');
    expect(auditKeys.sortKey('2026-01-01T00:00:00.000Z', 'r1')).toBe('2026-01-01T00:00:00.000Z#r1');
  });

  it('build the security-table keys', () => {
    expect(securityKeys.blocksPartition(4)).toBe('BLOCKS#IPV4');
    expect(securityKeys.blocksPartition(6)).toBe('BLOCKS#IPV6');
    expect(securityKeys.event('e1')).toEqual({ pk: 'EVENT#e1', sk: 'EVENT' });
    expect(securityKeys.clamp('acme')).toEqual({ pk: 'CLAMP#acme', sk: 'CLAMP' });
    expect(securityKeys.clampIndex('acme')).toEqual({ pk: 'CLAMPS', sk: 'acme' });
  });
});
