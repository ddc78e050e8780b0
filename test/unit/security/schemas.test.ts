import { describe, expect, it } from 'vitest';
import { CidrMatcher, canonicalCidr } from '../../../lambdas/shared/security/cidr';
import { buildSecurityEvent, loggerSink, scrub } from '../../../lambdas/shared/security/event';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import { findingAddresses, GuardDutyFindingEventSchema } from '../../../lambdas/shared/security/guardduty';
import { getStageConfig, STAGE_NAMES, STAGES, severityBand } from '../../../lib/config';
import {
  archivedFinding,
  awsApiCallFinding,
  ipv6Finding,
  networkConnectionFinding,
  noSeverityUpdate,
  portProbeFinding,
} from '../../fixtures/guardduty';

describe('GuardDuty finding schema (EventBridgeSchema + zod detail)', () => {
  it('parses the documented shapes and names every remote address', () => {
    const addrs = (e: unknown) => findingAddresses(GuardDutyFindingEventSchema.parse(e).detail);
    expect(addrs(networkConnectionFinding)).toEqual([{ address: '198.51.100.10', version: 4 }]);
    expect(addrs(awsApiCallFinding)).toEqual([{ address: '198.51.100.20', version: 4 }]);
    expect(addrs(portProbeFinding(['198.51.100.1', '198.51.100.2', '198.51.100.1']))).toEqual([
      { address: '198.51.100.1', version: 4 },
      { address: '198.51.100.2', version: 4 },
    ]);
    expect(addrs(ipv6Finding)).toEqual([{ address: '2001:db8:0:0::0bad', version: 6 }]);
  });

  it('accepts archived findings and updates without severity or action', () => {
    const a = GuardDutyFindingEventSchema.parse(archivedFinding);
    expect(a.detail.service?.archived).toBe(true);
    const u = GuardDutyFindingEventSchema.parse(noSeverityUpdate);
    expect(u.detail.severity).toBeUndefined();
    expect(findingAddresses(u.detail)).toEqual([]);
  });

  it('rejects another source and keeps unknown finding fields', () => {
    expect(
      GuardDutyFindingEventSchema.safeParse({ ...(networkConnectionFinding as object), source: 'aws.ec2' })
        .success,
    ).toBe(false);
    const parsed = GuardDutyFindingEventSchema.parse(networkConnectionFinding);
    expect((parsed.detail as Record<string, unknown>).resource).toBeDefined();
  });

  it('severity bands: ≥ 7 high, 4–6.9 medium, below low', () => {
    expect([
      severityBand(8.9),
      severityBand(7),
      severityBand(6.9),
      severityBand(4),
      severityBand(3.9),
    ]).toEqual(['high', 'high', 'medium', 'medium', 'low']);
  });
});

describe('security event schema', () => {
  it('builds complete events that validate, `-` for what does not apply', () => {
    const e = buildSecurityEvent(
      {
        type: 'AuthFailed',
        outcome: 'unauthorized',
        reason: 'token_expired',
        sourceIp: '198.51.100.1',
        route: '/v1/me',
      },
      new Date('2026-12-02T02:00:00Z'),
    );
    expect(securityEventSchema.parse(e)).toEqual({
      time: '2026-12-02T02:00:00.000Z',
      type: 'AuthFailed',
      outcome: 'unauthorized',
      reason: 'token_expired',
      tenantId: '-',
      principal: '-',
      principalType: 'unknown',
      sourceIp: '198.51.100.1',
      userAgent: '-',
      route: '/v1/me',
      requestId: '-',
      stage: process.env.STAGE ?? 'dev',
      details: {},
    });
  });

  it('never carries a token: token-shaped values are redacted, long values truncated', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const e = buildSecurityEvent({
      type: 'AuthFailed',
      outcome: 'unauthorized',
      reason: 'token_invalid',
      userAgent: `curl/8 Bearer ${jwt} ${'x'.repeat(400)}`,
      details: { note: `token=${jwt}`, skipped: undefined, n: 3 },
    });
    expect(JSON.stringify(e)).not.toContain('eyJhbGci');
    expect(e.userAgent.length).toBeLessThanOrEqual(256);
    expect(e.details).toEqual({ note: 'token=[redacted]', n: 3 });
    expect(securityEventSchema.safeParse(e).success).toBe(true);
    expect(scrub('', 10)).toBe('-');
  });

  it('rejects unknown types, extra fields and missing fields', () => {
    const ok = buildSecurityEvent({ type: 'IpBlocked', outcome: 'blocked', reason: 'x' });
    expect(securityEventSchema.safeParse({ ...ok, type: 'Nope' }).success).toBe(false);
    expect(securityEventSchema.safeParse({ ...ok, token: 'x' }).success).toBe(false);
    const { route: _r, ...missing } = ok;
    expect(securityEventSchema.safeParse(missing).success).toBe(false);
  });

  it('the logger sink writes the event under security_event', () => {
    const lines: unknown[] = [];
    loggerSink({ info: (m, x) => lines.push({ m, ...x }) })(
      buildSecurityEvent({ type: 'AdminChange', outcome: 'changed', reason: 'limits.update' }),
    );
    expect(lines[0]).toMatchObject({ m: 'security event', security_event: { type: 'AdminChange' } });
  });
});

