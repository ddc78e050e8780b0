import { describe, expect, it, vi } from 'vitest';
import { MemoryBlockStore } from '../../../lambdas/security-responder/block-store';
import { parseResponderEvent } from '../../../lambdas/security-responder/inputs';
import {
  IpSetCapacityError,
  IpSetWriter,
  StaleLockTokenError,
} from '../../../lambdas/security-responder/ip-set';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import { IP_SET_CAPACITY, SECURITY_DETAIL_TYPES, SECURITY_EVENT_SOURCE } from '../../../lib/config/security';
import {
  archivedFinding,
  awsApiCallFinding,
  ipv6Finding,
  mediumFinding,
  networkConnectionFinding,
  noSeverityUpdate,
  portProbeFinding,
} from '../../fixtures/guardduty';
import { FakeIpSet, makeResponder, testSecurityConfig } from './fakes';

const T0 = Date.parse('2026-12-02T02:00:00Z');

describe('responder: GuardDuty findings', () => {
  it('blocks every address a port-probe finding names, skipping the allowlisted one', async () => {
    const r = makeResponder({ now: () => T0 });
    const out = await r.responder.handle(
      parseResponderEvent(portProbeFinding(['198.51.100.1', '198.51.100.2', '203.0.113.9', '198.51.100.1'])),
    );
    expect(out.status).toBe('acted');
    expect(out.blocked).toEqual(['198.51.100.1/32', '198.51.100.2/32']);
    expect(out.allowlisted).toEqual(['203.0.113.9/32']);
    expect(r.sets[4].addresses.sort()).toEqual(['198.51.100.1/32', '198.51.100.2/32']);
    expect(r.sets[4].updates).toBe(1);
    const records = await r.store.list(4);
    expect(records.map((x) => [x.cidr, x.severity, x.source, x.expiresAt])).toEqual([
      ['198.51.100.1/32', 7.2, 'guardduty', T0 / 1000 + testSecurityConfig().blockTtlSec.finding],
      ['198.51.100.2/32', 7.2, 'guardduty', T0 / 1000 + testSecurityConfig().blockTtlSec.finding],
    ]);
    expect(r.events.filter((e) => e.type === 'ResponseSuppressed').map((e) => e.reason)).toEqual([
      'allowlisted',
    ]);
    for (const e of r.events) expect(securityEventSchema.safeParse(e).success).toBe(true);
    expect(r.notifications).toHaveLength(1);
  });

  it('blocks the network-connection and API-call remote addresses, and IPv6 in the IPv6 set (canonical form)', async () => {
    const r = makeResponder();
    await r.responder.handle(parseResponderEvent(networkConnectionFinding));
    await r.responder.handle(parseResponderEvent(awsApiCallFinding));
    const v6 = await r.responder.handle(parseResponderEvent(ipv6Finding));
    expect(r.sets[4].addresses.sort()).toEqual(['198.51.100.10/32', '198.51.100.20/32']);
    expect(v6.blocked).toEqual(['2001:db8::bad/128']);
    expect(r.sets[6].addresses).toEqual(['2001:db8::bad/128']);
    expect(r.metrics.filter((m) => m.name === 'IpBlocked').map((m) => m.dimension)).toEqual([
      ['ipVersion', 'IPV4'],
      ['ipVersion', 'IPV4'],
      ['ipVersion', 'IPV6'],
    ]);
  });

  it('ignores archived findings and updates without a severity without error or write', async () => {
    const r = makeResponder();
    const a = await r.responder.handle(parseResponderEvent(archivedFinding));
    const b = await r.responder.handle(parseResponderEvent(noSeverityUpdate));
    expect([a.status, a.reason, b.status, b.reason]).toEqual([
      'ignored',
      'archived',
      'ignored',
      'no_severity',
    ]);
    expect(r.sets[4].updates + r.sets[6].updates).toBe(0);
    expect(r.metrics.filter((m) => m.name === 'ResponderSkipped').map((m) => m.dimension?.[1])).toEqual([
      'archived',
      'no_severity',
    ]);
  });

  it('takes no automated action below the high band (medium → ticket via its own rule)', async () => {
    const r = makeResponder();
    const out = await r.responder.handle(parseResponderEvent(mediumFinding));
    expect(out).toMatchObject({ status: 'ignored', reason: 'below_high_band:medium' });
    expect(r.sets[4].updates).toBe(0);
    expect(r.metrics.find((m) => m.name === 'GuardDutyFinding')?.dimension).toEqual(['band', 'medium']);
  });

  it('with security_monitoring_enabled off: detects and alerts only, writes nothing', async () => {
    const r = makeResponder({ monitoring: false });
    const out = await r.responder.handle(
      parseResponderEvent(portProbeFinding(['198.51.100.1', '198.51.100.2'])),
    );
    expect(out).toMatchObject({ status: 'suppressed', reason: 'monitoring_disabled', blocked: [] });
    expect(r.sets[4].updates).toBe(0);
    expect(await r.store.list(4)).toEqual([]);
    expect(r.events.filter((e) => e.type === 'ResponseSuppressed')).toHaveLength(2);
    expect(r.events.some((e) => e.type === 'GuardDutyFinding' && e.reason === 'guardduty_high')).toBe(true);
    expect(r.notifications.map((n) => n.status)).toEqual(['suppressed']);
  });
});

