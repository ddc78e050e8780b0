import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../../lambdas/shared/aws/dynamodb';
import { invalidateTenantCache } from '../../../lambdas/shared/tenants/repository';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { UsagePlanDirectory } from '../../../local/gateway/usage-plans';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite('usageplans');
  useLocalDynamoEnv(dynamo);
  const doc = DynamoDBDocumentClient.from(dynamo.client);
  await doc.send(
    new PutCommand({
      TableName: dynamo.tables.tenants,
      Item: { tenantId: 'acme', tier: 'standard', apiKeyId: 'key-acme', apiKeyValue: 'secret-acme' },
    }),
  );
});

afterAll(async () => {
  vi.restoreAllMocks();
  await dynamo?.stop();
});

/** Counts the GetCommands the shared document client sends, by table. */
function countGets() {
  const counts: Record<string, number> = {};
  const client = documentClient();
  const send = client.send.bind(client);
  vi.spyOn(client, 'send').mockImplementation(((cmd: unknown) => {
    if (cmd instanceof GetCommand) {
      const t = cmd.input.TableName ?? '?';
      counts[t] = (counts[t] ?? 0) + 1;
    }
    return send(cmd as GetCommand);
  }) as typeof client.send);
  return counts;
}

describe('UsagePlanDirectory', () => {
  it('concurrent lookups on a cold or expired cache share one read per tenant and per tier', async () => {
    invalidateTenantCache();
    const counts = countGets();
    const dir = new UsagePlanDirectory(100);
    const lookups = () => Promise.all(Array.from({ length: 20 }, () => dir.lookup('secret-acme', 'acme')));

    const first = await lookups();
    expect(first.every((r) => r?.apiKeyId === 'key-acme')).toBe(true);
    expect(first[0]?.plan).toEqual(TIER_TABLE.standard.usagePlan);
    expect(counts).toEqual({ [dynamo.tables.tenants]: 1, [dynamo.tables.limits]: 1 });

    await new Promise((r) => setTimeout(r, 150));
    const second = await lookups();
    expect(second.every((r) => r?.apiKeyId === 'key-acme')).toBe(true);
    expect(counts).toEqual({ [dynamo.tables.tenants]: 2, [dynamo.tables.limits]: 2 });

    expect(await dir.lookup('wrong-key', 'acme')).toBeUndefined();
    vi.restoreAllMocks();
  });

  it('while DynamoDB fails, the last answer per tenant stands (API keys are not in DynamoDB); unknown tenants throw', async () => {
    invalidateTenantCache();
    const dir = new UsagePlanDirectory(1);
    expect((await dir.lookup('secret-acme', 'acme'))?.apiKeyId).toBe('key-acme');
    await new Promise((r) => setTimeout(r, 5));
    invalidateTenantCache();
    const client = documentClient();
    vi.spyOn(client, 'send').mockRejectedValue(
      Object.assign(new Error('down'), { name: 'InternalServerError' }),
    );
    expect((await dir.lookup('secret-acme', 'acme'))?.apiKeyId).toBe('key-acme');
    expect(await dir.lookup('wrong-key', 'acme')).toBeUndefined();
    await expect(dir.lookup('secret-globex', 'globex')).rejects.toThrow('down');
    vi.restoreAllMocks();
  });
});
