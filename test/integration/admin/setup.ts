import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AdminRepository } from '../../../lambdas/admin/repository';
import type { Tenant } from '../../../lambdas/shared/tenants/tenant';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';
import { startTransactionProxy, type TransactionProxy } from '../../helpers/dynamo-transactions';
import { tenantItem } from '../../unit/admin/fixtures';

/** dynalite + the transaction proxy + a repository on it, with demo tenants seeded. */
export interface AdminDb {
  db: LocalDynamo;
  proxy: TransactionProxy;
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
 * Starts dynalite with every table, fronts it with the transaction proxy (dynalite 4 has no TransactWriteItems),
 * points the Lambda env (`DYNAMODB_ENDPOINT`, `*_TABLE`) at the proxy and seeds the demo tenants.
 */
export async function startAdminDb(prefix = 'admin'): Promise<AdminDb> {
  const db = await startDynalite(prefix);
  const proxy = await startTransactionProxy(db.endpoint);
  useLocalDynamoEnv(db);
  process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
  const base = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  const repo = new AdminRepository({ client: () => client, tables: db.tables });
  for (const t of DEMO_TENANTS) await client.send(new PutCommand({ TableName: db.tables.tenants, Item: t }));
  return {
    db,
    proxy,
    client,
    repo,
    tables: db.tables,
    async stop() {
      base.destroy();
      await proxy.stop();
      await db.stop();
    },
  };
}
