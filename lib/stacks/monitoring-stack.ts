import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { LAMBDA_HANDLERS } from '../config/budgets';
import { accessLogGroupName, restApiName } from '../config/gateway';
import { lambdaFunctionName } from '../config/lambdas';
import { deadLetterQueue as createDeadLetterQueue } from '../constructs/dead-letter-queue';
import { notificationTopic } from '../constructs/notification-topic';
import { buildAlarms } from '../monitoring/alarms';
import { buildContributorRules } from '../monitoring/contributors';
import { buildDashboard } from '../monitoring/dashboard';
import { buildLogQueries } from '../monitoring/log-queries';
import type { MonitoringTarget } from '../monitoring/metric-factory';
import { buildSloAlarms } from '../monitoring/slo-alarms';
import type { ApiStack } from './api-stack';

/** Props of {@link MonitoringStack}. */
export interface MonitoringStackProps extends StackProps {
  /** Validated stage config (alarm thresholds, log retention). */
  readonly config: StageConfig;
  /** The stage's API stack: its REST API, functions and log groups are what is monitored. */
  readonly api: ApiStack;
}

/**
 * `MarketEdge-<stage>-Monitoring`: the stage dashboard (generated from the route table and the limiter metrics),
 * the alarms (stage `alarms` thresholds, runbook links), the SLO burn-rate composite alarms (stage `slo`), Contributor Insights rules for per-tenant views on the
 * access log, the saved Logs Insights queries (`MarketEdge/<stage>/<id>`, `lib/config/log-queries.ts`), and an encrypted SNS topic (`marketedge-<stage>-alarms`) that every alarm notifies on ALARM and on OK,
 * subscribed to the stage's `notifications` (e-mail addresses and HTTPS endpoints, `lib/config/stages.ts`).
 * Deployed for every stage (dev included, with its own thresholds and topic).
 */
export class MonitoringStack extends Stack {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const target: MonitoringTarget = {
      config,
      apiName: restApiName(config.name),
      stageName: config.name,
      // Every Lambda of the stage (Api and Security stacks): physical names are plain strings, no cross-stack export.
      functionNames: Object.fromEntries(LAMBDA_HANDLERS.map((n) => [n, lambdaFunctionName(config.name, n)])),
    };
    // Notifications SNS could not deliver (a webhook down, a bounced address) wait here 14 days instead of vanishing.
    const deadLetterQueue = createDeadLetterQueue(this, 'AlarmDeliveryDlq', {
      queueName: `marketedge-${config.name}-alarm-delivery-dlq`,
      reason: 'This queue IS the dead-letter queue of the alarm topic subscriptions (SNS redrive policy).',
    });
    this.topic = notificationTopic(this, 'AlarmTopic', {
      topicName: `marketedge-${config.name}-alarms`,
      displayName: `MarketEdge ${config.name} alarms`,
      recipients: config.notifications,
      deadLetterQueue,
    });
    buildContributorRules(this, config.name, accessLogGroupName(config.name));
    buildLogQueries(this, config);
    const action = new actions.SnsAction(this.topic);
    // Window alarms of the SLO burn-rate rules are inputs of their composites: only the composites notify.
    const slo = buildSloAlarms(this, target);
    const notifying: cw.AlarmBase[] = [...buildAlarms(this, target), ...slo.composites];
    for (const alarm of notifying) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    buildDashboard(this, 'Dashboard', target, notifying);
  }
}
