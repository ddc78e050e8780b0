import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import type { LocalSecurityState } from '../../../local/security/runtime';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * The local stand-in of the log subscriptions that feed security-events the security-event lines of the authorizer,
 * the admin API and the edge proxy (`tapSecurityEventLines`): bad and denied tokens on the local stack reach the
 * security log as the authorizer wrote them, and the detections they cause act end to end — a per-IP burst blocks
 * the address (WAF 403), a per-tenant burst of denied tokens clamps the tenant through the admin API.
 */
describe('local stack: the Lambdas’ security-event lines reach the security pipeline', () => {
  let t: TestStack;
  const state = async () =>
    (await t.call('GET', '/_local/security/state')).json as unknown as LocalSecurityState;

  beforeAll(async () => {
    t = await startTestStack('memory');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a burst of bad tokens from one address: AuthFailed events from the authorizer, detection, block, WAF 403', async () => {
    const ip = '192.0.2.91';
    const { perIpThreshold } = (await state()).config.failedAuth;
    const bad = await Promise.all(
      Array.from({ length: perIpThreshold + 2 }, (_, i) =>
        t.call('GET', '/v1/me', {
          token: i % 2 ? 'not-a-jwt' : 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
          headers: { 'x-forwarded-for': ip },
        }),
      ),
    );
    expect(bad.every((r) => r.status === 401)).toBe(true);
    await t.stack.security.flush();
    const s = await state();
    const failed = s.events.filter((e) => e.type === 'AuthFailed' && e.sourceIp === ip);
    // Every 401 the authorizer answered arrived as its own security event (the schema's, never the token).
    expect(failed).toHaveLength(perIpThreshold + 2);
    for (const e of failed) {
      expect(securityEventSchema.parse(e)).toMatchObject({ outcome: 'unauthorized', route: '/v1/me' });
      expect(JSON.stringify(e)).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    }
    expect(new Set(failed.map((e) => e.reason)).size).toBeGreaterThanOrEqual(1);
    expect(s.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FailedAuthThresholdExceeded', reason: 'per_ip', sourceIp: ip }),
        expect.objectContaining({ type: 'IpBlocked', sourceIp: `${ip}/32` }),
      ]),
    );
    expect(s.ipSets.ipv4).toContain(`${ip}/32`);
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    const refused = await t.call('GET', '/v1/me', { token, headers: { 'x-forwarded-for': ip } });
    expect(refused.status).toBe(403);
  });

  it('a burst of denied tokens for one tenant: AuthDenied events, per-tenant detection, clamp through the admin API', async () => {
    const { perTenantThreshold } = (await state()).config.failedAuth;
    // Distinct tokens (the authorizer's cache would answer a repeated one without running it: no event).
    const tokens = await Promise.all(
      Array.from({ length: perTenantThreshold + 1 }, (_, i) =>
        t.token({ tenantId: 'initech', userId: `stolen-${i}`, roles: [] }),
      ),
    );
    const denied = await Promise.all(tokens.map((token) => t.call('GET', '/v1/me', { token })));
    expect(denied.every((r) => r.status === 403)).toBe(true);
    await t.stack.security.flush();
    const s = await state();
    const events = s.events.filter((e) => e.tenantId === 'initech');
    expect(events.filter((e) => e.type === 'AuthDenied' && e.reason === 'no_roles')).toHaveLength(
      perTenantThreshold + 1,
    );
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FailedAuthThresholdExceeded', reason: 'per_tenant' }),
        expect.objectContaining({ type: 'TenantClamped', outcome: 'clamped' }),
      ]),
    );
    // Loopback is allowlisted locally: the same burst's per-IP detection blocked nothing.
    expect(s.ipSets.ipv4).not.toContain('127.0.0.1/32');
    const ops = await t.token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
    const limits = await t.call('GET', '/admin/tenants/initech/limits', { token: ops });
    expect(limits.status).toBe(200);
    expect(limits.json?.overrides).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'security-clamp', scope: 'tenant' })]),
    );
    const audit = await t.call('GET', '/admin/audit?tenantId=initech', { token: ops });
    const items = (audit.json?.items ?? []) as { action: string; actor: { userId: string } }[];
    expect(items.some((a) => a.actor.userId === 'security-responder')).toBe(true);
    // The admin API's own lines arrive too: the clamp's limit change is an AdminChange by the responder.
    await t.stack.security.flush();
    expect((await state()).events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'AdminChange',
          principal: 'security-responder',
          route: 'PUT /admin/tenants/{tenantId}/limits',
        }),
      ]),
    );
  });
});