describe('responder: idempotency', () => {
  it('a retried event (same id) is handled once', async () => {
    const r = makeResponder();
    const ev = parseResponderEvent(networkConnectionFinding);
    const first = await r.responder.handle(ev);
    const second = await r.responder.handle(ev);
    expect(first.status).toBe('acted');
    expect(second).toMatchObject({ status: 'duplicate' });
    expect(r.sets[4].updates).toBe(1);
    expect(r.notifications).toHaveLength(1);
  });

  it('a new event for an already blocked address refreshes its expiry without a write', async () => {
    let now = T0;
    const r = makeResponder({ now: () => now });
    await r.responder.handle(parseResponderEvent(networkConnectionFinding));
    now += 600_000;
    const again = structuredClone(networkConnectionFinding) as Record<string, unknown>;
    again.id = 'e-network-0002';
    const out = await r.responder.handle(parseResponderEvent(again));
    expect(out.refreshed).toEqual(['198.51.100.10/32']);
    expect(out.blocked).toEqual([]);
    expect(r.sets[4].updates).toBe(1);
    const [rec] = await r.store.list(4);
    expect(rec?.expiresAt).toBe(now / 1000 + testSecurityConfig().blockTtlSec.finding);
    expect(rec?.createdAt).toBe(T0);
  });

  it('a failed attempt releases the claim so the retry acts', async () => {
    const r = makeResponder();
    const ev = parseResponderEvent(networkConnectionFinding);
    const spy = vi.spyOn(r.sets[4], 'update').mockRejectedValueOnce(new Error('WAFInternalErrorException'));
    await expect(r.responder.handle(ev)).rejects.toThrow('WAFInternalErrorException');
    spy.mockRestore();
    const retry = await r.responder.handle(ev);
    expect(retry.status).toBe('acted');
    expect(r.sets[4].addresses).toEqual(['198.51.100.10/32']);
  });
});

