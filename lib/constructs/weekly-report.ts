import { ArnFormat, Duration, type RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUNDLED_QUERIES_DIR } from '../../lambdas/shared/analytics/query-sql';
import {
  EVENTS_TABLE,
  type StageConfig,
  WEEKLY_REPORT_LIMITS,
  WEEKLY_REPORT_PREFIX,
  WEEKLY_REPORT_SCHEDULE,
  weeklyReportNames,
} from '../config';
import { SETTINGS } from '../config/settings';
import { dataBucketProps } from './buckets';
import { deadLetterQueue } from './dead-letter-queue';
import { notificationTopic } from './notification-topic';
import { ServiceFunction } from './service-function';

/** Props of {@link WeeklyReport}. */
export interface WeeklyReportProps {
  /** Validated stage config (`analytics.weeklyReport`: recipients, retention; log level and retention). */
  readonly config: StageConfig;
  /** Absolute path of the handler module (`lambdas/analytics-report/handler.ts`; tests pass a stub). */
  readonly entry: string;
  /** Athena workgroup the queries run in (enforces its result location in `resultsBucket`). */
  readonly workGroupName: string;
  /** Glue database holding {@link EVENTS_TABLE}. */
  readonly databaseName: string;
  /** Bucket of the stored events (read by Athena with the Lambda's credentials). */
  readonly eventsBucket: s3.IBucket;
  /** The workgroup's results bucket; Athena writes the query results under `athena/`. */
  readonly resultsBucket: s3.IBucket;
  /** The analytics key: events, query results and the reports are encrypted with it. */
  readonly key: kms.IKey;
  /** Bucket receiving S3 server access logs. */
  readonly accessLogs: s3.IBucket;
  /** Removal policy of the reports bucket and the log group. */
  readonly removalPolicy: RemovalPolicy;
}

/** Prefix of the workgroup's enforced result location in its results bucket (`AnalyticsQueries`). */
const ATHENA_RESULTS_PREFIX = 'athena/';

/**
 * The scheduled weekly analytics report of a stage (docs/analytics.md, "Weekly report"): an EventBridge Scheduler
 * schedule ({@link WEEKLY_REPORT_SCHEDULE}: cron and time zone, retry policy, dead-letter queue) invokes the report
 * Lambda `marketedge-<stage>-analytics-report` asynchronously with `{ "time": <scheduled time> }`; the Lambda runs the
 * standard queries in the stage's Athena workgroup, writes the HTML and the CSV to the reports bucket under
 * {@link WEEKLY_REPORT_PREFIX} and publishes the links on the SNS topic, which the stage's
 * `analytics.weeklyReport.recipients` are subscribed to. A run that still fails after Lambda's retries, an invocation
 * Scheduler gave up on and an undeliverable notification all land in one dead-letter queue, whose depth is the alarm
 * `WeeklyReportFailed` (`lib/config/alarms.ts`, Monitoring stack).
 *
 * The Lambda's permissions are its own policy: run queries in this workgroup only, read the Glue database and the
 * events table, read the events bucket, write query results under the workgroup's result prefix, write reports under
 * the report prefix, use the analytics key, publish to the topic, send to the dead-letter queue (its on-failure
 * destination).
 */
