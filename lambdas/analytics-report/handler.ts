import { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { WEEKLY_REPORT_LIMITS } from '../../lib/config/analytics';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { createAthenaRunner } from '../shared/analytics/athena-query';
import { athenaApiFromSdk } from '../shared/analytics/athena-sdk';
import { createLoggerAndMetrics } from '../shared/logger-metrics';
import { runWeeklyReportJob, type WeeklyReportRun } from './job';

const { logger, metrics } = createLoggerAndMetrics('analytics-report');
const env = process.env;
const required = (s: { name: string }) => {
  const v = env[s.name];
  if (!v) throw new Error(`${s.name} is not set`);
  return v;
};
const runner = createAthenaRunner({
  api: athenaApiFromSdk(new AthenaClient({})),
  workgroup: env[SETTINGS.analyticsWorkgroup.name] ?? '',
  database: env[SETTINGS.analyticsDatabase.name] ?? '',
  pollMs: WEEKLY_REPORT_LIMITS.pollMs,
  timeoutMs: WEEKLY_REPORT_LIMITS.queryWaitMs,
});
const s3 = new S3Client({});
const sns = new SNSClient({});

/**
 * Weekly analytics report Lambda, invoked asynchronously by its EventBridge Scheduler schedule (docs/analytics.md,
 * "Weekly report"): the standard queries on Athena, HTML + CSV to the reports bucket (`ANALYTICS_REPORT_BUCKET`),
 * a notification on `ANALYTICS_REPORT_TOPIC_ARN`. The work is `runWeeklyReportJob` (`./job.ts`).
 * @throws {Error} on any failure: Lambda retries the invocation, then sends it to the dead-letter queue
 */
export async function handler(event: unknown, context?: Context): Promise<WeeklyReportRun> {
  if (context) logger.addContext(context);
  const bucket = required(SETTINGS.analyticsReportBucket);
  const topicArn = required(SETTINGS.analyticsReportTopicArn);
  return runWeeklyReportJob(
    {
      query: (name, scope) => runner.query(name, scope),
      putObject: async ({ key, body, contentType }) => {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
        );
      },
      publish: async ({ subject, message }) => {
        await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
      },
      bucket,
      region: settingOrDefault(env, SETTINGS.awsRegion),
      stage: settingOrDefault(env, SETTINGS.stage),
      logger,
      metrics,
    },
    event,
  );
}