describe('addresses', () => {
  it('canonical CIDRs (IPv6 RFC 5952, IPv4-mapped as IPv4)', () => {
    expect(canonicalCidr('198.51.100.7')).toEqual({ cidr: '198.51.100.7/32', version: 4 });
    expect(canonicalCidr('2001:DB8:0:0:0:0:0:1')).toEqual({ cidr: '2001:db8::1/128', version: 6 });
    expect(canonicalCidr('2001:db8:0:1:0:0:0:0/64')).toEqual({ cidr: '2001:db8:0:1::/64', version: 6 });
    expect(canonicalCidr('::ffff:198.51.100.7')).toEqual({ cidr: '198.51.100.7/32', version: 4 });
    expect(canonicalCidr('1:2:3:4:5:6:7:8')?.cidr).toBe('1:2:3:4:5:6:7:8/128');
    for (const bad of ['x', '198.51.100.7/33', '2001:db8::1/129', '1::2::3', '198.51.100.7/8/1']) {
      expect(canonicalCidr(bad)).toBeUndefined();
    }
  });

  it('allowlist matching by CIDR, IPv4 and IPv6', () => {
    const m = new CidrMatcher(['203.0.113.0/24', '2001:db8:aaaa::/48', '198.51.100.5']);
    expect(m.contains('203.0.113.200')).toBe(true);
    expect(m.contains('::ffff:203.0.113.1')).toBe(true);
    expect(m.contains('2001:db8:aaaa:1::9')).toBe(true);
    expect(m.contains('198.51.100.5')).toBe(true);
    expect(m.contains('198.51.100.6')).toBe(false);
    expect(m.contains('2001:db8:bbbb::1')).toBe(false);
    expect(m.contains('garbage')).toBe(false);
  });
});

describe('security stage config', () => {
  it('prod keeps security events ≥ 1 year, locks the trail, and every stage validates', () => {
    for (const s of STAGE_NAMES) expect(getStageConfig(s).security.allowlist.length).toBeGreaterThan(0);
    expect(getStageConfig('prod').security.securityLogRetentionDays).toBeGreaterThanOrEqual(365);
    expect(getStageConfig('prod').security.objectLock).toBe(true);
    expect(getStageConfig('prod').auth0.maxAccessTokenLifetimeSec).toBe(86_400);
  });

  it('rejects a short prod retention, a bad retention value and a bad allowlist entry, naming the field', () => {
    const prod = structuredClone(STAGES.prod) as { security: Record<string, unknown> };
    prod.security.securityLogRetentionDays = 90;
    expect(() => getStageConfig('prod', prod)).toThrow('security.securityLogRetentionDays');
    const dev = structuredClone(STAGES.dev) as { security: Record<string, unknown> };
    dev.security.securityLogRetentionDays = 42;
    expect(() => getStageConfig('dev', dev)).toThrow('security.securityLogRetentionDays: must be one of');
    dev.security.securityLogRetentionDays = 30;
    dev.security.allowlist = ['10.0.0.0/33'];
    expect(() => getStageConfig('dev', dev)).toThrow('security.allowlist.0');
  });
});
