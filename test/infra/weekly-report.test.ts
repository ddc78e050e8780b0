import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_QUERIES_DIR } from '../../lambdas/shared/analytics/query-sql';
import {
  ANALYTICS_QUERY_NAMES,
  analyticsDatabaseName,
  EVENTS_TABLE,
  getStageConfig,
  STAGE_NAMES,
  WEEKLY_REPORT_LIMITS,
  WEEKLY_REPORT_PREFIX,
  WEEKLY_REPORT_SCHEDULE,
  weeklyReportNames,
} from '../../lib/config';
import { alarmName, LAMBDA_DURATION_ALARM_PREFIX, RUNBOOK_PATH } from '../../lib/config/alarms';
import { LAMBDA_BUNDLE_BUDGET_KIB } from '../../lib/config/budgets';
import { SETTINGS } from '../../lib/config/settings';
import { synthesized } from './support/synth';
import { type CfnResource, flatten, policyStatements, refId, resourcesOf } from './support/template';

type Json = Record<string, unknown>;

/** The one resource of `type` whose logical id starts with `prefix` (throws when there is not exactly one). */
function one(resources: Record<string, CfnResource>, prefix: string): [string, CfnResource] {
  const hits = Object.entries(resources).filter(([id]) => id.startsWith(prefix));
  if (hits.length !== 1) throw new Error(`${prefix}: ${hits.length} resources`);
  return hits[0] as [string, CfnResource];
}

