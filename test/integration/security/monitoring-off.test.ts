import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../../lambdas/shared/flags';
import type { LocalSecurityState } from '../../../local/security/runtime';
import { networkConnectionFinding } from '../../fixtures/guardduty';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * `security_monitoring_enabled` off (lib/config/flags.ts): detect and alert only. The same high-severity finding and
 * failed-auth burst that block with the flag on (drill.test.ts) page and ticket, are written to the security log as
 * `ResponseSuppressed`, and change no IP set: the addresses keep being served.
 */
describe('security_monitoring_enabled off: detect and alert only', () => {
  let t: TestStack;
  const state = async () =>
    (await t.call('GET', '/_local/security/state')).json as unknown as LocalSecurityState;

  beforeAll(async () => {
    process.env.FEATURE_FLAGS = JSON.stringify({ security_monitoring_enabled: false });
    process.env.LOCAL_SECURITY_SWEEP_MS = '250';
    flags.reset();
    t = await startTestStack('memory');
  });
  afterAll(async () => {
    await t?.stop();
    delete process.env.FEATURE_FLAGS;
    delete process.env.LOCAL_SECURITY_SWEEP_MS;
    flags.reset();
  });

  it('a high-severity finding pages and is recorded, but nothing is blocked', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const put = await t.call('POST', '/_local/security/events', { body: [networkConnectionFinding] });
    const deliveries = (put.json?.deliveries ?? []) as {
      rules: string[];
      responder: { status: string; reason: string };
    }[];
    const delivery = deliveries[0];
    expect(delivery?.rules).toEqual(['GuardDutyHigh']);
    expect(delivery?.responder).toMatchObject({ status: 'suppressed', reason: 'monitoring_disabled' });
    const s = await state();
    expect(s.ipSets).toEqual({ ipv4: [], ipv6: [] });
    expect(s.blocks).toEqual([]);
    const served = await t.call('GET', '/v1/me', { token, headers: { 'x-forwarded-for': '198.51.100.10' } });
    expect(served.status).toBe(200);
    expect(s.notifications.map((n) => `${n.topic}:${n.rule}`)).toEqual(
      expect.arrayContaining(['page:GuardDutyHigh', 'ticket:ResponderAction']),
    );
    expect(s.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'GuardDutyFinding', reason: 'guardduty_high' }),
        expect.objectContaining({
          type: 'ResponseSuppressed',
          reason: 'monitoring_disabled',
          sourceIp: '198.51.100.10/32',
        }),
      ]),
    );
  });

  it('a failed-auth burst is detected and paged, and the address is still served', async () => {
    const burst = (await state()).config.failedAuth.perIpThreshold + 3;
    const bad = await Promise.all(
      Array.from({ length: burst }, () =>
        t.call('GET', '/v1/me', { token: 'nope', headers: { 'x-forwarded-for': '192.0.2.77' } }),
      ),
    );
    expect(bad.every((r) => r.status === 401)).toBe(true);
    await t.stack.security.flush();
    const s = await state();
    expect(s.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FailedAuthThresholdExceeded', sourceIp: '192.0.2.77' }),
        expect.objectContaining({ type: 'ResponseSuppressed', sourceIp: '192.0.2.77/32' }),
      ]),
    );
    expect(s.notifications.some((n) => n.topic === 'page' && n.rule === 'FailedAuthThreshold')).toBe(true);
    expect(s.ipSets.ipv4).toEqual([]);
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const served = await t.call('GET', '/v1/me', { token, headers: { 'x-forwarded-for': '192.0.2.77' } });
    expect(served.status).toBe(200);
  });

  it('local endpoints refuse bad input; a malformed finding goes to the dead-letter queue, never a crash', async () => {
    expect((await t.call('POST', '/_local/security/events', { body: { not: 'an array' } })).status).toBe(400);
    expect((await t.call('POST', '/_local/security/events', { body: '{oops' })).status).toBe(400);
    expect((await t.call('POST', '/_local/security/schedules/nope', { body: {} })).status).toBe(404);
    expect(
      (await t.call('POST', '/_local/security/schedules/expirySweep', { body: { time: 5 } })).status,
    ).toBe(400);
    const malformed = { ...networkConnectionFinding, detail: { type: 'Recon:EC2/Portscan', severity: 8 } };
    const put = await t.call('POST', '/_local/security/events', { body: [malformed] });
    const d = (put.json?.deliveries ?? []) as { rules: string[]; deadLettered?: string }[];
    expect(d[0]?.rules).toEqual(['GuardDutyHigh']);
    expect(d[0]?.deadLettered).toMatch(/malformed GuardDuty Finding/);
    const s = await state();
    expect(s.deadLetters.map((x) => x.eventId)).toContain(String(networkConnectionFinding.id));
    expect(s.droppedAccessLogLines).toBe(0);
  });
});
