import { describe, expect, it } from 'vitest';
import { TABLES } from '../../../lib/config/data-model';
import {
  httpBackendSetting,
  readSetting,
  SETTINGS,
  type Setting,
  settingOrDefault,
} from '../../../lib/config/settings';
import { getStageConfig, STAGES, StageConfigError } from '../../../lib/config/stages';
import { code, sources } from './sources';

const HOME = 'lib/config/settings.ts';
const PRODUCTION = sources('lambdas', 'lib', 'local').filter((f) => f !== HOME);
const ALL: readonly Setting[] = Object.values(SETTINGS);
const HTTP_BACKEND_PREFIX = httpBackendSetting('x').name.slice(0, -1);
/** A variable name as a whole token (`env.STAGE`, `'STAGE'`, `STAGE:`), not part of a longer identifier. */
const token = (name: string) => new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
/** A name prefix (`HTTP_BACKEND_…`) at the start of a token. */
const prefix = (p: string) => new RegExp(`(?<![A-Za-z0-9_])${p}`);

describe('one settings module (lib/config/settings.ts)', () => {
  it('names each variable once', () => {
    const names = ALL.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['RATE_LIMIT_TIMEOUT_MS', 'AUTH0_CLOCK_TOLERANCE_SEC', 'STAGE']),
    );
  });

  it('no file under lambdas/, lib/ or local/ spells a variable name outside the settings module', () => {
    const patterns = [
      ...ALL.map((s) => [s.name, token(s.name)] as const),
      [HTTP_BACKEND_PREFIX, prefix(HTTP_BACKEND_PREFIX)] as const,
    ];
    const offenders: string[] = [];
    for (const f of PRODUCTION) {
      const src = code(f);
      for (const [name, re] of patterns) if (re.test(src)) offenders.push(`${f}: ${name}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the check would catch a literal name (it is not vacuous)', () => {
    expect("env.RATE_LIMIT_TIMEOUT_MS ??= '25'").toMatch(token('RATE_LIMIT_TIMEOUT_MS'));
    expect("{ STAGE: 'dev' }").toMatch(token('STAGE'));
    expect("process.env['STAGE']").toMatch(token('STAGE'));
    expect('env["HTTP_BACKEND_" + t]').toMatch(prefix(HTTP_BACKEND_PREFIX));
    expect('STAGE_NAMES').not.toMatch(token('STAGE'));
    expect('MAX_STAGE').not.toMatch(token('STAGE'));
  });

  it('table variables keep their one home in the data model', () => {
    const tableVars: readonly string[] = Object.values(TABLES).map((t) => t.envVar);
    expect(ALL.map((s) => s.name).filter((n) => tableVars.includes(n))).toEqual([]);
  });
});

describe('parse rules and bounds', () => {
  const s = SETTINGS;
  it('unset or empty → the default; ints outside their bounds → the default and a problem naming the rule', () => {
    expect(readSetting({}, s.rateLimitTimeoutMs)).toEqual({ value: 25 });
    expect(readSetting({ RATE_LIMIT_TIMEOUT_MS: ' ' }, s.rateLimitTimeoutMs)).toEqual({ value: 25 });
    expect(readSetting({ RATE_LIMIT_TIMEOUT_MS: '40' }, s.rateLimitTimeoutMs)).toEqual({ value: 40 });
    for (const bad of ['0', '1001', '2.5', 'abc']) {
      expect(readSetting({ RATE_LIMIT_TIMEOUT_MS: bad }, s.rateLimitTimeoutMs)).toEqual({
        value: 25,
        problem: 'RATE_LIMIT_TIMEOUT_MS: must be an integer 1–1000 (ms)',
      });
    }
    expect(settingOrDefault({ TENANT_CACHE_TTL_SEC: '301' }, s.tenantCacheTtlSec)).toBe(5);
    expect(settingOrDefault({ TENANT_CACHE_TTL_SEC: '300' }, s.tenantCacheTtlSec)).toBe(300);
    expect(settingOrDefault({ REDIS_CLUSTER: 'true' }, s.redisCluster)).toBe(true);
    expect(settingOrDefault({ REDIS_CLUSTER: 'TRUE' }, s.redisCluster)).toBe(false);
    expect(settingOrDefault({}, s.stage)).toBe('dev');
    expect(settingOrDefault({}, s.redisUrl)).toBeUndefined();
    expect(httpBackendSetting('marketData').name).toBe('HTTP_BACKEND_MARKETDATA');
  });

  it('the values effective in production: 10 s clock tolerance, tenant cache ≤ 300 s, 25 ms store timeout', () => {
    expect(s.auth0ClockToleranceSec).toMatchObject({ default: 10, min: 0, max: 300 });
    expect(s.tenantCacheTtlSec).toMatchObject({ default: 5, min: 0, max: 300 });
    expect(s.rateLimitTimeoutMs).toMatchObject({ default: 25, min: 1, max: 1_000 });
    expect(getStageConfig('prod').rateLimiter).toEqual({
      commandTimeoutMs: 25,
      breakerFailureThreshold: 5,
      breakerCooldownMs: 2_000,
    });
  });

  it('the stage schema takes its bounds from the settings (a 301 s tenant cache fails at synth)', () => {
    const raw = { ...STAGES.prod, authorizer: { ...STAGES.prod.authorizer, tenantCacheTtlSec: 301 } };
    expect(() => getStageConfig('prod', raw)).toThrow(StageConfigError);
    expect(() => getStageConfig('prod', raw)).toThrow(/authorizer\.tenantCacheTtlSec/);
  });
});
