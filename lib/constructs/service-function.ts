import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { LAMBDA_INSIGHTS_VERSION } from '../config/apm';
import type { LambdaHandlerName } from '../config/budgets';
import { lambdaFunctionName, lambdaLogGroupName } from '../config/lambdas';
import { METRICS_NAMESPACE } from '../config/metrics';
import { SETTINGS } from '../config/settings';
import { LAMBDA_BUNDLING } from './lambda-bundling';

export { ESM_REQUIRE_BANNER } from './lambda-bundling';

/** The Lambdas of the platform, one per `lambdas/<name>/handler.ts`. */
export const LAMBDA_NAMES = [
  'authorizer',
  'reports',
  'edge-proxy',
  'admin',
  'health',
] as const satisfies readonly LambdaHandlerName[];
/** One of {@link LAMBDA_NAMES}. */
export type LambdaName = (typeof LAMBDA_NAMES)[number];
/** The Lambdas of the Security stack (`lambdas/security-*\/handler.ts`). */
export const SECURITY_LAMBDA_NAMES = ['security-events', 'security-responder'] as const;
/** One of {@link SECURITY_LAMBDA_NAMES}. */
export type SecurityLambdaName = (typeof SECURITY_LAMBDA_NAMES)[number];
/** The Lambdas of the Analytics stack: the scheduled weekly report (`lambdas/analytics-report/handler.ts`). */
export const ANALYTICS_LAMBDA_NAMES = ['analytics-report'] as const satisfies readonly LambdaHandlerName[];
/** One of {@link ANALYTICS_LAMBDA_NAMES}. */
export type AnalyticsLambdaName = (typeof ANALYTICS_LAMBDA_NAMES)[number];

/**
 * CDK's Lambda Insights version object for a version string (`1.0.498.0` → `VERSION_1_0_498_0`), which resolves the
 * extension's layer ARN per region and architecture from CDK's region table.
 * @throws {Error} when this aws-cdk-lib does not know the version
 */
export function lambdaInsightsVersion(version: string): lambda.LambdaInsightsVersion {
  const known = (
    lambda.LambdaInsightsVersion as unknown as Record<string, lambda.LambdaInsightsVersion | undefined>
  )[`VERSION_${version.replaceAll('.', '_')}`];
  if (!known) throw new Error(`Lambda Insights ${version} is not known to this aws-cdk-lib`);
  return known;
}

/** Props of {@link ServiceFunction}. */
export interface ServiceFunctionProps {
  /** Validated stage config (function name, log level and retention). */
  readonly config: StageConfig;
  /** Which Lambda this is: `marketedge-<stage>-<name>`, the Powertools service name. */
  readonly name: LambdaName | SecurityLambdaName | AnalyticsLambdaName;
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  /** Function description shown in the console. */
  readonly description: string;
  /** Memory, MB. */
  readonly memorySize: number;
  /** Function timeout. */
  readonly timeout: Duration;
  /** Variables beyond `STAGE` and the Powertools ones. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Attach to the VPC (only for Lambdas that talk to Redis).
   * @default not VPC-attached
   */
  readonly network?: ServiceFunctionNetwork;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Let Powertools Tracer record handler responses in X-Ray (never for responses carrying secrets).
   * @default false
   */
  readonly captureResponse?: boolean;
  /**
   * The log group: name, retention (days, one of CloudWatch's values) and KMS key. The security Lambdas log to the
   * security log group with its audit retention.
   * @default `/aws/lambda/<function name>`, the stage `logRetentionDays`, CloudWatch's own encryption
   */
  readonly logs?: ServiceFunctionLogs;
  /**
   * Invoked asynchronously (EventBridge, EventBridge Scheduler, CloudWatch Logs): the caller sets the dead-letter queue; without this the
   * function is documented as synchronous-only (no DLQ needed).
   * @default false
   */
  readonly asynchronous?: boolean;
  /**
   * Files copied beside the bundle (`cp <project>/<from> <bundle>/<to>/`), read at run time — e.g. the standard
   * analytics queries (`analytics/queries/*.sql` → `analytics-queries/`) for the Lambdas that run them.
   * @default none
   */
  readonly assets?: readonly ServiceFunctionAsset[];
}

