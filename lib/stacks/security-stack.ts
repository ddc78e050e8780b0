import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { cursorSigningSecretName, HTTP_SETTINGS } from '../../lambdas/shared/http/settings';
import { SECURITY_EVENT_LOG_KEY } from '../../lambdas/shared/security/event';
import { type StageConfig, TABLES, type TableName } from '../config';
import { accessLogGroupName } from '../config/gateway';
import { SECURITY_METRICS } from '../config/metrics';
import {
  SECURITY_RULES,
  SECURITY_SCHEDULES,
  type SecurityTarget,
  type ThreatIntelConfig,
  threatIntelLocation,
} from '../config/security';
import { accessLogBucket, PRIVATE_BUCKET } from '../constructs/buckets';
import { deadLetterQueue } from '../constructs/dead-letter-queue';
import { SUBNETS } from '../constructs/network';
import { type SecurityLambdaName, ServiceFunction } from '../constructs/service-function';
import { buildSecurityDashboard } from '../security/dashboard';
import { repositoryThreatList } from '../security/threat-intel';
import type { AnalyticsStack } from './analytics-stack';
import type { ApiStack } from './api-stack';
import { type DataStack, statefulRemovalPolicy } from './data-stack';

/** Props of {@link SecurityStack}. */
export interface SecurityStackProps extends StackProps {
  /** Validated stage config (its `security` section drives retention, GuardDuty and thresholds). */
  readonly config: StageConfig;
  /** Tables (security, audit; the clamp's tenants/limits), VPC and cache. */
  readonly data: DataStack;
  /** WAF IP sets, Lambda log groups, feature flags, cursor key. */
  readonly api: ApiStack;
  /** The access-log bucket whose object-level events the trail records. */
  readonly analytics: AnalyticsStack;
  /**
   * Handler entries of the security Lambdas (tests).
   * @default `lambdas/<name>/handler.ts`
   */
  readonly entries?: Partial<Record<SecurityLambdaName, string>>;
}

/** Name of a stage's security log group (the security-events Lambda logs every security event there). */
export function securityLogGroupName(stage: string): string {
  return `/marketedge/${stage}/security`;
}

const entryOf = (name: SecurityLambdaName) =>
  fileURLToPath(new URL(`../../lambdas/${name}/handler.ts`, import.meta.url));

/**
 * `MarketEdge-<stage>-Security` (docs/security-runbooks.md):
 * - compliance trail: CloudTrail (multi-region, management events, data events of the audit table and the log
 *   buckets), log-file validation, KMS, S3 with the stage retention and, in prod, Object Lock (governance);
 * - detection: a GuardDuty detector (or the organization's, by id) with a threat-intel set loaded from S3 — the
 *   stage's `threatIntel` names the object (an external bucket, or the stack's own bucket holding the repository
 *   list, validated at synth); the WAF's managed IP-reputation and anonymous-IP lists live in the Api stack's web ACL;
 * - the security-events Lambda (access log, authorizer and responder security events by subscription; hourly
 *   anomaly evaluation), logging to the security log group (stage `securityLogRetentionDays`, KMS);
 * - the responder Lambda (the one writer of the WAF IP sets: reserved concurrency 1, DLQ with an alarm; an expiry
 *   sweep every minute);
 * - EventBridge rules from `SECURITY_RULES` (GuardDuty bands, detections, responder actions, CloudTrail alerts) to
 *   the paging topic, the ticket topic and the responder;
 * - the security dashboard.
 */