export class WeeklyReport extends Construct {
  readonly fn: ServiceFunction;
  readonly bucket: s3.Bucket;
  readonly topic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: WeeklyReportProps) {
    super(scope, id);
    const { config, key } = props;
    const names = weeklyReportNames(config.name);

    this.bucket = new s3.Bucket(
      this,
      'Reports',
      dataBucketProps({
        key,
        accessLogs: props.accessLogs,
        accessLogsPrefix: 'analytics-reports/',
        removalPolicy: props.removalPolicy,
        lifecycleRules: [
          {
            id: 'weekly-report-retention',
            prefix: WEEKLY_REPORT_PREFIX,
            expiration: Duration.days(config.analytics.weeklyReport.retentionDays),
          },
        ],
      }),
    );

    this.deadLetterQueue = deadLetterQueue(this, 'Dlq', {
      queueName: names.deadLetterQueue,
      reason:
        'This queue IS the dead-letter queue of the weekly report (schedule target, asynchronous invocations, topic subscriptions), alarmed by WeeklyReportFailed.',
    });

    this.topic = notificationTopic(this, 'Topic', {
      topicName: names.topic,
      displayName: `MarketEdge ${config.name} weekly analytics`,
      recipients: config.analytics.weeklyReport.recipients,
      deadLetterQueue: this.deadLetterQueue,
    });

    this.fn = new ServiceFunction(this, 'Fn', {
      config,
      name: 'analytics-report',
      entry: props.entry,
      description: 'Weekly analytics report: Athena queries, HTML + CSV to S3, SNS notification',
      memorySize: 512,
      timeout: Duration.seconds(WEEKLY_REPORT_LIMITS.timeoutSec),
      removalPolicy: props.removalPolicy,
      asynchronous: true,
      // The standard queries' SQL files beside the bundle (the one home of the SQL).
      assets: [{ from: 'analytics/queries/*.sql', to: BUNDLED_QUERIES_DIR }],
      environment: {
        [SETTINGS.analyticsWorkgroup.name]: props.workGroupName,
        [SETTINGS.analyticsDatabase.name]: props.databaseName,
        [SETTINGS.analyticsReportBucket.name]: this.bucket.bucketName,
        [SETTINGS.analyticsReportTopicArn.name]: this.topic.topicArn,
      },
    });
    const fn = this.fn.fn;
    // A run that failed after its retries goes to the dead-letter queue as an on-failure destination record (the
    // payload, the error type and message), one message per run.
    fn.configureAsyncInvoke({
      retryAttempts: WEEKLY_REPORT_SCHEDULE.lambdaRetryAttempts,
      maxEventAge: Duration.hours(6),
      onFailure: new lambdaDestinations.SqsDestination(this.deadLetterQueue),
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to the on-failure destination (the same dead-letter queue), which carries the error; a DeadLetterConfig as well would send each failure twice.',
    });
    this.grantRun(props);

    // Scheduler's role: invoke this function only, send to the dead-letter queue (LambdaInvoke adds both).
    const stack = Stack.of(this);
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: `MarketEdge ${config.name}: EventBridge Scheduler invokes the weekly analytics report`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        "lambda:InvokeFunction on this function's versions and aliases, as CDK's LambdaInvoke target grants it; no other function.",
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: names.schedule,
      description: `MarketEdge ${config.name}: weekly analytics report of the last complete ISO week (docs/analytics.md)`,
      schedule: scheduler.ScheduleExpression.expression(
        WEEKLY_REPORT_SCHEDULE.cron,
        TimeZone.of(WEEKLY_REPORT_SCHEDULE.timezone),
      ),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.LambdaInvoke(fn, {
        role: schedulerRole,
        // A retry of one run reports the same week (the scheduled time, not the invocation time).
        input: scheduler.ScheduleTargetInput.fromObject({ time: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: WEEKLY_REPORT_SCHEDULE.retryAttempts,
        maxEventAge: Duration.seconds(WEEKLY_REPORT_SCHEDULE.maxEventAgeSec),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }

  /** The Lambda's own permissions, each scoped to this stage's resources (see the class comment). */
  private grantRun(props: WeeklyReportProps): void {
    const stack = Stack.of(this);
    const role = this.fn.role;
    const statements = [
      new iam.PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workGroupName }),
        ],
      }),
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${props.databaseName}/${EVENTS_TABLE}`,
          }),
        ],
      }),
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
        resources: [props.eventsBucket.bucketArn, props.eventsBucket.arnForObjects('*')],
      }),
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [props.resultsBucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [props.resultsBucket.bucketArn],
      }),
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${WEEKLY_REPORT_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [props.key.keyArn],
      }),
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    ];
    for (const st of statements) role.addToPrincipalPolicy(st);
    const reason =
      "Objects only: the events under this stage's events bucket, Athena results under the workgroup's result prefix, reports under the report prefix; the one events table of this stage's database.";
    const arnOf = (b: s3.IBucket) => `<${stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)}.Arn>`;
    Validations.of(role).acknowledge(
      ...[
        `${arnOf(props.eventsBucket)}/*`,
        `${arnOf(props.resultsBucket)}/${ATHENA_RESULTS_PREFIX}*`,
        `${arnOf(this.bucket)}/${WEEKLY_REPORT_PREFIX}*`,
      ].map((r) => ({ id: `AwsSolutions-IAM5[Resource::${r}]`, reason })),
    );
  }
}