/** Files copied beside a {@link ServiceFunction}'s bundle. */
export interface ServiceFunctionAsset {
  /** Glob relative to the project root, e.g. `analytics/queries/*.sql`. */
  readonly from: string;
  /** Directory inside the bundle, e.g. `analytics-queries`. */
  readonly to: string;
}

/** Log group settings of a {@link ServiceFunction}. */
export interface ServiceFunctionLogs {
  /** Log group name. */
  readonly logGroupName: string;
  /** Retention, days (a CloudWatch Logs retention value). */
  readonly retentionDays: number;
  /**
   * KMS key of the log group (its policy must admit the CloudWatch Logs service principal).
   * @default CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/** Where a VPC-attached {@link ServiceFunction} runs. */
export interface ServiceFunctionNetwork {
  /** The stage's VPC. */
  readonly vpc: ec2.IVpc;
  /** The Lambda security group (the cache and the interface endpoints admit only it). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Name of the subnet group the function's ENIs go into. */
  readonly subnetGroupName: string;
}

/**
 * A platform Lambda: `NodejsFunction` on Node 22 / ARM64, bundled and minified by the local esbuild as ESM (no
 * Docker), X-Ray active, its own log group with the stage retention, Powertools env (`POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_LOG_LEVEL`), a role of its own whose only log permission is its log
 * group; `AWSLambdaVPCAccessExecutionRole` only when VPC-attached. Physical name `marketedge-<stage>-<name>`.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Physical function name. */
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { config } = props;
    this.functionName = lambdaFunctionName(config.name, props.name);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logs?.logGroupName ?? lambdaLogGroupName(config.name, props.name),
      retention: (props.logs?.retentionDays ?? config.logRetentionDays) as logs.RetentionDays,
      encryptionKey: props.logs?.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `MarketEdge ${config.name} ${props.name} Lambda`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.network) {
      this.role.addManagedPolicy(
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      );
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'VPC-attached Lambda (talks to ElastiCache): ENI create/describe/delete has no resource-level scoping; AWS maintains this policy.',
      });
    }

    this.fn = new NodejsFunction(this, 'Fn', {
      functionName: this.functionName,
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      // APM: Lambda Insights extension (layer ARN per region and architecture from CDK's region table).
      insightsVersion: lambdaInsightsVersion(LAMBDA_INSIGHTS_VERSION),
      environment: {
        [SETTINGS.stage.name]: config.name,
        [SETTINGS.serviceName.name]: props.name,
        [SETTINGS.metricsNamespace.name]: METRICS_NAMESPACE,
        [SETTINGS.logLevel.name]: config.logLevel,
        [SETTINGS.logEvent.name]: 'false',
        [SETTINGS.tracerCaptureResponse.name]: String(props.captureResponse ?? false),
        [SETTINGS.nodeOptions.name]: '--enable-source-maps',
        ...props.environment,
      },
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnetGroupName: props.network.subnetGroupName },
            securityGroups: [props.network.securityGroup],
          }
        : {}),
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        // Maps without embedded sources: stack traces resolve to file:line, and cold starts parse a small map.
        sourcesContent: false,
        // One definition for CDK and the bundle-size check (scripts/check-lambda-bundles.ts).
        target: LAMBDA_BUNDLING.target,
        format: OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        externalModules: [...LAMBDA_BUNDLING.external],
        esbuildArgs: {
          '--alias': Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => `${from}=${to}`),
        },
        ...(props.assets?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.assets ?? []).flatMap((a) => [
                    `mkdir -p "${outputDir}/${a.to}"`,
                    `cp ${inputDir}/${a.from} "${outputDir}/${a.to}/"`,
                  ]),
              },
            }
          : {}),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy]',
      reason:
        'Lambda Insights (APM): the extension writes to /aws/lambda-insights only; AWS maintains this policy with the extension.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments/PutTelemetryRecords added by active tracing: X-Ray does not support resource-level permissions.',
    });
    const runtimeReason =
      'Node.js 22 is the platform contract (the code must run on Node 20 locally and 22 in Lambda); moving to 24 is a deliberate, tested upgrade.';
    Validations.of(this.fn).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
    );
    if (props.asynchronous) return;
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by API Gateway only (no async invocations), so a dead-letter queue would never receive anything.',
    });
  }
}