describe.each(STAGE_NAMES)('weekly analytics report — %s', (stage) => {
  const s = synthesized();
  const t = () => s.template(stage, 'Analytics');
  const config = getStageConfig(stage);
  const names = weeklyReportNames(stage);
  const fnName = `marketedge-${stage}-analytics-report`;

  const fn = () => {
    const hit = Object.entries(resourcesOf(t(), 'AWS::Lambda::Function')).find(
      ([, f]) => f.Properties?.FunctionName === fnName,
    );
    if (!hit) throw new Error(`${fnName} not in the Analytics stack`);
    return { id: hit[0], p: hit[1].Properties ?? {} };
  };
  const queue = () => {
    const hits = Object.entries(resourcesOf(t(), 'AWS::SQS::Queue')).filter(
      ([, q]) => q.Properties?.QueueName === names.deadLetterQueue,
    );
    expect(hits).toHaveLength(1);
    return hits[0]?.[0] as string;
  };
  const reportsBucket = () => one(resourcesOf(t(), 'AWS::S3::Bucket'), 'WeeklyReportReports');
  const topic = () => {
    const hits = Object.entries(resourcesOf(t(), 'AWS::SNS::Topic')).filter(
      ([, x]) => x.Properties?.TopicName === names.topic,
    );
    expect(hits).toHaveLength(1);
    return hits[0] as [string, CfnResource];
  };

  it('schedule: the cron and time zone of WEEKLY_REPORT_SCHEDULE, no flexible window, the report Lambda with the scheduled time, retry policy and dead-letter queue', () => {
    const schedules = Object.values(resourcesOf(t(), 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    const p = schedules[0]?.Properties ?? {};
    expect(p.Name).toBe(names.schedule);
    expect(p.State).toBe('ENABLED');
    expect(p.ScheduleExpression).toBe(WEEKLY_REPORT_SCHEDULE.cron);
    // Monday morning: the report covers the last complete ISO week, which ends on Sunday 24:00 UTC.
    expect(WEEKLY_REPORT_SCHEDULE.cron).toMatch(/^cron\(\d{1,2} \d{1,2} \? \* MON \*\)$/);
    expect(p.ScheduleExpressionTimezone).toBe(WEEKLY_REPORT_SCHEDULE.timezone);
    expect(p.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    const target = p.Target as Json;
    expect(refId(target.Arn)).toBe(fn().id);
    expect(JSON.parse(String(target.Input))).toEqual({ time: '<aws.scheduler.scheduled-time>' });
    expect(target.RetryPolicy).toEqual({
      MaximumRetryAttempts: WEEKLY_REPORT_SCHEDULE.retryAttempts,
      MaximumEventAgeInSeconds: WEEKLY_REPORT_SCHEDULE.maxEventAgeSec,
    });
    expect(refId((target.DeadLetterConfig as Json).Arn)).toBe(queue());

    // Scheduler's role: assumed by Scheduler for this account's default group only; invoke this Lambda, send to the DLQ.
    const roleId = refId(target.RoleArn) as string;
    const role = resourcesOf(t(), 'AWS::IAM::Role')[roleId]?.Properties ?? {};
    const trust = flatten(role.AssumeRolePolicyDocument);
    expect(trust).toContain('scheduler.amazonaws.com');
    expect(trust).toContain('aws:SourceAccount');
    expect(trust).toMatch(/schedule-group\/default/);
    const statements = policyStatements(t()).filter((st) => st.roles.includes(roleId));
    expect(statements.map((st) => st.Action.join(',')).sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:SendMessage',
    ]);
    for (const st of statements) {
      for (const r of st.Resource) {
        expect([fn().id, queue()], flatten(r)).toContain(refId(r) ?? flatten(r).match(/^\$\{(\w+)\}/)?.[1]);
      }
    }
  });

  it('Lambda: bundled like the others (Node 22, ARM, the SQL files beside it, within its budget), timeout from WEEKLY_REPORT_LIMITS, 2 async retries then the dead-letter queue', () => {
    const { id, p } = fn();
    expect(p.Runtime).toBe('nodejs22.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Timeout).toBe(WEEKLY_REPORT_LIMITS.timeoutSec);
    const key = String(((p.Code ?? {}) as { S3Key?: string }).S3Key).replace(/\.zip$/, '');
    const dir = join(s.outdir, `asset.${key}`);
    expect(statSync(join(dir, 'index.mjs')).size / 1024).toBeLessThanOrEqual(
      LAMBDA_BUNDLE_BUDGET_KIB['analytics-report'],
    );
    expect(readdirSync(join(dir, BUNDLED_QUERIES_DIR)).sort()).toEqual(
      ANALYTICS_QUERY_NAMES.map((n) => `${n}.sql`).sort(),
    );
    const invoke = Object.values(resourcesOf(t(), 'AWS::Lambda::EventInvokeConfig')).filter(
      (c) => refId(c.Properties?.FunctionName) === id,
    );
    expect(invoke).toHaveLength(1);
    const c = invoke[0]?.Properties ?? {};
    expect(c.MaximumRetryAttempts).toBe(WEEKLY_REPORT_SCHEDULE.lambdaRetryAttempts);
    expect(refId(((c.DestinationConfig as Json).OnFailure as Json).Destination)).toBe(queue());
  });

  it('Lambda environment: every variable is a name of the settings catalog, and the four the handler reads point at this stage’s workgroup, database, reports bucket and topic', () => {
    const vars = ((fn().p.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
    const catalog = new Set(Object.values(SETTINGS).map((x) => x.name));
    expect(Object.keys(vars).filter((k) => !catalog.has(k))).toEqual([]);
    const wg = Object.values(resourcesOf(t(), 'AWS::Athena::WorkGroup'))[0]?.Properties?.Name;
    expect(vars[SETTINGS.analyticsWorkgroup.name]).toBe(wg);
    expect(vars[SETTINGS.analyticsDatabase.name]).toBe(analyticsDatabaseName(stage));
    expect(refId(vars[SETTINGS.analyticsReportBucket.name])).toBe(reportsBucket()[0]);
    expect(refId(vars[SETTINGS.analyticsReportTopicArn.name])).toBe(topic()[0]);
    expect(vars[SETTINGS.stage.name]).toBe(stage);
  });

  it('IAM: the report role reaches only this workgroup, the events table, the events (read), the result prefix, the report prefix, the key, the topic and the DLQ', () => {
    const roleId = refId(fn().p.Role) as string;
    const st = policyStatements(t()).filter((x) => x.roles.includes(roleId));
    expect(st.every((x) => x.Effect === 'Allow')).toBe(true);
    const byAction = (a: string) => st.filter((x) => x.Action.includes(a));
    const res = (xs: typeof st) => xs.flatMap((x) => x.Resource.map(flatten));
    // No wildcard resource but X-Ray's (which has no resource-level permissions).
    for (const x of st) {
      if (x.Resource.some((r) => r === '*')) {
        expect(x.Action.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
    expect(res(byAction('athena:StartQueryExecution'))).toEqual([
      expect.stringMatching(new RegExp(`:workgroup/marketedge-${stage}-analytics$`)),
    ]);
    expect(byAction('athena:StartQueryExecution')[0]?.Action.sort()).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
    ]);
    const db = analyticsDatabaseName(stage);
    expect(res(byAction('glue:GetTable')).map((r) => r.replace(/^.*\$\{AWS::AccountId\}:/, ''))).toEqual([
      'catalog',
      `database/${db}`,
      `table/${db}/${EVENTS_TABLE}`,
    ]);
    const events = one(resourcesOf(t(), 'AWS::S3::Bucket'), 'PipelineEvents')[0];
    const results = one(resourcesOf(t(), 'AWS::S3::Bucket'), 'QueriesResults')[0];
    const reports = reportsBucket()[0];
    const puts = res(byAction('s3:PutObject')).sort();
    expect(puts).toEqual([`\${${results}}/athena/*`, `\${${reports}}/${WEEKLY_REPORT_PREFIX}*`].sort());
    expect(res(byAction('s3:GetObject')).sort()).toEqual(
      [`\${${events}}`, `\${${events}}/*`, `\${${results}}/athena/*`].sort(),
    );
    const keyId = Object.keys(resourcesOf(t(), 'AWS::KMS::Key'))[0];
    expect(res(byAction('kms:Decrypt'))).toEqual([`\${${keyId}}`]);
    expect(res(byAction('sns:Publish'))).toEqual([`\${${topic()[0]}}`]);
    expect(res(byAction('sqs:SendMessage'))).toEqual([`\${${queue()}}`]);
    // Nothing else: every statement is one of the above, logs or X-Ray.
    const known =
      /^(athena|glue|s3|kms|sns:Publish|sqs:(SendMessage|GetQueueAttributes|GetQueueUrl)|logs:(CreateLogStream|PutLogEvents)|xray)/;
    for (const a of st.flatMap((x) => x.Action)) expect(a).toMatch(known);
  });

  it('reports bucket: KMS with the analytics key, private, access-logged, reports expire after the stage retention', () => {
    const [, b] = reportsBucket();
    const p = b.Properties ?? {};
    expect(JSON.stringify(p.BucketEncryption)).toContain('aws:kms');
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.LoggingConfiguration).toBeDefined();
    const rules = (p.LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules).toEqual([
      expect.objectContaining({
        Prefix: WEEKLY_REPORT_PREFIX,
        ExpirationInDays: config.analytics.weeklyReport.retentionDays,
        Status: 'Enabled',
      }),
    ]);
    expect(b.DeletionPolicy).toBe(stage === 'dev' ? 'Delete' : 'Retain');
  });

  it("SNS topic: encrypted, TLS only, subscribed to the stage's report recipients, undeliverable messages to the DLQ", () => {
    const [id, x] = topic();
    expect(flatten(x.Properties?.KmsMasterKeyId)).toMatch(/alias\/aws\/sns/);
    const policy = Object.values(resourcesOf(t(), 'AWS::SNS::TopicPolicy')).find((tp) =>
      ((tp.Properties?.Topics as unknown[]) ?? []).some((r) => refId(r) === id),
    );
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('aws:SecureTransport');
    const subsOf = Object.values(resourcesOf(t(), 'AWS::SNS::Subscription'))
      .map((sub) => sub.Properties ?? {})
      .filter((sub) => refId(sub.TopicArn) === id);
    const { emails, httpsEndpoints } = config.analytics.weeklyReport.recipients;
    expect(subsOf.map((sub) => `${sub.Protocol} ${sub.Endpoint}`).sort()).toEqual(
      [...emails.map((e) => `email ${e}`), ...httpsEndpoints.map((u) => `https ${u}`)].sort(),
    );
    expect(emails.length + httpsEndpoints.length).toBeGreaterThan(0);
    for (const sub of subsOf) {
      expect(refId((sub.RedrivePolicy as Json).deadLetterTargetArn)).toBe(queue());
    }
  });

  it('alarm WeeklyReportFailed (Monitoring stack): the DLQ depth of this stage, notifying the alarm topic, with its runbook', () => {
    queue(); // the queue the alarm reads exists under that name
    const m = s.template(stage, 'Monitoring');
    const alarms = Object.values(resourcesOf(m, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});
    const a = alarms.find((x) => x.AlarmName === alarmName(stage, 'WeeklyReportFailed'));
    expect(a).toBeDefined();
    const stat = ((a?.Metrics as Array<{ MetricStat?: Json }> | undefined)?.[0]?.MetricStat ?? {
      Metric: { Namespace: a?.Namespace, MetricName: a?.MetricName, Dimensions: a?.Dimensions },
      Period: a?.Period,
      Stat: a?.Statistic,
    }) as Json;
    expect(stat).toEqual({
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: names.deadLetterQueue }],
      },
      Period: 300,
      Stat: 'Maximum',
    });
    expect(a?.Threshold).toBe(0);
    expect(a?.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(a?.EvaluationPeriods).toBe(1);
    expect(a?.TreatMissingData).toBe('notBreaching');
    expect(String(a?.AlarmDescription)).toContain(`${RUNBOOK_PATH}#weekly-report-failed`);
    const topicId = Object.entries(resourcesOf(m, 'AWS::SNS::Topic')).find(
      ([, x]) => x.Properties?.TopicName === `marketedge-${stage}-alarms`,
    )?.[0];
    expect(((a?.AlarmActions ?? []) as unknown[]).map((r) => refId(r))).toEqual([topicId]);
    expect(((a?.OKActions ?? []) as unknown[]).map((r) => refId(r))).toEqual([topicId]);
    // Its duration alarm fires on one slow run (a weekly job has one data point per run).
    const d = alarms.find(
      (x) => x.AlarmName === alarmName(stage, `${LAMBDA_DURATION_ALARM_PREFIX}analytics-report`),
    );
    expect([d?.EvaluationPeriods, d?.DatapointsToAlarm]).toEqual([1, 1]);
  });
});
