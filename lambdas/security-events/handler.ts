import { CloudWatchLogsSchema } from '@aws-lambda-powertools/parser/schemas/cloudwatch';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context } from 'aws-lambda';
import { hourStart } from '../shared/security/anomaly';
import { createSecurityTelemetry } from '../shared/security/telemetry';
import { getPipeline } from './deps';
import type { PipelineResult } from './pipeline';

const { logger, sink, metric } = createSecurityTelemetry('security-events');

/** What the handler did with one invocation. */
export type SecurityEventsResult =
  | ({ kind: 'logs' } & PipelineResult)
  | { kind: 'hourly'; hourStart: string; flagged: { tenantId: string; figures: string[] }[] };

/**
 * Security-events Lambda. Its log group is the security log group (retention per stage): every security event it
 * logs is the audit record. Two triggers:
 * - CloudWatch Logs subscriptions (API access log: 401/403 by source IP, tenant hourly figures; Lambda log groups:
 *   lines carrying `security_event`), decoded with the Powertools `CloudWatchLogsSchema`;
 * - an hourly EventBridge schedule: the previous hour's tenant figures against their baselines (anomalies).
 * @throws {Error} for an event of neither shape, or when Redis/EventBridge fail (the trigger retries)
 */
export async function handler(event: unknown, context?: Context): Promise<SecurityEventsResult> {
  if (context) logger.addContext(context);
  if (event && typeof event === 'object' && 'awslogs' in event) {
    const logs = CloudWatchLogsSchema.parse(event).awslogs.data;
    return processLogMessages(logs.logEvents.map((e) => e.message));
  }
  const pipeline = getPipeline(sink, metric);
  const scheduled = EventBridgeSchema.safeParse(event);
  if (scheduled.success && scheduled.data.source === 'aws.events') {
    const hour = hourStart(Date.parse(scheduled.data.time)) - 3_600_000;
    const flagged = await pipeline.evaluateHour(hour);
    return { kind: 'hourly', hourStart: new Date(hour).toISOString(), flagged };
  }
  throw new Error('security-events: expected a CloudWatch Logs subscription or a scheduled event');
}

/**
 * What the handler does with the messages of a decoded CloudWatch Logs subscription batch (log lines, oldest first):
 * runs them through the pipeline. The local stack calls it with its security-event lines and access-log records
 * directly (a record = the object its line encodes), skipping the gzip + base64 + JSON encoding of a subscription
 * batch and the JSON of each access-log line that the handler would only undo.
 * @throws {Error} when Redis or EventBridge fail
 */
export async function processLogMessages(
  messages: readonly (string | Readonly<Record<string, unknown>>)[],
): Promise<SecurityEventsResult> {
  const result = await getPipeline(sink, metric).processLines(messages);
  return { kind: 'logs', ...result };
}
