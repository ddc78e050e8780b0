import { Duration, type RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  analyticsDatabaseName,
  type ColumnType,
  ERRORS_PREFIX,
  EVENT_COLUMNS,
  EVENTS_PREFIX,
  EVENTS_TABLE,
  PARTITION_KEYS,
  type StageConfig,
} from '../config';
import { dataBucketProps } from './buckets';

/** First day partition projection enumerates (`projection.dt.range` starts here). */
export const ANALYTICS_EPOCH_DAY = '2026-01-01';

/** Props of {@link AnalyticsPipeline}. */
export interface AnalyticsPipelineProps {
  /** Validated stage config (retention, buffering from `analytics`). */
  readonly config: StageConfig;
  /** Key for the bucket, the stream and the Glue catalog data. */
  readonly key: kms.IKey;
  /** Bucket receiving S3 server access logs. */
  readonly accessLogs: s3.IBucket;
  /** Removal policy of the events bucket. */
  readonly removalPolicy: RemovalPolicy;
}

const GLUE_TYPES: Record<ColumnType, string> = { string: 'string', int: 'int', timestamp: 'timestamp' };

/**
 * The write side of product analytics: an S3 bucket (KMS, TLS only, access-logged, lifecycle by stage retention:
 * `events/` after `rawRetentionDays`, `errors/` after `errorRetentionDays`), the Glue database and `events_all`
 * table generated from `EVENT_COLUMNS` (Parquet, partition projection: `tenant_id` injected, `dt` a date range) and a
 * Firehose delivery stream into it. The stream takes CloudWatch Logs subscription records (gzip), extracts each log
 * message, reads `tenant_id` and `dt` with JQ for dynamic partitioning (enabled at creation: it cannot be added
 * later), converts JSON to Parquet with the Glue table's schema and writes `events/tenant_id=<t>/dt=<d>/`; failures go
 * to `errors/<error-type>/yyyy/MM/dd/`. Buffering comes from the stage config.
 */
export class AnalyticsPipeline extends Construct {
  readonly bucket: s3.Bucket;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly stream: firehose.DeliveryStream;
  /** Glue database name. */
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: AnalyticsPipelineProps) {
    super(scope, id);
    const { config, key } = props;
    const a = config.analytics;
    const stack = Stack.of(this);
    this.bucket = new s3.Bucket(
      this,
      'Events',
      dataBucketProps({
        key,
        accessLogs: props.accessLogs,
        accessLogsPrefix: 'analytics-events/',
        removalPolicy: props.removalPolicy,
        lifecycleRules: [
          {
            id: 'raw-events-retention',
            prefix: EVENTS_PREFIX,
            expiration: Duration.days(a.rawRetentionDays),
          },
          {
            id: 'error-records-retention',
            prefix: ERRORS_PREFIX,
            expiration: Duration.days(a.errorRetentionDays),
          },
          { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ],
      }),
    );

    this.databaseName = analyticsDatabaseName(config.name);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: `MarketEdge ${config.name} product analytics (docs/analytics.md)`,
      },
    });
    const location = `s3://${this.bucket.bucketName}/${EVENTS_PREFIX}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: EVENTS_TABLE,
        description: 'Product events, one row per event (schema: lib/config/analytics.ts)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'parquet.compression': 'SNAPPY',
          'projection.enabled': 'true',
          'projection.tenant_id.type': 'injected',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${ANALYTICS_EPOCH_DAY},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}tenant_id=\${tenant_id}/dt=\${dt}/`,
        },
        partitionKeys: PARTITION_KEYS.map((k) => ({
          name: k.name,
          type: GLUE_TYPES[k.type],
          comment: k.comment,
        })),
        storageDescriptor: {
          location,
          columns: EVENT_COLUMNS.map((c) => ({ name: c.name, type: GLUE_TYPES[c.type], comment: c.comment })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          compressed: false,
          storedAsSubDirectories: false,
        },
      },
    });
    this.table.addResourceDependency(this.database);

    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: `MarketEdge ${config.name} analytics delivery stream`,
    });
    const tableArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${this.databaseName}/${EVENTS_TABLE}`,
    });
    const dbArn = stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName });
    const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [catalogArn, dbArn, tableArn],
      }),
    );
    this.stream = new firehose.DeliveryStream(this, 'Stream', {
      deliveryStreamName: `marketedge-${config.name}-analytics`,
      encryption: firehose.StreamEncryption.customerManagedKey(key),
      destination: new firehose.S3Bucket(this.bucket, {
        role,
        encryptionKey: key,
        bufferingInterval: Duration.seconds(a.bufferingIntervalSec),
        bufferingSize: Size.mebibytes(a.bufferingSizeMiB),
        dataOutputPrefix: `${EVENTS_PREFIX}tenant_id=!{partitionKeyFromQuery:tenant_id}/dt=!{partitionKeyFromQuery:dt}/`,
        errorOutputPrefix: `${ERRORS_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
        dynamicPartitioning: { enabled: true, retryDuration: Duration.seconds(300) },
        processors: [
          new firehose.DecompressionProcessor(),
          new firehose.CloudWatchLogProcessor({ dataMessageExtraction: true }),
          firehose.MetadataExtractionProcessor.jq16({ tenant_id: '.tenant_id', dt: '.dt' }),
        ],
        dataFormatConversion: {
          schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(this.table),
          inputFormat: firehose.InputFormat.OPENX_JSON,
          outputFormat: new firehose.ParquetOutputFormat({ compression: firehose.ParquetCompression.SNAPPY }),
        },
      }),
    });
    const s3Reason =
      'Firehose S3 delivery (CDK grant): object-level actions on this analytics bucket only (bucket/*), multipart abort and listing for retries.';
    const kmsReason =
      'KMS data-key generation and re-encryption on the analytics key only (CDK grant for SSE-KMS).';
    Validations.of(this).acknowledge(
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => ({
        id: `AwsSolutions-IAM5[Action::${a}]`,
        reason: s3Reason,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        reason: s3Reason,
      },
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: kmsReason },
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: kmsReason },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'glue:GetSchemaVersion (added by CDK for record-format conversion) has no resource-level scoping; Glue table reads are scoped to the events table.',
      },
    );
  }
}