describe('responder: WAF lock token', () => {
  it('retries with a fresh lock token when another writer changed the set (WAFOptimisticLockException)', async () => {
    const r = makeResponder();
    let interfere = 2;
    r.sets[4].beforeUpdate = () => {
      if (interfere-- > 0) r.sets[4].externalAdd(`192.0.2.${interfere + 1}/32`);
    };
    const out = await r.responder.handle(parseResponderEvent(networkConnectionFinding));
    expect(out.blocked).toEqual(['198.51.100.10/32']);
    expect(r.sets[4].conflicts).toBe(2);
    expect(r.sets[4].addresses.sort()).toEqual(['192.0.2.1/32', '192.0.2.2/32', '198.51.100.10/32']);
    const blocked = r.events.find((e) => e.type === 'IpBlocked');
    expect(blocked?.details.attempts).toBe(3);
  });

  it('two responders (two containers) writing one set concurrently lose no address', async () => {
    const sets = { 4: new FakeIpSet(4), 6: new FakeIpSet(6) };
    const store = new MemoryBlockStore();
    const a = makeResponder({ sets, store });
    const b = makeResponder({ sets, store });
    const ips = Array.from({ length: 6 }, (_, i) => `198.51.100.${i + 1}`);
    await Promise.all(
      ips.map((ip, i) =>
        (i % 2 ? a : b).responder.handle(parseResponderEvent(portProbeFinding([ip], `f-${i}`, `e-${i}`))),
      ),
    );
    expect(sets[4].addresses.sort()).toEqual(ips.map((ip) => `${ip}/32`).sort());
    expect(sets[4].conflicts).toBeGreaterThan(0);
  });

  it('one writer serializes its own calls: no conflict within a process', async () => {
    const r = makeResponder();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        r.responder.handle(
          parseResponderEvent(portProbeFinding([`198.51.100.${i + 1}`], `f-${i}`, `e-${i}`)),
        ),
      ),
    );
    expect(r.sets[4].addresses).toHaveLength(5);
    expect(r.sets[4].conflicts).toBe(0);
  });

  it('gives up after maxAttempts conflicts with StaleLockTokenError', async () => {
    const set = new FakeIpSet(4);
    set.beforeUpdate = () => set.externalAdd('192.0.2.1/32');
    const writer = new IpSetWriter(set, { maxAttempts: 3, sleep: async () => undefined });
    await expect(
      writer.modify(() => ({ add: ['198.51.100.1'], remove: [], result: null })),
    ).rejects.toBeInstanceOf(StaleLockTokenError);
    expect(set.conflicts).toBe(3);
  });

  it('refuses a write above the capacity, and an address of the wrong IP version', async () => {
    const writer = new IpSetWriter(new FakeIpSet(4), { capacity: 1 });
    await expect(
      writer.modify(() => ({ add: ['198.51.100.1', '198.51.100.2'], remove: [], result: 0 })),
    ).rejects.toBeInstanceOf(IpSetCapacityError);
    await expect(writer.modify(() => ({ add: ['2001:db8::1'], remove: [], result: 0 }))).rejects.toThrow(
      'IPv4 set',
    );
  });
});