export class SecurityStack extends Stack {
  readonly key: kms.Key;
  readonly trail: cloudtrail.Trail;
  readonly trailBucket: s3.Bucket;
  readonly topics: Record<Exclude<SecurityTarget, 'responder'>, sns.Topic>;
  readonly responder: ServiceFunction;
  readonly events: ServiceFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly detectorId: string;
  /** The threat-intel set (absent when the stage config names none: an organization detector's member account). */
  intelSet?: guardduty.CfnThreatIntelSet;

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, props);
    const { config, data, api, analytics } = props;
    const sec = config.security;
    const removalPolicy = statefulRemovalPolicy(config);
    const stage = config.name;

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/marketedge-${stage}-security`,
      description: `MarketEdge ${stage} security: CloudTrail, security log group, responder DLQ`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Service principals that write with this key: CloudWatch Logs (security log group), EventBridge (topics and
    // the DLQ it dead-letters to), CloudWatch alarms (topics), CloudTrail (log files, scoped to this account's trails).
    for (const service of [
      `logs.${this.region}.amazonaws.com`,
      'events.amazonaws.com',
      'cloudwatch.amazonaws.com',
    ]) {
      this.key.grantEncryptDecrypt(new iam.ServicePrincipal(service));
    }
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${this.partition}:cloudtrail:*:${this.account}:trail/*`,
          },
        },
      }),
    );

    // --- compliance trail -------------------------------------------------------------------------------------
    const serverLogs = accessLogBucket(this, 'TrailAccessLogs', {
      removalPolicy,
      expirationDays: sec.trailRetentionDays,
      logsOf: 'the trail bucket',
    });
    this.trailBucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      ...PRIVATE_BUCKET,
      versioned: true,
      serverAccessLogsBucket: serverLogs,
      serverAccessLogsPrefix: 'trail/',
      removalPolicy,
      lifecycleRules: [
        {
          expiration: Duration.days(sec.trailRetentionDays),
          noncurrentVersionExpiration: Duration.days(sec.trailRetentionDays),
        },
      ],
      ...(sec.objectLock
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention: s3.ObjectLockRetention.governance(
              Duration.days(sec.trailRetentionDays),
            ),
          }
        : {}),
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: `marketedge-${stage}`,
      bucket: this.trailBucket,
      encryptionKey: this.key,
      enableFileValidation: true,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    // Advanced selectors (basic selectors cannot name a DynamoDB table): management events, every object-level
    // event of the log buckets, and every item-level event of the audit table.
    const logBuckets = [analytics.accessLogs.bucketArn, serverLogs.bucketArn];
    (this.trail.node.defaultChild as cloudtrail.CfnTrail).advancedEventSelectors = [
      { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
      {
        name: 'Log bucket objects',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          { field: 'resources.ARN', startsWith: logBuckets.map((b) => `${b}/`) },
        ],
      },
      {
        name: 'Audit table items',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
          { field: 'resources.ARN', equalTo: [data.tables.audit.tableArn] },
        ],
      },
    ];

    // --- GuardDuty + threat intel ------------------------------------------------------------------------------
    if (sec.guardDuty.mode === 'create') {
      const detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
      });
      this.detectorId = detector.ref;
    } else {
      this.detectorId = sec.guardDuty.detectorId;
    }
    if (sec.threatIntel) this.threatIntel(sec.threatIntel, serverLogs, stage, removalPolicy);

    // --- topics ------------------------------------------------------------------------------------------------
    // The stack's key, not alias/aws/sns: EventBridge and CloudWatch alarms cannot publish to a topic encrypted with
    // the AWS-managed SNS key.
    const topic = (id: string, name: string, display: string) =>
      new sns.Topic(this, id, {
        topicName: `marketedge-${stage}-security-${name}`,
        displayName: `MarketEdge ${stage} security ${display}`,
        enforceSSL: true,
        masterKey: this.key,
      });
    this.topics = {
      page: topic('PageTopic', 'page', 'page (on-call)'),
      ticket: topic('TicketTopic', 'ticket', 'tickets'),
    };

    // --- Lambdas -------------------------------------------------------------------------------------------------
    const tableEnv = (names: TableName[]): Record<string, string> =>
      Object.fromEntries(names.map((n) => [TABLES[n].envVar, data.tables[n].tableName]));
    const redisEnv = { REDIS_URL: data.cache.redisUrl, REDIS_CLUSTER: 'true' };
    const flagEnv = { FEATURE_FLAGS: JSON.stringify(config.flagOverrides), ...api.flags.environment };
    const network = {
      vpc: data.vpc,
      securityGroup: data.lambdaSecurityGroup,
      subnetGroupName: SUBNETS.lambdas,
    };
    const securityLogs = {
      logGroupName: securityLogGroupName(stage),
      retentionDays: sec.securityLogRetentionDays,
      encryptionKey: this.key,
    };

    this.deadLetterQueue = deadLetterQueue(this, 'ResponderDlq', {
      queueName: `marketedge-${stage}-security-responder-dlq`,
      key: this.key,
    });
    const rulesDlq = deadLetterQueue(this, 'RulesDlq', {
      queueName: `marketedge-${stage}-security-rules-dlq`,
      key: this.key,
    });

    this.responder = new ServiceFunction(this, 'Responder', {
      config,
      name: 'security-responder',
      entry: props.entries?.['security-responder'] ?? entryOf('security-responder'),
      description: 'Security responder: the one writer of the WAF IP sets (blocks with expiry), tenant clamp',
      memorySize: 512,
      timeout: Duration.seconds(60),
      network,
      removalPolicy,
      asynchronous: true,
      logs: { ...securityLogs, logGroupName: `/aws/lambda/marketedge-${stage}-security-responder` },
      environment: {
        ...tableEnv(['security', 'tenants', 'limits', 'audit']),
        ...redisEnv,
        ...flagEnv,
        WAF_IPSET_V4_ARN: api.waf.blockList.attrArn,
        WAF_IPSET_V6_ARN: api.waf.blockListV6.attrArn,
        SECURITY_EVENT_BUS: 'default',
        [HTTP_SETTINGS.cursorSigningKeySecretName.env]: cursorSigningSecretName(stage),
      },
    });
    const responderFn = this.responder.fn;
    // One writer: WAF's lock token makes concurrent writers retry; one concurrent execution keeps it a queue.
    (responderFn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
    (responderFn.node.defaultChild as lambda.CfnFunction).deadLetterConfig = {
      targetArn: this.deadLetterQueue.queueArn,
    };
    this.deadLetterQueue.grantSendMessages(responderFn);
    responderFn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new lambdaDestinations.SqsDestination(this.deadLetterQueue),
    });
    responderFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'],
        resources: [api.waf.blockList.attrArn, api.waf.blockListV6.attrArn],
      }),
    );
    data.tables.security.grantReadWriteData(responderFn);
    // The clamp goes through the admin API's code path: the same table access as the admin Lambda.
    data.tables.tenants.grantReadWriteData(responderFn);
    data.tables.limits.grantReadWriteData(responderFn);
    data.tables.audit.grantReadData(responderFn);
    data.tables.audit.grant(responderFn, 'dynamodb:PutItem');
    api.cursorSigningKey.grantRead(responderFn);
    api.flags.grantRead(responderFn);
    events.EventBus.grantAllPutEvents(responderFn);

    this.events = new ServiceFunction(this, 'Events', {
      config,
      name: 'security-events',
      entry: props.entries?.['security-events'] ?? entryOf('security-events'),
      description: 'Security events: security log group, failed-auth windows, tenant anomalies',
      memorySize: 512,
      timeout: Duration.seconds(60),
      network,
      removalPolicy,
      asynchronous: true,
      logs: securityLogs,
      environment: { ...redisEnv, SECURITY_EVENT_BUS: 'default' },
    });
    const eventsFn = this.events.fn;
    const eventsDlq = deadLetterQueue(this, 'EventsDlq', {
      queueName: `marketedge-${stage}-security-events-dlq`,
      key: this.key,
    });
    const kmsReason =
      'kms:GenerateDataKey*/ReEncrypt* come from granting SendMessage on the KMS-encrypted dead-letter queue (scoped to the stack key).';
    for (const f of [this.responder, this.events]) {
      Validations.of(f.role).acknowledge(
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: kmsReason },
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: kmsReason },
      );
    }
    (eventsFn.node.defaultChild as lambda.CfnFunction).deadLetterConfig = {
      targetArn: eventsDlq.queueArn,
    };
    eventsDlq.grantSendMessages(eventsFn);
    events.EventBus.grantAllPutEvents(eventsFn);

    // Subscriptions: the access log (failed auth per IP, tenant hourly figures) and the security events other
    // Lambdas log (authorizer allow/401/403, admin refusals and changes, identity-header spoofs, responder actions).
    const destination = new destinations.LambdaDestination(eventsFn);
    const accessLog = logs.LogGroup.fromLogGroupName(this, 'AccessLog', accessLogGroupName(stage));
    new logs.SubscriptionFilter(this, 'AccessLogSubscription', {
      logGroup: accessLog,
      destination,
      filterPattern: logs.FilterPattern.allEvents(),
      filterName: `marketedge-${stage}-access-security`,
    });
    const securityLines = logs.FilterPattern.exists(`$.${SECURITY_EVENT_LOG_KEY}.type`);
    for (const [name, group] of [
      ['Authorizer', api.functions.authorizer.logGroup],
      ['Admin', api.functions.admin.logGroup],
      ['EdgeProxy', api.functions['edge-proxy'].logGroup],
      ['Responder', this.responder.logGroup],
    ] as const) {
      new logs.SubscriptionFilter(this, `${name}SecuritySubscription`, {
        logGroup: group,
        destination,
        filterPattern: securityLines,
        filterName: `marketedge-${stage}-${name.toLowerCase()}-security`,
      });
    }

    // --- EventBridge -------------------------------------------------------------------------------------------
    const responderTarget = new targets.LambdaFunction(responderFn, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 4,
      maxEventAge: Duration.hours(6),
    });
    for (const rule of SECURITY_RULES) {
      const { source, 'detail-type': detailType, detail, ...rest } = rule.pattern as Record<string, unknown>;
      if (Object.keys(rest).length > 0) throw new Error(`rule ${rule.id}: unsupported pattern keys`);
      new events.Rule(this, `Rule${rule.id}`, {
        ruleName: `marketedge-${stage}-${rule.id}`,
        description: rule.description,
        eventPattern: {
          ...(source ? { source: source as string[] } : {}),
          ...(detailType ? { detailType: detailType as string[] } : {}),
          ...(detail ? { detail: detail as Record<string, unknown> } : {}),
        },
        targets: rule.targets.map((t) =>
          t === 'responder'
            ? responderTarget
            : new targets.SnsTopic(this.topics[t], { deadLetterQueue: rulesDlq, retryAttempts: 8 }),
        ),
      });
    }
    const scheduleTarget = {
      responder: responderTarget,
      'security-events': new targets.LambdaFunction(eventsFn, {
        deadLetterQueue: rulesDlq,
        retryAttempts: 4,
      }),
    };
    for (const [name, s] of Object.entries(SECURITY_SCHEDULES)) {
      new events.Rule(this, `Schedule-${name}`, {
        ruleName: `marketedge-${stage}-${name}`,
        description: `Security schedule ${name} (${s.target})`,
        schedule: events.Schedule.expression(s.expression),
        targets: [scheduleTarget[s.target]],
      });
    }

    // --- alarms and dashboard ----------------------------------------------------------------------------------
    const page = new actions.SnsAction(this.topics.page);
    for (const [id, queue, what] of [
      ['ResponderDlqAlarm', this.deadLetterQueue, 'responder'],
      ['EventsDlqAlarm', eventsDlq, 'security-events'],
      ['RulesDlqAlarm', rulesDlq, 'rules'],
    ] as const) {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmName: `marketedge-${stage}-security-${what}-dlq`,
        alarmDescription: `Events the ${what} could not handle are in its dead-letter queue (docs/security-runbooks.md#dead-letter-queue)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(page);
      alarm.addOkAction(page);
    }
    const failedAuth = new cloudwatch.Alarm(this, 'FailedAuthAlarm', {
      alarmName: `marketedge-${stage}-security-failed-auth`,
      alarmDescription:
        'Failed authentications crossed the per-IP or per-tenant threshold (docs/security-runbooks.md#failed-authentication)',
      metric: new cloudwatch.MathExpression({
        expression: `SUM(SEARCH('{MarketEdge,service,stage,subject} MetricName="${SECURITY_METRICS.failedAuthThreshold}" stage="${stage}"', 'Sum', 60))`,
        label: 'detections',
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    failedAuth.addAlarmAction(page);
    failedAuth.addOkAction(page);

    buildSecurityDashboard(this, 'Dashboard', {
      stage,
      webAclName: api.waf.webAcl.name ?? `marketedge-${stage}-api`,
      accessLogGroupName: accessLogGroupName(stage),
      securityLogGroupName: securityLogGroupName(stage),
    });
  }

  /**
   * The detector's threat-intel set from S3: the configured object of an external bucket (read by GuardDuty's
   * service-linked role; `expectedBucketOwner` when set), or a bucket of this stack holding the repository list
   * (validated and normalised at synth, uploaded at deploy before the set is created).
   * @throws {ThreatIntelListError} when the repository list is invalid
   */
  private threatIntel(
    ti: ThreatIntelConfig,
    serverLogs: s3.IBucket,
    stage: string,
    removalPolicy: RemovalPolicy,
  ): void {
    let bucketName = ti.bucket;
    let upload: s3deploy.BucketDeployment | undefined;
    if (!bucketName) {
      const intelBucket = new s3.Bucket(this, 'ThreatIntel', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        ...PRIVATE_BUCKET,
        versioned: true,
        serverAccessLogsBucket: serverLogs,
        serverAccessLogsPrefix: 'threat-intel/',
        removalPolicy,
      });
      upload = new s3deploy.BucketDeployment(this, 'ThreatIntelList', {
        destinationBucket: intelBucket,
        sources: [s3deploy.Source.data(ti.key, repositoryThreatList())],
        prune: false,
        retainOnDelete: false,
        memoryLimit: 256,
      });
      this.acknowledgeBucketDeployment(
        upload,
        `<${this.getLogicalId(intelBucket.node.defaultChild as s3.CfnBucket)}.Arn>`,
      );
      bucketName = intelBucket.bucketName;
    }
    this.intelSet = new guardduty.CfnThreatIntelSet(this, 'ThreatIntelSet', {
      detectorId: this.detectorId,
      name: `marketedge-${stage}-threat-intel`,
      format: ti.format,
      location: threatIntelLocation(bucketName, ti.key),
      activate: true,
      ...(ti.expectedBucketOwner ? { expectedBucketOwner: ti.expectedBucketOwner } : {}),
    });
    if (upload) this.intelSet.node.addDependency(upload);
  }

  /** cdk-nag acknowledgements of the BucketDeployment's provider Lambda (an AWS CDK-maintained singleton). */
  private acknowledgeBucketDeployment(deployment: s3deploy.BucketDeployment, intelBucketArn: string): void {
    const reason =
      'CDK BucketDeployment provider (a CDK-maintained singleton that copies the threat-intel list at deploy time): its runtime, role and permissions are managed by aws-cdk-lib.';
    const granular = [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
        (a) => `AwsSolutions-IAM5[Action::${a}]`,
      ),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      `AwsSolutions-IAM5[Resource::${intelBucketArn}/*]`,
    ];
    for (const c of this.node.children) {
      if (!c.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      Validations.of(c).acknowledge(
        ...[
          ...granular,
          'AwsSolutions-L1',
          'Serverless-LambdaTracing',
          'Serverless-LambdaDLQ',
          'Serverless-LambdaDefaultMemorySize',
          'Serverless-LambdaLatestVersion',
          'Serverless-LambdaAsyncFailureDestination',
        ].map((id) => ({ id, reason })),
      );
    }
    Validations.of(deployment).acknowledge({ id: 'AwsSolutions-IAM5', reason });
  }
}
