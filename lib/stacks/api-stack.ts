import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  Names,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BUNDLED_QUERIES_DIR } from '../../lambdas/shared/analytics/query-sql';
import { cursorSigningSecretName, HTTP_SETTINGS } from '../../lambdas/shared/http/settings';
import { HTTP_TARGETS, ROUTES, type Route, type StageConfig, TABLES, type TableName, TIERS } from '../config';
import type { LambdaHandlerName } from '../config/budgets';
import { ADMIN_TIMEOUT_SEC } from '../config/lambdas';
import { httpBackendSetting, SETTINGS } from '../config/settings';
import { ApiCanary } from '../constructs/api-canary';
import { EdgeWaf } from '../constructs/edge-waf';
import { FeatureFlags } from '../constructs/feature-flags';
import { SUBNETS } from '../constructs/network';
import { RestGateway } from '../constructs/rest-gateway';
import { LAMBDA_NAMES, type LambdaName, ServiceFunction } from '../constructs/service-function';
import { type DataStack, statefulRemovalPolicy } from './data-stack';

/** Default handler entry of a Lambda: `lambdas/<name>/handler.ts` in this repository. */
export function defaultLambdaEntry(name: LambdaHandlerName): string {
  return fileURLToPath(new URL(`../../lambdas/${name}/handler.ts`, import.meta.url));
}

/** Props of {@link ApiStack}. */
export interface ApiStackProps extends StackProps {
  /** Validated stage config. */
  readonly config: StageConfig;
  /** The stage's data stack: VPC, Lambda security group, tables and the rate-limit cache. */
  readonly data: DataStack;
  /**
   * Handler entries by Lambda (absolute paths of modules exporting `handler`).
   * @default {@link defaultLambdaEntry} for every Lambda
   */
  readonly entries?: Partial<Record<LambdaName, string>>;
}

/**
 * `MarketEdge-<stage>-Api`: the five Lambdas, the REST API (routes, authorizer, usage plans), the WAF web ACL and the
 * AppConfig feature flags. Only reports, edge-proxy and admin (the Redis talkers) are VPC-attached.
 */
export class ApiStack extends Stack {
  readonly functions: Record<LambdaName, ServiceFunction>;
  readonly gateway: RestGateway;
  readonly waf: EdgeWaf;
  readonly flags: FeatureFlags;
  /** The function (or alias) API Gateway invokes as authorizer. */
  readonly authorizerTarget: lambda.IFunction;
  /** The stage's pagination-cursor HMAC key (generated), read by every Lambda that signs or verifies cursors. */
  readonly cursorSigningKey: secretsmanager.Secret;
  /** The stage's Synthetics canary `marketedge-<stage>-api` (`/health` and `/v1/me` every minute). */
  readonly canary: ApiCanary;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const removalPolicy = statefulRemovalPolicy(config);
    this.flags = new FeatureFlags(this, 'FeatureFlags', config);

    const tableEnv = (names: TableName[]): Record<string, string> =>
      Object.fromEntries(names.map((n) => [TABLES[n].envVar, data.tables[n].tableName]));
    const limiterEnv = {
      [SETTINGS.redisUrl.name]: data.cache.redisUrl,
      // ElastiCache Serverless is cluster mode: the limiter uses ioredis' cluster client.
      [SETTINGS.redisCluster.name]: 'true',
      [SETTINGS.rateLimitTimeoutMs.name]: String(config.rateLimiter.commandTimeoutMs),
      [SETTINGS.rateLimitBreakerThreshold.name]: String(config.rateLimiter.breakerFailureThreshold),
      [SETTINGS.rateLimitBreakerCooldownMs.name]: String(config.rateLimiter.breakerCooldownMs),
    };
    const flagEnv = {
      [SETTINGS.featureFlags.name]: JSON.stringify(config.flagOverrides),
      ...this.flags.environment,
    };
    const network = {
      vpc: data.vpc,
      securityGroup: data.lambdaSecurityGroup,
      subnetGroupName: SUBNETS.lambdas,
    };
    const entry = (name: LambdaName): string => {
      const file = props.entries?.[name] ?? defaultLambdaEntry(name);
      if (!existsSync(file)) throw new Error(`Lambda entry for "${name}" not found: ${file}`);
      return file;
    };
    const httpTimeoutMs = Math.max(
      1000,
      ...ROUTES.flatMap((r) => (r.backend.kind === 'http' ? [r.backend.timeoutMs] : [])),
    );
    const common = { config, removalPolicy };

