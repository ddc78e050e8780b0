import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, type StageConfig, TABLES, type TableName } from '../config';

const attributeType = (k: KeyAttribute): dynamodb.AttributeType =>
  k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;

/**
 * Physical name of a table in a stage: `marketedge-<stage>-<table>` (predictable for ops scripts and seeding).
 * @param stage stage name
 * @param table logical table name from `TABLES`
 */
export function physicalTableName(stage: string, table: TableName): string {
  return `marketedge-${stage}-${table}`;
}

/**
 * The DynamoDB tables of the data model (`lib/config/data-model.ts` `TABLES`), one per entry: on-demand,
 * AWS-managed KMS encryption, TTL where the model names an attribute, and from the stage config: point-in-time
 * recovery (`pointInTimeRecovery`), deletion protection (`deletionProtection`) and the removal policy.
 */
export class DataTables extends Construct {
  readonly tables: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string, config: StageConfig, removalPolicy: RemovalPolicy) {
    super(scope, id);
    const entries = (Object.keys(TABLES) as TableName[]).map((name) => {
      const spec = TABLES[name];
      const sortKey = 'sortKey' in spec ? spec.sortKey : undefined;
      const ttlAttribute = 'ttlAttribute' in spec ? spec.ttlAttribute : undefined;
      const table = new dynamodb.Table(this, spec.id, {
        tableName: physicalTableName(config.name, name),
        partitionKey: { name: spec.partitionKey.name, type: attributeType(spec.partitionKey) },
        ...(sortKey ? { sortKey: { name: sortKey.name, type: attributeType(sortKey) } } : {}),
        ...(ttlAttribute ? { timeToLiveAttribute: ttlAttribute } : {}),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: config.pointInTimeRecovery },
        deletionProtection: config.deletionProtection,
        removalPolicy,
      });
      return [name, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableName, dynamodb.Table>;
  }
}
