import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type Route, routeKey, type StageConfig, TIER_TABLE, TIERS, type Tier } from '../config';
import {
  accessLogFormat,
  accessLogGroupName,
  BINARY_MEDIA_TYPES,
  CORS_ALLOW_HEADERS,
  CORS_MAX_AGE_SEC,
  restApiName,
  STAGE_THROTTLE,
} from '../config/gateway';
import { addProblemGatewayResponses } from './gateway-responses';

/** Props of {@link RestGateway}. */
export interface RestGatewayProps {
  /** Validated stage config (stage name, authorizer cache TTL, execution logging, log retention). */
  readonly config: StageConfig;
  /** Authorizer function (an alias when provisioned concurrency is configured). */
  readonly authorizer: lambda.IFunction;
  /** The function serving each route (by the route's backend). */
  readonly integrationFor: (route: Route) => lambda.IFunction;
  /** Removal policy of the access-log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The REST API of a stage, built by iterating `ROUTES`: for each route a method on its resource path; authenticated
 * routes use the REQUEST authorizer (identity source `Authorization`, result TTL from stage config) and require an
 * API key, which the authorizer supplies (`apiKeySource: AUTHORIZER`, `usageIdentifierKey`); public routes neither.
 * Integrations are Lambda proxy. One usage plan per tier (`TIER_TABLE`) bound to the stage. Access logs in JSON to
 * a log group with the stage retention, X-Ray on, execution logging per the stage's `apiExecutionLogging` (INFO or OFF, never data trace:
 * it would log tokens), detailed per-method metrics for the dashboards, RFC 9457 gateway responses with CORS.
 */
export class RestGateway extends Construct {
  readonly api: apigw.RestApi;
  readonly stage: apigw.Stage;
  readonly accessLogs: logs.LogGroup;
  readonly requestAuthorizer: apigw.RequestAuthorizer;
  readonly usagePlans: Record<Tier, apigw.UsagePlan>;
  /** Methods by route key (`"GET /v1/reports"`). */
  readonly methods: Map<string, apigw.Method> = new Map();

  constructor(scope: Construct, id: string, props: RestGatewayProps) {
    super(scope, id);
    const { config } = props;
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: accessLogGroupName(config.name),
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const executionLogging = config.apiExecutionLogging;
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: restApiName(config.name),
      description: `MarketEdge ${config.name} API edge (built from lib/config/routes.ts)`,
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: config.name,
        tracingEnabled: true,
        metricsEnabled: true,
        dataTraceEnabled: false,
        loggingLevel: executionLogging ? apigw.MethodLoggingLevel.INFO : apigw.MethodLoggingLevel.OFF,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(accessLogFormat()),
        throttlingRateLimit: STAGE_THROTTLE.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
      },
    });
    this.stage = this.api.deploymentStage;
    if (!executionLogging) {
      Validations.of(this.stage).acknowledge({
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging is deliberately off in prod (cost, and request data must not reach logs); JSON access logs and X-Ray cover every request.',
      });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Request validation happens in the Lambdas with zod (RFC 9457 400 with field paths), from the same schemas the local stack uses.',
    });

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Identity provider is Auth0, not Cognito: the REQUEST Lambda authorizer verifies Auth0 JWTs (issuer, audience, signature, namespaced claims) on every authenticated method.',
    });
    this.requestAuthorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
      authorizerName: `marketedge-${config.name}-auth0`,
      handler: props.authorizer,
      identitySources: [apigw.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(config.authorizer.cacheTtlSec),
    });

    addProblemGatewayResponses(this.api);

    const preflight = new Map<string, Set<string>>();
    for (const route of ROUTES) {
      const resource = this.api.root.resourceForPath(route.path);
      const fn = props.integrationFor(route);
      const integration = new apigw.LambdaIntegration(fn, { proxy: true, scopePermissionToMethod: false });
      const method = resource.addMethod(
        route.method,
        integration,
        methodOptions(route, this.requestAuthorizer),
      );
      this.methods.set(routeKey(route), method);
      if (!route.auth) acknowledgePublic(method, route);
      const methods = preflight.get(route.path) ?? new Set<string>();
      methods.add(route.method === 'ANY' ? 'GET,POST,PUT,PATCH,DELETE' : route.method);
      preflight.set(route.path, methods);
    }
    for (const [path, methods] of preflight) {
      const options = this.api.root.resourceForPath(path).addCorsPreflight({
        allowOrigins: apigw.Cors.ALL_ORIGINS,
        allowHeaders: [...CORS_ALLOW_HEADERS],
        allowMethods: [...new Set([...methods].flatMap((m) => m.split(','))), 'OPTIONS'],
        maxAge: Duration.seconds(CORS_MAX_AGE_SEC),
      });
      Validations.of(options).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'CORS preflight (OPTIONS, mock integration): browsers send it without credentials by design.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason:
            'CORS preflight (OPTIONS, mock integration): browsers send it without credentials by design.',
        },
      );
    }

    this.usagePlans = Object.fromEntries(
      TIERS.map((tier) => {
        const limits = TIER_TABLE[tier].usagePlan;
        const plan = this.api.addUsagePlan(`UsagePlan-${tier}`, {
          name: `marketedge-${config.name}-${tier}`,
          description: `Tier ${tier}: ${limits.rateLimit} rps, burst ${limits.burstLimit}, ${limits.quotaPerDay}/day`,
          throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
          quota: { limit: limits.quotaPerDay, period: apigw.Period.DAY },
          apiStages: [{ api: this.api, stage: this.stage }],
        });
        return [tier, plan] as const;
      }),
    ) as Record<Tier, apigw.UsagePlan>;
  }
}

function methodOptions(route: Route, authorizer: apigw.IAuthorizer): apigw.MethodOptions {
  const operationName = routeKey(route);
  if (!route.auth) {
    return { authorizationType: apigw.AuthorizationType.NONE, apiKeyRequired: false, operationName };
  }
  return {
    authorizer,
    authorizationType: apigw.AuthorizationType.CUSTOM,
    apiKeyRequired: true,
    operationName,
  };
}

function acknowledgePublic(method: apigw.Method, route: Route): void {
  const reason = `${routeKey(route)} is public by the route table (${route.summary}): no tenant data, no auth.`;
  Validations.of(method).acknowledge(
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
  );
}