    const authorizer = new ServiceFunction(this, 'Authorizer', {
      ...common,
      name: 'authorizer',
      entry: entry('authorizer'),
      description: 'REQUEST authorizer: Auth0 JWT -> tenant context + usage identifier key',
      memorySize: 512,
      timeout: Duration.seconds(5),
      environment: {
        ...tableEnv(['tenants']),
        [SETTINGS.auth0Issuer.name]: config.auth0.issuer,
        [SETTINGS.auth0Audience.name]: config.auth0.audience,
        [SETTINGS.auth0ClaimsNamespace.name]: config.auth0.claimsNamespace,
        [SETTINGS.auth0ClockToleranceSec.name]: String(config.auth0.clockToleranceSec),
        [SETTINGS.tenantCacheTtlSec.name]: String(config.authorizer.tenantCacheTtlSec),
        ...flagEnv,
      },
    });
    const reports = new ServiceFunction(this, 'Reports', {
      ...common,
      name: 'reports',
      entry: entry('reports'),
      description: 'Reports service (rate limited)',
      memorySize: 512,
      timeout: Duration.seconds(10),
      network,
      // tenants: read-only, for the tenant name and branding in GET /v1/me (the console's theme).
      environment: { ...tableEnv(['limits', 'reports', 'tenants']), ...limiterEnv, ...flagEnv },
    });
    const edgeProxy = new ServiceFunction(this, 'EdgeProxy', {
      ...common,
      name: 'edge-proxy',
      entry: entry('edge-proxy'),
      description: 'Edge proxy to HTTP backends (rate limited, tenant headers injected)',
      memorySize: 512,
      timeout: Duration.millis(httpTimeoutMs + 2000),
      network,
      environment: {
        ...tableEnv(['limits']),
        ...limiterEnv,
        ...flagEnv,
        ...Object.fromEntries(
          HTTP_TARGETS.map((t) => [httpBackendSetting(t).name, config.httpBackends[t] ?? '']).filter(
            ([, v]) => v,
          ),
        ),
      },
    });
    const admin = new ServiceFunction(this, 'Admin', {
      ...common,
      name: 'admin',
      entry: entry('admin'),
      description:
        'Admin API: tenants, tiers, limits, bypasses, audit, API keys, deep health, analytics reads',
      // GET /admin/analytics/{query} runs the standard queries' SQL files in Athena (docs/analytics.md).
      assets: [{ from: 'analytics/queries/*.sql', to: BUNDLED_QUERIES_DIR }],
      memorySize: 512,
      timeout: Duration.seconds(ADMIN_TIMEOUT_SEC),
      network,
      environment: {
        // security: the responder's block and clamp records, read for the console's security page.
        ...tableEnv(['tenants', 'limits', 'audit', 'security']),
        ...limiterEnv,
        ...flagEnv,
        [SETTINGS.elastiCacheCacheName.name]: data.cache.cacheName,
      },
    });
    const health = new ServiceFunction(this, 'Health', {
      ...common,
      name: 'health',
      entry: entry('health'),
      description: 'Public liveness probe',
      memorySize: 128,
      timeout: Duration.seconds(3),
      environment: {},
    });
    this.functions = { authorizer, reports, 'edge-proxy': edgeProxy, admin, health };

    // One cursor key per stage, shared by every container of the Lambdas that page (reports `cursor`, admin
    // `nextToken`): each reads it once per container (lambdas/shared/http/cursor-key.ts).
    this.cursorSigningKey = new secretsmanager.Secret(this, 'CursorSigningKey', {
      secretName: cursorSigningSecretName(config.name),
      description: `MarketEdge ${config.name}: HMAC-SHA256 key of pagination cursors (reports, admin API)`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.cursorSigningKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Containers keep the key for their lifetime and a rotation only invalidates outstanding next-page cursors (400, the client restarts from page one); it is rotated deliberately by redeploying (docs/api-errors.md), not on a schedule.',
    });
    for (const f of [reports, admin]) {
      f.fn.addEnvironment(HTTP_SETTINGS.cursorSigningKeySecretName.env, cursorSigningSecretName(config.name));
      this.cursorSigningKey.grantRead(f.fn);
    }

