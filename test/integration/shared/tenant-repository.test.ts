import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, setDocumentClient, tableName } from '../../../lambdas/shared/aws/dynamodb';
import { getTenant, invalidateTenantCache } from '../../../lambdas/shared/tenants/repository';
import type { Tenant } from '../../../lambdas/shared/tenants/tenant';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';

let db: LocalDynamo;
const acme: Tenant = {
  tenantId: 'acme',
  name: 'Acme',
  tier: 'standard',
  vertical: 'retail',
  status: 'active',
  apiKeyId: 'k1',
  apiKeyValue: 'secret-value',
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

beforeAll(async () => {
  db = await startDynalite('repo');
  useLocalDynamoEnv(db);
  setDocumentClient(undefined);
  await documentClient().send(new PutCommand({ TableName: tableName('tenants'), Item: acme }));
});
afterAll(async () => {
  setDocumentClient(undefined);
  await db.stop();
});

describe('tenant repository', () => {
  it('reads a tenant and caches hits and misses for the TTL', async () => {
    invalidateTenantCache();
    expect(await getTenant('acme', 1_000, 0)).toEqual(acme);
    expect(await getTenant('nobody', 1_000, 0)).toBeUndefined();
    await documentClient().send(
      new PutCommand({ TableName: tableName('tenants'), Item: { ...acme, status: 'suspended' } }),
    );
    expect((await getTenant('acme', 1_000, 500))?.status).toBe('active'); // cached
    expect((await getTenant('acme', 1_000, 1_500))?.status).toBe('suspended'); // expired → re-read
    invalidateTenantCache('acme');
    expect((await getTenant('acme', 0))?.status).toBe('suspended');
  });

  it('fails loudly when the table env var is missing', () => {
    const saved = process.env.TENANTS_TABLE;
    delete process.env.TENANTS_TABLE;
    expect(() => tableName('tenants')).toThrow(/TENANTS_TABLE is not set/);
    process.env.TENANTS_TABLE = saved;
  });
});
