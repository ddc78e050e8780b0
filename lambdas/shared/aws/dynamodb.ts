import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES, type TableName } from '../../../lib/config/data-model';
import { SETTINGS, settingOrDefault } from '../../../lib/config/settings';
import { timeSdkClient } from '../apm/dependency-latency';

let client: DynamoDBDocumentClient | undefined;

/**
 * The process-wide DynamoDB document client (created once, outside handlers, reused across invocations).
 * `DYNAMODB_ENDPOINT` points it at dynalite locally; in AWS it is unset and the regional endpoint is used.
 */
export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    const endpoint = settingOrDefault(process.env, SETTINGS.dynamodbEndpoint);
    const base = new DynamoDBClient({
      ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      region: settingOrDefault(process.env, SETTINGS.awsRegion),
      maxAttempts: 3,
    });
    // APM: every call's latency as DynamoDbLatency (dimension operation), published after each request.
    timeSdkClient(base, 'dynamodb');
    client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  }
  return client;
}

/** Replaces the shared client (tests). */
export function setDocumentClient(c: DynamoDBDocumentClient | undefined): void {
  client = c;
}

/**
 * Physical name of a table, from its environment variable (see `lib/config/data-model.ts`).
 * @throws {Error} when the variable is unset (a deployment error, not a client error)
 */
export function tableName(table: TableName): string {
  const envVar = TABLES[table].envVar;
  const name = process.env[envVar];
  if (!name) throw new Error(`${envVar} is not set`);
  return name;
}