    // Least privilege: each Lambda gets exactly the table access its code needs (the limiter reads policies from
    // `limits`; only the admin API writes tenants and limits; the audit log is append-only — read + PutItem, never
    // update or delete; only reports touches reports).
    data.tables.tenants.grantReadData(authorizer.fn);
    data.tables.limits.grantReadData(reports.fn);
    data.tables.tenants.grantReadData(reports.fn);
    data.tables.reports.grantReadWriteData(reports.fn);
    data.tables.limits.grantReadData(edgeProxy.fn);
    data.tables.tenants.grantReadWriteData(admin.fn);
    data.tables.limits.grantReadWriteData(admin.fn);
    data.tables.audit.grantReadData(admin.fn);
    data.tables.audit.grant(admin.fn, 'dynamodb:PutItem');
    // The security page reads the responder's records; early unblocks and clamp lifts are requests on the default
    // bus to the responder (the one writer of the WAF IP sets and clamps).
    data.tables.security.grantReadData(admin.fn);
    events.EventBus.fromEventBusName(this, 'DefaultBus', 'default').grantPutEventsTo(admin.fn);
    for (const f of [authorizer, reports, edgeProxy, admin]) this.flags.grantRead(f.fn);
    admin.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeServerlessCaches'],
        resources: [data.cache.cache.attrArn],
      }),
    );

    this.authorizerTarget =
      config.authorizer.provisionedConcurrency > 0
        ? authorizer.fn.addAlias('live', {
            provisionedConcurrentExecutions: config.authorizer.provisionedConcurrency,
          })
        : authorizer.fn;

    // Integrations reference the functions by name (not by resource), so the admin Lambda can receive the usage
    // plan ids (which depend on the stage, which depends on the methods) without a dependency cycle.
    const byName = new Map<LambdaName, lambda.IFunction>();
    const integrationFn = (name: LambdaName): lambda.IFunction => {
      let ref = byName.get(name);
      if (!ref) {
        ref = lambda.Function.fromFunctionName(this, `${name}-ref`, this.functions[name].functionName);
        byName.set(name, ref);
      }
      return ref;
    };
    this.gateway = new RestGateway(this, 'Gateway', {
      config,
      authorizer: this.authorizerTarget,
      integrationFor: (route: Route) =>
        integrationFn(route.backend.kind === 'http' ? 'edge-proxy' : route.backend.target),
      removalPolicy,
    });
    // The API-scoped invoke permissions name the functions by ARN: create them after the functions exist.
    const permissions = this.gateway.api.node.findAll().filter((c) => c instanceof lambda.CfnPermission);
    for (const name of LAMBDA_NAMES) {
      const ref = byName.get(name);
      if (!ref) continue;
      const refId = Names.nodeUniqueId(ref.node);
      for (const p of permissions) {
        if (p.node.id.includes(refId)) p.node.addDependency(this.functions[name].fn);
      }
    }

    admin.fn.addEnvironment(SETTINGS.restApiId.name, this.gateway.api.restApiId);
    admin.fn.addEnvironment(
      SETTINGS.usagePlanIds.name,
      Stack.of(this).toJsonString(
        Object.fromEntries(TIERS.map((t) => [t, this.gateway.usagePlans[t].usagePlanId])),
      ),
    );
    this.grantApiKeyPort(admin);

    this.waf = new EdgeWaf(this, 'Waf', { config, stageArn: this.gateway.stage.stageArn, removalPolicy });

    // The uptime canary lives with the API it calls (its URL needs no cross-stack export); the Monitoring stack reads
    // its metrics by name (`canaryName`).
    this.canary = new ApiCanary(this, 'Canary', { config, apiUrl: this.gateway.api.url });

    new CfnOutput(this, 'ApiUrl', { value: this.gateway.api.url });
    new CfnOutput(this, 'AutoBlockIpSetArn', { value: this.waf.blockList.attrArn });
    new CfnOutput(this, 'AutoBlockIpSetV6Arn', { value: this.waf.blockListV6.attrArn });
  }

  private logicalIdOf(construct: Construct): string {
    return this.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  }

  /**
   * API-key port of the admin API: create/enable/delete tenant keys, move them between the tier usage plans of this
   * API, and patch a plan's throttle/quota when a tier's numbers change (`PUT /admin/tiers/{tier}`).
   */
  private grantApiKeyPort(admin: ServiceFunction): void {
    const arn = (path: string) => `arn:${this.partition}:apigateway:${this.region}::${path}`;
    const planArns = TIERS.map((t) => this.gateway.usagePlans[t].usagePlanId);
    admin.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ApiKeys',
        actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
        resources: [arn('/apikeys'), arn('/apikeys/*')],
      }),
    );
    admin.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UsagePlanLimits',
        actions: ['apigateway:PATCH'],
        resources: planArns.map((id) => arn(`/usageplans/${id}`)),
      }),
    );
    admin.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UsagePlanKeys',
        actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'],
        resources: planArns.flatMap((id) => [arn(`/usageplans/${id}/keys`), arn(`/usageplans/${id}/keys/*`)]),
      }),
    );
    Validations.of(admin.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
        reason:
          'Tenant API keys are created at runtime by the admin API (onboarding / rotation); their ids are unknown at deploy time.',
      },
      ...TIERS.map((t) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/<${this.logicalIdOf(this.gateway.usagePlans[t])}>/keys/*]`,
        reason: `Keys of the ${t} usage plan are tenant API keys created at runtime; scoped to this plan only.`,
      })),
    );
  }
}
