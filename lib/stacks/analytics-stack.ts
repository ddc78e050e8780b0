import { ArnFormat, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { LOG_MARKER } from '../../lambdas/shared/analytics/log-sink';
import {
  ANALYTICS_ENV,
  ANALYTICS_METRICS,
  analyticsSecretName,
  METRICS_NAMESPACE,
  type StageConfig,
} from '../config';
import { SETTINGS } from '../config/settings';
import { AnalyticsPipeline } from '../constructs/analytics-pipeline';
import { AnalyticsQueries } from '../constructs/analytics-queries';
import { accessLogBucket } from '../constructs/buckets';
import type { AnalyticsLambdaName, LambdaName } from '../constructs/service-function';
import { WeeklyReport } from '../constructs/weekly-report';
import { type ApiStack, defaultLambdaEntry } from './api-stack';
import { statefulRemovalPolicy } from './data-stack';

/**
 * Lambdas that emit analytics records: the reports service (report events, `POST /v1/events`) and every Lambda that
 * runs the rate-limit step (`limit_hit` on a 429). Their log groups are subscribed to the delivery stream, and they
 * get the hashing secret's name and read access to it.
 */
export const ANALYTICS_EMITTERS: readonly LambdaName[] = ['reports', 'admin', 'edge-proxy'];

/** Props of {@link AnalyticsStack}. */
export interface AnalyticsStackProps extends StackProps {
  /** Validated stage config. */
  readonly config: StageConfig;
  /** The stage's API stack: the log groups of {@link ANALYTICS_EMITTERS} are subscribed. */
  readonly api: ApiStack;
  /**
   * Handler entries of the Analytics stack's Lambdas (tests).
   * @default `lambdas/<name>/handler.ts`
   */
  readonly entries?: Partial<Record<AnalyticsLambdaName, string>>;
}

/**
 * `MarketEdge-<stage>-Analytics`: the product-analytics pipeline of a stage (docs/analytics.md). The Lambdas write
 * hashed event records as marked log lines (no network call on the request path); a subscription filter per emitting
 * Lambda (`{ $.analytics_record = 1 }`) feeds the Firehose stream of {@link AnalyticsPipeline}, which writes Parquet
 * partitioned by tenant and day to S3; {@link AnalyticsQueries} exposes it in Athena. Also: the per-stage hashing
 * secret (Secrets Manager, generated; the emitting Lambdas get its name and read access, per stage), a customer managed KMS key with rotation, an
 * access-log bucket, a dashboard of events per minute by vertical and event type (EMF metric
 * `AnalyticsEvents`), and the scheduled weekly report ({@link WeeklyReport}). Deployed in every stage: collection itself is switched at run time by
 * `business_analytics_enabled`.
 */
export class AnalyticsStack extends Stack {
  readonly key: kms.Key;
  readonly pipeline: AnalyticsPipeline;
  readonly queries: AnalyticsQueries;
  readonly secret: secretsmanager.Secret;
  /** Server access-log bucket of the analytics buckets (the Security stack's trail records its object events). */
  readonly accessLogs: s3.Bucket;
  /** The scheduled weekly report: schedule, Lambda, reports bucket, topic, dead-letter queue. */
  readonly weeklyReport: WeeklyReport;

  constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);
    const { config, api } = props;
    const removalPolicy = statefulRemovalPolicy(config);
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/marketedge-${config.name}-analytics`,
      description: `MarketEdge ${config.name} analytics data (S3, Firehose, Athena results)`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const accessLogs = accessLogBucket(this, 'AccessLogs', {
      removalPolicy,
      expirationDays: config.analytics.resultsRetentionDays + 90,
      logsOf: 'the analytics buckets',
    });
    this.accessLogs = accessLogs;
    this.pipeline = new AnalyticsPipeline(this, 'Pipeline', {
      config,
      key: this.key,
      accessLogs,
      removalPolicy,
    });
    this.queries = new AnalyticsQueries(this, 'Queries', {
      config,
      databaseName: this.pipeline.databaseName,
      key: this.key,
      accessLogs,
      removalPolicy,
    });
    this.queries.node.addDependency(this.pipeline.table);
    this.weeklyReport = new WeeklyReport(this, 'WeeklyReport', {
      config,
      entry: props.entries?.['analytics-report'] ?? defaultLambdaEntry('analytics-report'),
      workGroupName: this.queries.workGroup.name,
      databaseName: this.pipeline.databaseName,
      eventsBucket: this.pipeline.bucket,
      resultsBucket: this.queries.resultsBucket,
      key: this.key,
      accessLogs,
      removalPolicy,
    });
    // The workgroup is referenced by name (a plain string): the Lambda's first run must find it.
    this.weeklyReport.node.addDependency(this.queries.workGroup);

    this.secret = new secretsmanager.Secret(this, 'HashSecret', {
      secretName: analyticsSecretName(config.name),
      description: `MarketEdge ${config.name}: HMAC key that pseudonymises user ids in analytics events`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the hashing key would split every user into two pseudonyms mid-retention; it is rotated deliberately (docs/analytics.md), not on a schedule.',
    });

    // The emitters read the secret by name (`ANALYTICS_HASH_SECRET_NAME`, a plain string in the Api stack's template,
    // so no cross-stack reference), once per container. The read permission is a policy of THIS stack attached to
    // their roles: granting from the Api stack would make it depend on this one, which already depends on it.
    const emitterRoles: iam.IRole[] = [];
    for (const name of ANALYTICS_EMITTERS) {
      const fn = api.functions[name].fn;
      fn.addEnvironment(ANALYTICS_ENV.secretName, analyticsSecretName(config.name));
      if (fn.role) emitterRoles.push(fn.role);
    }
    new iam.Policy(this, 'EmittersReadHashSecret', {
      policyName: `marketedge-${config.name}-analytics-hash-secret-read`,
      roles: emitterRoles,
      statements: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [this.secret.secretArn],
        }),
      ],
    });

    this.grantAnalyticsReads(api.functions.admin.fn, config);

    const destination = new destinations.FirehoseDestination(this.pipeline.stream);
    for (const name of ANALYTICS_EMITTERS) {
      new logs.SubscriptionFilter(this, `Emitter-${name}`, {
        logGroup: api.functions[name].logGroup,
        destination,
        filterPattern: logs.FilterPattern.numberValue(`$.${LOG_MARKER}`, '=', 1),
        filterName: `marketedge-${config.name}-${name}-analytics`,
      });
    }

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `marketedge-${config.name}-analytics`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Events per minute by vertical and event type',
            width: 24,
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},service,stage,vertical,event} MetricName="${ANALYTICS_METRICS.events}" stage="${config.name}"', 'Sum', 60)`,
                label: '',
                period: Duration.minutes(1),
              }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title:
              'Events not stored per minute by reason (duplicate, invalid, platform operator, opt-out, do-not-track); emit errors',
            width: 24,
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},service,stage,reason} MetricName="${ANALYTICS_METRICS.notStored}" stage="${config.name}"', 'Sum', 60)`,
                label: '',
                period: Duration.minutes(1),
              }),
            ],
            right: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},service,stage} MetricName="${ANALYTICS_METRICS.emitErrors}" stage="${config.name}"', 'Sum', 60)`,
                label: '',
                period: Duration.minutes(1),
              }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Delivery stream: incoming records and S3 delivery success',
            width: 24,
            left: [
              this.pipeline.stream.metricIncomingRecords({ period: Duration.minutes(1), statistic: 'Sum' }),
            ],
            right: [
              this.pipeline.stream.metric('DeliveryToS3.Success', {
                period: Duration.minutes(5),
                statistic: 'Average',
              }),
            ],
          }),
        ],
      ],
    });
  }

  /**
   * The admin API's analytics reads (`GET /admin/analytics/…`, `lambdas/admin/analytics-athena.ts`): workgroup and
   * database names as plain strings (no cross-stack reference, as for the secret), and a policy of THIS stack on the
   * admin role: run queries in the workgroup, read the Glue table, read the events, read/write the results bucket
   * (query results, `UNLOAD` exports, presigned downloads), use the key.
   */
  private grantAnalyticsReads(fn: lambda.Function, config: StageConfig): void {
    fn.addEnvironment(SETTINGS.analyticsWorkgroup.name, this.queries.workGroup.name);
    fn.addEnvironment(SETTINGS.analyticsDatabase.name, this.pipeline.databaseName);
    if (!fn.role) return;
    const stack = Stack.of(this);
    const policy = new iam.Policy(this, 'AdminAnalyticsReads', {
      policyName: `marketedge-${config.name}-analytics-admin-reads`,
      roles: [fn.role],
      statements: [
        new iam.PolicyStatement({
          actions: [
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetWorkGroup',
          ],
          resources: [
            stack.formatArn({
              service: 'athena',
              resource: 'workgroup',
              resourceName: this.queries.workGroup.name,
            }),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
          resources: [
            stack.formatArn({ service: 'glue', resource: 'catalog', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
            stack.formatArn({
              service: 'glue',
              resource: 'database',
              resourceName: this.pipeline.databaseName,
            }),
            stack.formatArn({
              service: 'glue',
              resource: 'table',
              resourceName: `${this.pipeline.databaseName}/*`,
            }),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
          resources: [this.pipeline.bucket.bucketArn, this.pipeline.bucket.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          actions: [
            's3:GetObject',
            's3:PutObject',
            's3:ListBucket',
            's3:GetBucketLocation',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
          ],
          resources: [this.queries.resultsBucket.bucketArn, this.queries.resultsBucket.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [this.key.keyArn],
        }),
      ],
    });
    const reason =
      "Athena reads and writes objects under this stage's analytics buckets (bucket/*) and the tables of its one analytics database (database/*).";
    const bucketArn = (b: s3.Bucket) => `<${stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)}.Arn>/*`;
    Validations.of(policy).acknowledge(
      ...[
        bucketArn(this.pipeline.bucket),
        bucketArn(this.queries.resultsBucket),
        `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${this.pipeline.databaseName}/*`,
      ].map((r) => ({ id: `AwsSolutions-IAM5[Resource::${r}]`, reason })),
    );
  }
}
