import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../../lambdas/shared/aws/dynamodb';
import { flags } from '../../../lambdas/shared/flags';
import { securityKeys } from '../../../lib/config/data-model';
import type { LocalSecurityState } from '../../../local/security/runtime';
import { networkConnectionFinding } from '../../fixtures/guardduty';
import { startTestStack, type TestStack } from '../local/stack-harness';

/**
 * The local expiry sweep's timer (`local/security/runtime.ts`) reads the security table only while something may be
 * left to lift: an idle stack spends no CPU on it (docs/load-testing.md, #11), and a block made by the responder is
 * still lifted after its expiry by the timer alone (no `runSchedule`).
 */
describe('local expiry sweep', () => {
  let t: TestStack;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const state = async () =>
    (await t.call('GET', '/_local/security/state')).json as unknown as LocalSecurityState;

  beforeAll(async () => {
    // Expiry is in whole seconds (`floor(now) + ttlSec`), so a 1 s block lives 0–1 s: in a clean CI run the 100 ms
    // timer lifted it before the test read the state after the POST. 3 s lives at least 2 s.
    process.env.LOCAL_SECURITY_BLOCK_TTL_SEC = '3';
    process.env.LOCAL_SECURITY_SWEEP_MS = '100';
    delete process.env.FEATURE_FLAGS;
    flags.reset();
    t = await startTestStack('memory');
  });
  afterAll(async () => {
    await t?.stop();
    delete process.env.LOCAL_SECURITY_BLOCK_TTL_SEC;
    delete process.env.LOCAL_SECURITY_SWEEP_MS;
  });

  it('idle: no block-record reads; a block arms the timer and lifts after its expiry; then idle again', async () => {
    const send = vi.spyOn(documentClient(), 'send');
    const blockReads = () =>
      send.mock.calls.filter(
        ([c]) =>
          c instanceof QueryCommand &&
          c.input.ExpressionAttributeValues?.[':pk'] === securityKeys.blocksPartition(4),
      ).length;
    try {
      await sleep(500); // the sweeps armed at start find nothing and disarm
      send.mockClear();
      await sleep(1_000); // 10 periods
      expect(blockReads()).toBe(0);

      const put = await t.call('POST', '/_local/security/events', { body: [networkConnectionFinding] });
      expect(put.status).toBe(200);
      const blocked = await state();
      expect(blocked.blocks.length).toBeGreaterThan(0);
      expect(blocked.ipSets.ipv4.length).toBeGreaterThan(0);
      const lastExpiryMs = Math.max(...blocked.blocks.map((b) => b.expiresAt)) * 1000;

      let lifted: LocalSecurityState | undefined;
      for (const deadline = lastExpiryMs + 15_000; Date.now() < deadline; await sleep(100)) {
        const s = await state();
        if (s.ipSets.ipv4.length === 0 && s.blocks.length === 0) {
          lifted = s;
          break;
        }
      }
      expect(lifted, 'the timer lifted the block after its expiry').toBeDefined();
      expect(lifted?.events).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'IpUnblocked' })]),
      );

      await sleep(500); // the sweep after the lift finds nothing and disarms
      send.mockClear();
      await sleep(1_000);
      expect(blockReads()).toBe(0);
    } finally {
      send.mockRestore();
    }
  });
});
