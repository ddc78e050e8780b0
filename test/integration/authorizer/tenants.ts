import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '../../../lambdas/shared/tenants/tenant';
import type { LocalDynamo } from '../../helpers/dynalite';

/** Demo tenants (team contract): `marketedge` operator, four active customers, `hooli` suspended. */
export const DEMO_TENANTS: Tenant[] = (
  [
    ['marketedge', 'platform', 'enterprise', 'active'],
    ['acme', 'retail', 'standard', 'active'],
    ['globex', 'hospitality', 'premium', 'active'],
    ['initech', 'leisure', 'free', 'active'],
    ['umbrella', 'retail', 'enterprise', 'active'],
    ['hooli', 'retail', 'standard', 'suspended'],
  ] as const
).map(([tenantId, vertical, tier, status]) => ({
  tenantId,
  name: tenantId.toUpperCase(),
  tier,
  vertical,
  status,
  apiKeyId: `key-id-${tenantId}`,
  apiKeyValue: `key-value-${tenantId}-0123456789abcdef`,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}));

/** Writes tenants into the dynalite tenants table. */
export async function seedTenants(db: LocalDynamo, tenants: Tenant[] = DEMO_TENANTS): Promise<void> {
  const doc = DynamoDBDocumentClient.from(db.client);
  for (const t of tenants) await doc.send(new PutCommand({ TableName: db.tables.tenants, Item: t }));
}