describe('responder: capacity', () => {
  it('evicts orphans first, then the lowest severity, then the oldest, never the incoming address', async () => {
    let now = T0;
    const r = makeResponder({ capacity: 4, now: () => now });
    const block = async (ip: string, severity: number, id: string) => {
      const ev = portProbeFinding([ip], `f-${id}`, `e-${id}`) as { detail: { severity: number } };
      ev.detail.severity = severity;
      now += 1000;
      return r.responder.handle(parseResponderEvent(ev));
    };
    await block('198.51.100.1', 8, 'a'); // high, oldest
    await block('198.51.100.2', 7, 'b'); // lowest severity, older
    await block('198.51.100.3', 7, 'c'); // lowest severity, newer
    r.sets[4].externalAdd('192.0.2.77/32'); // orphan: no record
    const first = await block('198.51.100.4', 9, 'd');
    expect(first.evicted).toEqual(['192.0.2.77/32']);
    const second = await block('198.51.100.5', 7.1, 'e');
    expect(second.evicted).toEqual(['198.51.100.2/32']);
    const third = await block('198.51.100.6', 7.1, 'f');
    expect(third.evicted).toEqual(['198.51.100.3/32']);
    expect(r.sets[4].addresses.sort()).toEqual([
      '198.51.100.1/32',
      '198.51.100.4/32',
      '198.51.100.5/32',
      '198.51.100.6/32',
    ]);
    expect((await r.store.list(4)).map((x) => x.cidr).sort()).toEqual(r.sets[4].addresses.sort());
    expect(r.events.filter((e) => e.type === 'IpEvicted').map((e) => e.sourceIp)).toEqual([
      '192.0.2.77/32',
      '198.51.100.2/32',
      '198.51.100.3/32',
    ]);
  });

  it('the default capacity is the WAF quota of 10,000 addresses', () => {
    expect(new IpSetWriter(new FakeIpSet(4)).capacity).toBe(IP_SET_CAPACITY);
    expect(IP_SET_CAPACITY).toBe(10_000);
  });

  it('holds 10,000 addresses and evicts exactly one for the 10,001st', async () => {
    const r = makeResponder({ now: () => T0 });
    r.sets[4].addresses = Array.from(
      { length: IP_SET_CAPACITY },
      (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`,
    );
    for (const [i, cidr] of r.sets[4].addresses.entries()) {
      await r.store.put({
        cidr,
        version: 4,
        severity: 8,
        source: 'guardduty',
        reason: 'x',
        ref: 'r',
        createdAt: T0 - 10_000 + i,
        expiresAt: T0 / 1000 + 3600,
      });
    }
    const out = await r.responder.handle(parseResponderEvent(networkConnectionFinding));
    expect(out.evicted).toEqual(['10.0.0.0/32']);
    expect(r.sets[4].addresses).toHaveLength(IP_SET_CAPACITY);
    expect(r.sets[4].addresses).toContain('198.51.100.10/32');
  });
});

describe('responder: expiry and unblock', () => {
  const sweep = (id = 'sweep') =>
    parseResponderEvent({
      version: '0',
      id,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-02T02:05:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/marketedge-dev-security-sweep'],
      detail: {},
    });

  it('lifts a block after its expiry (and only then), deleting its record', async () => {
    let now = T0;
    const cfg = testSecurityConfig({ blockTtlSec: { finding: 60, bruteForce: 30 } });
    const r = makeResponder({ config: cfg, now: () => now });
    await r.responder.handle(parseResponderEvent(networkConnectionFinding));
    now = T0 + 59_000;
    expect((await r.responder.handle(sweep())).status).toBe('ignored');
    expect(r.sets[4].addresses).toEqual(['198.51.100.10/32']);
    now = T0 + 60_000;
    const out = await r.responder.handle(sweep());
    expect(out.unblocked).toEqual(['198.51.100.10/32']);
    expect(r.sets[4].addresses).toEqual([]);
    expect(await r.store.list(4)).toEqual([]);
    expect(r.events.find((e) => e.type === 'IpUnblocked')?.reason).toBe('expired');
  });

  it('removes an address whose record DynamoDB TTL already deleted; lifting works with monitoring off', async () => {
    const r = makeResponder({ monitoring: false });
    r.sets[6].externalAdd('2001:db8::1/128');
    const out = await r.responder.handle(sweep());
    expect(out.unblocked).toEqual(['2001:db8::1/128']);
    expect(r.sets[6].addresses).toEqual([]);
  });

  it('unblocks on request, audited with the actor', async () => {
    const r = makeResponder();
    await r.responder.handle(parseResponderEvent(networkConnectionFinding));
    const out = await r.responder.handle(
      parseResponderEvent({
        version: '0',
        id: 'u-1',
        'detail-type': 'SecurityUnblockRequested',
        source: 'marketedge.security',
        account: '123456789012',
        time: '2026-12-02T02:05:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { cidr: '198.51.100.10', actor: 'auth0|admin' },
      }),
    );
    expect(out.unblocked).toEqual(['198.51.100.10/32']);
    expect(r.events.find((e) => e.type === 'IpUnblocked')).toMatchObject({
      principal: 'auth0|admin',
      reason: 'manual',
    });
    expect(r.sets[4].addresses).toEqual([]);
  });
});

describe('responder: failed-auth detections', () => {
  const detection = (subject: 'ip' | 'tenant', value: string, id = 'd-1') =>
    parseResponderEvent({
      version: '0',
      id,
      'detail-type': 'FailedAuthThresholdExceeded',
      source: 'marketedge.security',
      account: '123456789012',
      time: '2026-12-02T02:05:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { subject, value, count: 25, threshold: 20, windowSec: 60 },
    });

  it('blocks the source IP of a burst for the brute-force duration', async () => {
    const r = makeResponder({ now: () => T0 });
    const out = await r.responder.handle(detection('ip', '198.51.100.77'));
    expect(out.blocked).toEqual(['198.51.100.77/32']);
    const [rec] = await r.store.list(4);
    expect(rec).toMatchObject({
      source: 'failed-auth',
      severity: 7,
      expiresAt: T0 / 1000 + testSecurityConfig().blockTtlSec.bruteForce,
    });
  });

  it('never blocks an allowlisted source', async () => {
    const r = makeResponder();
    const out = await r.responder.handle(detection('ip', '203.0.113.5'));
    expect(out).toMatchObject({ status: 'suppressed', reason: 'allowlisted', blocked: [] });
    expect(r.sets[4].updates).toBe(0);
  });

  it('clamps a tenant under attack through the clamp port, once; monitoring off → alert only', async () => {
    const clamp = {
      clamp: vi.fn(async () => true),
      liftExpired: vi.fn(async () => [] as string[]),
      lift: vi.fn(async () => true),
    };
    const r = makeResponder({ clamp });
    const out = await r.responder.handle(detection('tenant', 'acme'));
    expect(out).toMatchObject({ status: 'acted', clamped: 'acme' });
    expect(clamp.clamp).toHaveBeenCalledWith(
      'acme',
      expect.objectContaining({ reason: 'failed_auth_per_tenant', ref: 'd-1' }),
    );
    r.setMonitoring(false);
    const off = await r.responder.handle(detection('tenant', 'acme', 'd-2'));
    expect(off.status).toBe('suppressed');
    expect(clamp.clamp).toHaveBeenCalledTimes(1);
  });

  it('lifts a clamp on request (even with monitoring off), once per event; a tenant without one is ignored', async () => {
    const clamped = new Set(['acme']);
    const clamp = {
      clamp: vi.fn(async () => true),
      liftExpired: vi.fn(async () => [] as string[]),
      lift: vi.fn(async (t: string) => clamped.delete(t)),
    };
    const r = makeResponder({ clamp });
    r.setMonitoring(false);
    const lift = (tenantId: string, id: string) =>
      parseResponderEvent({
        version: '0',
        id,
        'detail-type': SECURITY_DETAIL_TYPES.clampLiftRequested,
        source: SECURITY_EVENT_SOURCE,
        account: '123456789012',
        time: '2025-01-01T00:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { tenantId, actor: 'ops', requestId: 'req-9' },
      });
    const out = await r.responder.handle(lift('acme', 'l-1'));
    expect(out).toMatchObject({ kind: 'lift-clamp', status: 'acted', reason: 'manual', clamped: 'acme' });
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: 'TenantClamped',
        outcome: 'unclamped',
        reason: 'manual',
        tenantId: 'acme',
        principal: 'ops',
        requestId: 'req-9',
      }),
    );
    expect((await r.responder.handle(lift('acme', 'l-1'))).status).toBe('duplicate');
    expect(await r.responder.handle(lift('acme', 'l-2'))).toMatchObject({
      status: 'ignored',
      reason: 'not_clamped',
    });
    expect(clamp.lift).toHaveBeenCalledTimes(2);
  });
});

describe('responder inputs', () => {
  it('rejects malformed events with field paths (dead-letter queue, not a crash loop)', () => {
    expect(() => parseResponderEvent({ hello: 'world' })).toThrow('not an EventBridge event');
    const bad = structuredClone(networkConnectionFinding) as { detail: Record<string, unknown> };
    delete bad.detail.id;
    try {
      parseResponderEvent(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as { issues: string[] }).issues.join()).toContain('detail.id');
    }
    expect(() =>
      parseResponderEvent({
        ...(networkConnectionFinding as object),
        source: 'aws.s3',
        'detail-type': 'Object Created',
      }),
    ).toThrow('unsupported event');
  });

  it('a responder with a malformed allowlist fails at construction', () => {
    expect(() => makeResponder({ config: testSecurityConfig({ allowlist: ['not-an-ip'] }) })).toThrow(
      'not an address or CIDR',
    );
  });
});
