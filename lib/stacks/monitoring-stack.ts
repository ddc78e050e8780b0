import { Stack, type StackProps } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { accessLogGroupName, restApiName } from '../config/gateway';
import { resolvedStageFlags } from '../constructs/feature-flags';
import { LAMBDA_NAMES } from '../constructs/service-function';
import { buildAlarms } from '../monitoring/alarms';
import { buildContributorRules } from '../monitoring/contributors';
import { buildDashboard } from '../monitoring/dashboard';
import type { MonitoringTarget } from '../monitoring/metric-factory';
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
 * the alarms (stage `alarms` thresholds, runbook links), Contributor Insights rules for per-tenant views on the
 * access log, and an encrypted SNS topic the alarms notify
 * (`marketedge-<stage>-alarms`; subscribe on-call to it).
 */
export class MonitoringStack extends Stack {
  /** Deployed only where the stage's `apm_monitoring_enabled` flag resolves to true (see `lib/config/flags.ts`). */
  static enabledFor(config: StageConfig): boolean {
    return resolvedStageFlags(config).apm_monitoring_enabled;
  }

  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, api } = props;
    const target: MonitoringTarget = {
      config,
      apiName: restApiName(config.name),
      stageName: config.name,
      functionNames: Object.fromEntries(LAMBDA_NAMES.map((n) => [n, api.functions[n].functionName])),
    };
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `marketedge-${config.name}-alarms`,
      displayName: `MarketEdge ${config.name} alarms`,
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    buildDashboard(this, 'Dashboard', target);
    buildContributorRules(this, config.name, accessLogGroupName(config.name));
    for (const alarm of buildAlarms(this, target)) {
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
    }
  }
}
