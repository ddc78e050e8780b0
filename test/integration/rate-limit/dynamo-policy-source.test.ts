import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDocumentClient } from '../../../lambdas/shared/aws/dynamodb';
import { DynamoPolicySource } from '../../../lambdas/shared/rate-limit/adapters/dynamo-policy-source';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { RateLimiter } from '../../../lambdas/shared/rate-limit/core/limiter';
import { ROUTES } from '../../../lib/config/routes';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';
import { fixedFlags } from '../../unit/rate-limit/conformance.suite';

let db: LocalDynamo;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynalite('rl');
  useLocalDynamoEnv(db);
  setDocumentClient(undefined);
  doc = DynamoDBDocumentClient.from(db.client);
});

afterAll(async () => {
  setDocumentClient(undefined);
  await db?.stop();
});

const put = (Item: Record<string, unknown>) =>
  doc.send(new PutCommand({ TableName: db.tables.limits, Item }));

describe('DynamoPolicySource (dynalite)', () => {
  it('absent tier item → TIER_TABLE defaults; present → its validated rules', async () => {
    const src = new DynamoPolicySource();
    expect(await src.tierRules('premium')).toEqual(TIER_TABLE.premium.defaultPolicy);
    await put({
      pk: 'TIER#free',
      sk: 'POLICY',
      rules: [{ id: 'only', scope: 'tenant', kind: 'rate', limit: 3, periodSec: 1 }],
      usagePlan: TIER_TABLE.free.usagePlan,
      version: 2,
      updatedAt: new Date().toISOString(),
    });
    expect(await src.tierRules('free')).toEqual([
      { id: 'only', scope: 'tenant', kind: 'rate', limit: 3, periodSec: 1, mode: 'enforce' },
    ]);
  });

  it('reads tenant overrides and bypasses in one query; invalid stored rules are reported and ignored', async () => {
    const invalid: string[] = [];
    const src = new DynamoPolicySource({ onInvalid: (m) => invalid.push(m) });
    expect(await src.tenantLimits('nobody')).toEqual({ rules: [], bypasses: [] });
    await put({
      pk: 'TENANT#acme',
      sk: 'LIMITS',
      rules: [{ id: 'user-rate', scope: 'user', kind: 'rate', limit: 1000, periodSec: 60, mode: 'shadow' }],
      version: 1,
      updatedAt: 'x',
    });
    await put({
      pk: 'TENANT#acme',
      sk: 'BYPASS#b1',
      bypassId: 'b1',
      userId: 'alice',
      reason: 'incident 42',
      createdBy: 'ops',
      createdAt: new Date().toISOString(),
      expiresAt: 2_000_000_000,
    });
    await put({
      pk: 'TENANT#acme',
      sk: 'BYPASS#b2',
      bypassId: 'b2',
      reason: 'all',
      expiresAt: 1_900_000_000,
    });
    const acme = await src.tenantLimits('acme');
    expect(acme.rules).toEqual([
      { id: 'user-rate', scope: 'user', kind: 'rate', limit: 1000, periodSec: 60, mode: 'shadow' },
    ]);
    expect(acme.bypasses).toEqual([
      { bypassId: 'b1', userId: 'alice', reason: 'incident 42', expiresAt: 2_000_000_000 },
      { bypassId: 'b2', reason: 'all', expiresAt: 1_900_000_000 },
    ]);
    await put({
      pk: 'TENANT#bad',
      sk: 'LIMITS',
      rules: [{ id: 'x', scope: 'team', kind: 'rate', limit: 0 }],
    });
    expect((await src.tenantLimits('bad')).rules).toEqual([]);
    expect(invalid[0]).toMatch(/^0\./);
  });

  it('a limiter picks up an override written to DynamoDB after bumpPolicyVersion', async () => {
    const store = new MemoryStore();
    const limiter = new RateLimiter({
      store,
      fallback: new MemoryStore(),
      policySource: new DynamoPolicySource(),
      flags: fixedFlags(),
      overLimitCacheMs: 0,
    });
    const route = ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/reports')!;
    const check = () => limiter.check({ tenantId: 'globex', userId: 'alice', tier: 'premium', route });
    expect((await check()).outcomes.find((o) => o.rule.id === 'tenant-rate')!.limit).toBe(6_000);
    await put({
      pk: 'TENANT#globex',
      sk: 'LIMITS',
      rules: [{ id: 'tenant-rate', scope: 'tenant', kind: 'rate', limit: 42, periodSec: 60 }],
      version: 1,
      updatedAt: 'now',
    });
    expect((await check()).outcomes.find((o) => o.rule.id === 'tenant-rate')!.limit).toBe(6_000); // cached
    await limiter.bumpPolicyVersion('globex');
    expect((await check()).outcomes.find((o) => o.rule.id === 'tenant-rate')!.limit).toBe(42);
  });
});
