import type { Construct } from 'constructs';
import type { StageConfig } from './config';
import type { AnalyticsLambdaName, LambdaName, SecurityLambdaName } from './constructs/service-function';
import { AnalyticsStack } from './stacks/analytics-stack';
import { ApiStack } from './stacks/api-stack';
import { ConsoleStack } from './stacks/console-stack';
import { DataStack } from './stacks/data-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { SecurityStack } from './stacks/security-stack';

/** The stacks of one stage. */
export interface MarketEdgeStage {
  data: DataStack;
  api: ApiStack;
  /** Product analytics (every stage; collection is switched at run time by `business_analytics_enabled`). */
  analytics: AnalyticsStack;
  /** The web console: S3 + CloudFront, security headers, the build with the stage's `config.json`. */
  console: ConsoleStack;
  /** Dashboards, alarms and their topic (every stage). */
  monitoring: MonitoringStack;
  /** Trail, GuardDuty, security rules, responder and security dashboard (every stage). */
  security: SecurityStack;
}

/** Options of {@link addStage}. */
export interface AddStageOptions {
  /** Handler entries by Lambda, API, Security and Analytics stacks alike (tests); default `lambdas/<name>/handler.ts`. */
  entries?: Partial<Record<LambdaName | SecurityLambdaName | AnalyticsLambdaName, string>>;
  /** Built console directory (tests pass a fixture); default `web/dist` (`npm run build:web`). */
  consoleAssetDir?: string;
}

/** Stack name of a stage part: `MarketEdge-<stage>-<Part>`. */
export function stackName(
  stage: string,
  part: 'Data' | 'Api' | 'Analytics' | 'Console' | 'Monitoring' | 'Security',
): string {
  return `MarketEdge-${stage}-${part}`;
}

/**
 * Adds every stack of one stage to `scope` (the CDK app, or a `cdk.Stage` of the deploy pipeline): `MarketEdge-<stage>-Data` (VPC, ElastiCache Serverless, DynamoDB),
 * `MarketEdge-<stage>-Api` (Lambdas, REST API, usage plans, WAF, AppConfig flags), `MarketEdge-<stage>-Analytics`
 * (Firehose, S3, Glue, Athena; every stage), `MarketEdge-<stage>-Console` (the web console on S3 + CloudFront with
 * the stage's `config.json`; needs the console build, `npm run build:web`), `MarketEdge-<stage>-Security` (trail,
 * GuardDuty, EventBridge rules, the responder and security-events Lambdas, dashboard; every stage) and
 * `MarketEdge-<stage>-Monitoring` (dashboard, alarms, alarm topic and its subscriptions; every stage).
 * Account/region come from the stage config when set; otherwise the stacks are environment-agnostic (synth needs
 * no AWS credentials). Stack names are set explicitly, so a stage deployed by the pipeline (inside a `cdk.Stage`)
 * keeps the same CloudFormation stack names as one deployed with `cdk deploy`.
 * @param scope the CDK app or a `cdk.Stage`
 * @param config validated stage config (`getStageConfig`)
 */
export function addStage(
  scope: Construct,
  config: StageConfig,
  options: AddStageOptions = {},
): MarketEdgeStage {
  const env =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const tags = { project: 'marketedge', stage: config.name };
  const data = new DataStack(scope, stackName(config.name, 'Data'), {
    stackName: stackName(config.name, 'Data'),
    env,
    config,
    description: `MarketEdge ${config.name}: network, rate-limit cache, DynamoDB tables`,
    tags,
  });
  const api = new ApiStack(scope, stackName(config.name, 'Api'), {
    stackName: stackName(config.name, 'Api'),
    env,
    config,
    data,
    entries: options.entries,
    description: `MarketEdge ${config.name}: Lambdas, REST API, usage plans, WAF, feature flags`,
    tags,
  });
  const analytics = new AnalyticsStack(scope, stackName(config.name, 'Analytics'), {
    stackName: stackName(config.name, 'Analytics'),
    env,
    config,
    api,
    entries: options.entries,
    description: `MarketEdge ${config.name}: product analytics (Firehose, S3, Glue, Athena, weekly report)`,
    tags,
  });
  const consoleStack = new ConsoleStack(scope, stackName(config.name, 'Console'), {
    stackName: stackName(config.name, 'Console'),
    env,
    config,
    restApi: api.gateway.api,
    assetDir: options.consoleAssetDir,
    description: `MarketEdge ${config.name}: web console (S3, CloudFront, security headers, config.json)`,
    tags,
  });
  const security = new SecurityStack(scope, stackName(config.name, 'Security'), {
    stackName: stackName(config.name, 'Security'),
    env,
    config,
    data,
    api,
    analytics,
    entries: options.entries,
    description: `MarketEdge ${config.name}: CloudTrail, GuardDuty, security rules, responder (docs/security-runbooks.md)`,
    tags,
  });
  const monitoring = new MonitoringStack(scope, stackName(config.name, 'Monitoring'), {
    stackName: stackName(config.name, 'Monitoring'),
    env,
    config,
    api,
    description: `MarketEdge ${config.name}: dashboard and alarms (runbooks in docs/runbooks.md)`,
    tags,
  });
  return { data, api, analytics, console: consoleStack, security, monitoring };
}
