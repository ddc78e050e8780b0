import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AdminRepository } from '../../../lambdas/admin/repository';
import type { Tenant } from '../../../lambdas/shared/tenants/tenant';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';
import { tenantItem } from '../../unit/admin/fixtures';

/** dynalite (behind the transaction proxy) + a repository on it, with demo tenants seeded. */
export interface AdminDb {
  db: LocalDynamo;
  client: DynamoDBDocumentClient;
  repo: AdminRepository;
  tables: LocalDynamo['tables'];
  stop(): Promise<void>;
}

/** Demo tenants (team contract ids). */
export const DEMO_TENANTS: Tenant[] = [
  tenantItem('marketedge', 'enterprise', 'platform'),
  tenantItem('acme', 'standard', 'retail'),
  tenantItem('globex', 'premium', 'hospitality'),
  tenantItem('initech', 'free', 'leisure'),
  tenantItem('umbrella', 'enterprise', 'retail'),
  tenantItem('hooli', 'standard', 'retail', { status: 'suspended' }),
];

/**
 * Starts dynalite with every table behind the transaction proxy (dynalite 4 has no TransactWriteItems),
 * points the Lambda env (`DYNAMODB_ENDPOINT`, `*_TABLE`) at the proxy and seeds the demo tenants.
 */
export async function startAdminDb(prefix = 'admin'): Promise<AdminDb> {
  const db = await startDynalite(prefix, { transactions: true });
  useLocalDynamoEnv(db);
  const base = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  const repo = new AdminRepository({ client: () => client, tables: db.tables });
  for (const t of DEMO_TENANTS) await client.send(new PutCommand({ TableName: db.tables.tenants, Item: t }));
  return {
    db,
    client,
    repo,
    tables: db.tables,
    async stop() {
      base.destroy();
      await db.stop();
    },
  };
}
