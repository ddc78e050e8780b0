import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLES, type TableName } from '../lib/config/data-model';
import { SETTINGS } from '../lib/config/settings';
import { startTransactionProxy } from './dynamo-transactions';

/** An in-memory DynamoDB (dynalite) with the project's tables created. */
export interface LocalDynamo {
  /**
   * `http://127.0.0.1:<port>` — the value of `DYNAMODB_ENDPOINT` (the transaction proxy in front of dynalite when
   * started with `transactions: true`).
   */
  endpoint: string;
  client: DynamoDBClient;
  /** Physical table name per logical table (exported to `process.env` by {@link useLocalDynamoEnv}). */
  tables: Record<TableName, string>;
  /** With the transaction proxy: makes every call through {@link endpoint} fail (500) or work again. */
  setFailing?: (on: boolean) => void;
  /** Destroys the client and closes the server. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory (no `path`, nothing on disk) on a free 127.0.0.1 port and creates every table of
 * `lib/config/data-model.ts`. dynalite validates requests like DynamoDB (it does not implement TTL expiry).
 * @param prefix physical table name prefix (`<prefix>-<logical>`, default `test`)
 * @param opts `transactions: true` puts the transaction proxy (`dynamo-transactions.ts`: `TransactWriteItems` /
 *   `TransactGetItems`, which dynalite lacks) in front and returns its endpoint
 * @throws SDK errors when a table cannot be created
 */
export async function startDynalite(
  prefix = 'test',
  opts: { transactions?: boolean } = {},
): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const direct = `http://127.0.0.1:${port}`;
  const proxy = opts.transactions ? await startTransactionProxy(direct) : undefined;
  const endpoint = proxy?.endpoint ?? direct;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tables = await createTables(client, prefix);
  return {
    endpoint,
    client,
    tables,
    ...(proxy ? { setFailing: (on: boolean) => proxy.setFailing(on) } : {}),
    async stop() {
      client.destroy();
      await proxy?.stop();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Creates every table of the data model (`PAY_PER_REQUEST`, keys and TTL attribute from `TABLES`).
 * @param prefix physical names are `<prefix>-<logical>`
 * @returns physical name per logical table
 * @throws SDK errors (e.g. `ResourceInUseException` when a table already exists)
 */
export async function createTables(
  client: DynamoDBClient,
  prefix: string,
): Promise<Record<TableName, string>> {
  const names = {} as Record<TableName, string>;
  for (const [logical, spec] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
    const name = `${prefix}-${logical}`;
    const keys = [spec.partitionKey, ...('sortKey' in spec ? [spec.sortKey] : [])];
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
    if ('ttlAttribute' in spec) {
      await client
        .send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
          }),
        )
        .catch(() => undefined); // dynalite does not implement TTL; real DynamoDB does.
    }
    names[logical] = name;
  }
  return names;
}

/**
 * Points the Lambdas' configuration (`DYNAMODB_ENDPOINT`, `TENANTS_TABLE`, `LIMITS_TABLE`, …) at a
 * {@link LocalDynamo}.
 * @param env environment to write (default `process.env`)
 */
export function useLocalDynamoEnv(db: LocalDynamo, env: NodeJS.ProcessEnv = process.env): void {
  env[SETTINGS.dynamodbEndpoint.name] = db.endpoint;
  for (const [logical, name] of Object.entries(db.tables) as [TableName, string][]) {
    env[TABLES[logical].envVar] = name;
  }
}
