import { afterEach, describe, expect, it, vi } from 'vitest';
import debug, { isEnabled } from '../../../lambdas/shared/bundling/debug';
import { compare, gte, lt } from '../../../lambdas/shared/bundling/semver-gte';
import { z } from '../../../lambdas/shared/bundling/zod';

describe('semver stand-in (bundles only)', () => {
  it('compares major.minor.patch numerically, ignoring a v prefix and prerelease suffix', () => {
    expect(gte('22.11.0', '8.0.0')).toBe(true);
    expect(gte('v20.20.2', '20.20.2')).toBe(true);
    expect(gte('8.0.0', '10.0.0')).toBe(false);
    expect(lt('2.9.0', '2.10.0')).toBe(true);
    expect(compare('3.1169.0-beta.1', '3.1169.0')).toBe(0);
    expect(() => gte('not-a-version', '1.0.0')).toThrow(/Invalid Version/);
  });
});

describe('debug stand-in (bundles only)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('honours DEBUG patterns with wildcards and exclusions', () => {
    expect(isEnabled('ioredis:redis', 'ioredis:*')).toBe(true);
    expect(isEnabled('ioredis:redis', 'ioredis:*,-ioredis:redis')).toBe(false);
    expect(isEnabled('ioredis:redis', '')).toBe(false);
    expect(isEnabled('ioredis:cluster', 'other ioredis:cluster')).toBe(true);
  });

  it('prints formatted lines to stderr only when enabled', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.stubEnv('DEBUG', 'ioredis:*');
    const on = debug('ioredis:redis');
    on('status %s', 'ready');
    expect(on.enabled).toBe(true);
    expect(String(write.mock.calls[0]?.[0])).toMatch(/ioredis:redis status ready\n$/);
    vi.stubEnv('DEBUG', '');
    const off = debug('ioredis:redis');
    off('quiet');
    expect(write).toHaveBeenCalledTimes(1);
    expect(off.extend('x').namespace).toBe('ioredis:redis:x');
  });
});

describe('zod entry stand-in (bundles only)', () => {
  it('builds the schemas third-party code builds from `{ z }`', () => {
    const s = z.object({ a: z.string(), t: z.iso.datetime(), d: z.array(z.number()), u: z.unknown() });
    expect(s.parse({ a: 'x', t: '2026-12-02T07:00:00Z', d: [1], u: null }).a).toBe('x');
    expect(z.base64().safeParse('!!').success).toBe(false);
  });
});
