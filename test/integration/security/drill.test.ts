import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../../lambdas/shared/flags';
import { runSecurityDrill } from '../../../scripts/drill-security';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * `npm run drill:security` as a test: the whole drill against an in-process local stack (2 s block expiry, 250 ms
 * sweep), bounded well under 60 s. Every RESULT field the issue names is asserted.
 */
describe('security drill against the local stack', () => {
  let t: TestStack;
  beforeAll(async () => {
    process.env.LOCAL_SECURITY_BLOCK_TTL_SEC = '2';
    process.env.LOCAL_SECURITY_SWEEP_MS = '250';
    delete process.env.FEATURE_FLAGS;
    flags.reset();
    t = await startTestStack('memory');
  });
  afterAll(async () => {
    await t?.stop();
    delete process.env.LOCAL_SECURITY_BLOCK_TTL_SEC;
    delete process.env.LOCAL_SECURITY_SWEEP_MS;
  });

  it('blocks every high-severity address and the brute-forcing one, spares the allowlist, lifts on expiry, flags the anomaly', async () => {
    const lines: string[] = [];
    const result = await runSecurityDrill({
      url: t.url,
      print: (l) => lines.push(l),
      expiryTimeoutMs: 15_000,
    });
    expect(result.failures, lines.join('\n')).toEqual([]);
    expect(result).toMatchObject({
      passed: true,
      findings: 7,
      // network, API call, two port-probe addresses, IPv6, the brute-forcing address
      ips_blocked: 6,
      blocked_status: 403,
      allowlist_untouched: true,
      unblocked_after_expiry: true,
      bruteforce_blocked: true,
      anomaly_flagged: true,
      ipv6_blocked: true,
      non_high_ignored: true,
    });
    expect(result.pages).toBeGreaterThanOrEqual(6);
    expect(result.audit_entries).toBeGreaterThan(10);
    expect(result.block_lifetime_s).toBeGreaterThanOrEqual(1);
    expect(result.duration_s).toBeLessThan(45);
    // The gateway recorded the refusals as WAF's, not as failed authentications.
    expect(t.accessLog.some((r) => r.errorType === 'WAF_FILTERED' && r.status === '403')).toBe(true);
  }, 60_000);
});
