import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as rum from 'aws-cdk-lib/aws-rum';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import {
  CONSOLE_BASE_PATH,
  CONSOLE_CLIENT_IDS,
  CONSOLE_SCOPE,
  CONSOLE_TEST_ONLY_FILES,
  type ConsoleRuntimeConfig,
  RUM_FLAG,
} from '../config/console';
import { CONSOLE_HSTS_MAX_AGE_SEC, consoleSecurityHeaders } from '../config/console-headers';
import { deployedRumClientConfig, rumAppMonitorName, rumDataPlaneEndpoint } from '../config/rum';
import { accessLogBucket, PRIVATE_BUCKET } from '../constructs/buckets';
import { resolvedStageFlags } from '../constructs/feature-flags';
import { statefulRemovalPolicy } from './data-stack';

/** `web/dist`, where `npm run build:web` (and `npm ci`'s prepare step) writes the console build. */
export const DEFAULT_CONSOLE_ASSET_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Props of {@link ConsoleStack}. */
export interface ConsoleStackProps extends StackProps {
  /** Validated stage config (Auth0 issuer and audience, removal policy). */
  readonly config: StageConfig;
  /** The stage's REST API: its stage URL goes into `config.json` and its origin into the CSP's `connect-src`. */
  readonly restApi: apigw.RestApi;
  /**
   * Directory of the built console (must hold `index.html`; hashed files under `assets/`).
   * @default DEFAULT_CONSOLE_ASSET_DIR (`web/dist`)
   */
  readonly assetDir?: string;
}

/**
 * The web console of one stage (`MarketEdge-<stage>-Console`): a private S3 bucket (no public access, TLS only,
 * access-logged) behind CloudFront with origin access control, served under `/console/`; a response-headers
 * policy built from `lib/config/console-headers.ts` (the same headers the local stack sends: CSP without
 * `unsafe-inline`, HSTS, `frame-ancestors 'none'`, `X-Frame-Options: DENY`, `nosniff`, referrer policy); a
 * viewer-request function that answers the console's client-side routes with `index.html`; and the build deployed
 * with a per-stage `config.json` ({@link ConsoleRuntimeConfig}: API URL, Auth0 authority, client id, audience), so
 * one build serves every stage. Hashed assets are cached for a year; `index.html` and `config.json` are revalidated.
 * @throws {Error} when `assetDir` holds no `index.html` (run `npm run build:web` first)
 */
export class ConsoleStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headersPolicy: cloudfront.ResponseHeadersPolicy;
  /** The console's CloudWatch RUM app monitor `marketedge-<stage>-console`. */
  readonly appMonitor: rum.CfnAppMonitor;
  /** The console's URL, `https://<distribution domain>/console/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { config, restApi } = props;
    const assetDir = props.assetDir ?? DEFAULT_CONSOLE_ASSET_DIR;
    if (!existsSync(join(assetDir, 'index.html')))
      throw new Error(
        `console build missing: ${assetDir}/index.html not found (run npm run build:web first)`,
      );
    const removalPolicy = statefulRemovalPolicy(config);

    // CloudFront standard logs and the site bucket's server access logs.
    const logs = accessLogBucket(this, 'AccessLogs', {
      removalPolicy,
      expirationDays: 90,
      logsOf: 'the console site bucket and distribution',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      ...PRIVATE_BUCKET,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy,
    });

    const apiOrigin = `https://${restApi.restApiId}.execute-api.${this.region}.${this.urlSuffix}`;
    const apiUrl = `${apiOrigin}/${restApi.deploymentStage.stageName}`;
    // The RUM data plane is the only other origin the console calls (when the flag puts `rum` into config.json).
    const rumEndpoint = rumDataPlaneEndpoint(this.region);
    const headers = consoleSecurityHeaders({
      connectSrc: [apiOrigin, new URL(config.auth0.issuer).origin, rumEndpoint],
      hsts: true,
    });
    const hsts = headers['strict-transport-security'] ?? '';
    this.headersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `MarketEdge ${config.name} console security headers (lib/config/console-headers.ts)`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: headers['content-security-policy'] ?? '',
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(CONSOLE_HSTS_MAX_AGE_SEC),
          includeSubdomains: hsts.includes('includeSubDomains'),
          preload: hsts.includes('preload'),
          override: true,
        },
        frameOptions: {
          frameOption:
            headers['x-frame-options'] === 'DENY'
              ? cloudfront.HeadersFrameOption.DENY
              : cloudfront.HeadersFrameOption.SAMEORIGIN,
          override: true,
        },
        contentTypeOptions: { override: headers['x-content-type-options'] === 'nosniff' },
        referrerPolicy: {
          referrerPolicy: headers['referrer-policy'] as cloudfront.HeadersReferrerPolicy,
          override: true,
        },
      },
    });

    const spaRoutes = new cloudfront.Function(this, 'SpaRoutes', {
      comment: 'Console client-side routes answer with index.html; / and /console redirect to /console/',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(spaRouteFunction(CONSOLE_BASE_PATH)),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `MarketEdge ${config.name} web console`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headersPolicy,
        functionAssociations: [
          { function: spaRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
        compress: true,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate (no custom domain yet), for which CloudFront ' +
        'cannot enforce a minimum TLS version; minimumProtocolVersion TLSv1.2_2021 takes effect with a custom domain.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The console serves tenants worldwide; access is controlled by Auth0 sign-in, not geography.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'Static files only (no server logic, no data): the API behind it has its own WAF web ACL (edge-waf.ts).',
    });

    // CloudWatch RUM app monitor of the console. The console posts unsigned PutRumEvents batches (no Cognito identity
    // pool): the app monitor's resource-based policy lets anyone put events into this one monitor, the documented
    // alternative for public web apps; the domain restricts which pages' events it accepts.
    const monitorName = rumAppMonitorName(config.name);
    this.appMonitor = new rum.CfnAppMonitor(this, 'RumAppMonitor', {
      name: monitorName,
      domain: this.distribution.distributionDomainName,
      cwLogEnabled: false,
      appMonitorConfiguration: {
        sessionSampleRate: config.rum.sessionSampleRate,
        allowCookies: false,
        enableXRay: false,
        telemetries: ['performance', 'errors', 'http'],
      },
      resourcePolicy: {
        policyDocument: Stack.of(this).toJsonString({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'PublicPutRumEvents',
              Effect: 'Allow',
              Principal: '*',
              Action: 'rum:PutRumEvents',
              Resource: this.formatArn({ service: 'rum', resource: 'appmonitor', resourceName: monitorName }),
            },
          ],
        }),
      },
    });
    const rumFlagOn = resolvedStageFlags(config)[RUM_FLAG];
    const runtimeConfig: ConsoleRuntimeConfig = {
      stage: config.name,
      apiUrl,
      authority: config.auth0.issuer,
      clientId: CONSOLE_CLIENT_IDS[config.name],
      audience: config.auth0.audience,
      scope: CONSOLE_SCOPE,
      // The flag's value for this stage at deploy time (catalog default + flagOverrides): config.json is static here.
      ...(rumFlagOn ? { rum: deployedRumClientConfig(config, this.appMonitor.attrId, this.region) } : {}),
    };
    const prefix = CONSOLE_BASE_PATH.slice(1); // 'console/'
    // Hashed files: immutable for a year, never pruned (a browser on the previous index.html still loads them).
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${prefix}assets/`,
      sources: [s3deploy.Source.asset(join(assetDir, 'assets'))],
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
      prune: false,
      memoryLimit: 512,
    });
    // index.html, config.json and the other unhashed files: revalidated on every load, CloudFront invalidated.
    const entry = new s3deploy.BucketDeployment(this, 'DeployEntry', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: prefix,
      sources: [
        s3deploy.Source.asset(assetDir, { exclude: ['assets', 'assets/**', ...CONSOLE_TEST_ONLY_FILES] }),
        s3deploy.Source.jsonData('config.json', runtimeConfig),
      ],
      cacheControl: [s3deploy.CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_BASE_PATH}*`],
      memoryLimit: 512,
    });
    entry.node.addDependency(assets);
    acknowledgeDeploymentHandler(this, this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket));

    this.url = `https://${this.distribution.distributionDomainName}${CONSOLE_BASE_PATH}`;
    new CfnOutput(this, 'ConsoleUrl', { value: this.url });
  }
}

/**
 * CloudFront Function (JS 2.0) code: `/` and `/console` redirect to `/console/`; a path under `/console/` without a
 * file extension (a client-side route such as `/console/reports/42`) is served `/console/index.html`, as the local
 * stack does (`local/console-server.ts`); files are served as they are.
 */
export function spaRouteFunction(base: string): string {
  return [
    'function handler(event) {',
    '  var req = event.request;',
    '  var uri = req.uri;',
    `  if (uri === '/' || uri === '${base.slice(0, -1)}') {`,
    `    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${base}' } } };`,
    '  }',
    `  if (uri.indexOf('${base}') === 0 && uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {`,
    `    req.uri = '${base}index.html';`,
    '  }',
    '  return req;',
    '}',
  ].join('\n');
}

/**
 * The BucketDeployment handler is CDK's own singleton Lambda (a CloudFormation custom resource run at deploy time
 * only): its managed basic-execution policy, S3 wildcard grants and runtime are CDK's, not ours.
 */
function acknowledgeDeploymentHandler(stack: Stack, siteBucketLogicalId: string): void {
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    const reason =
      'CDK BucketDeployment handler (deploy-time custom resource provided by aws-cdk-lib): its role, grants and ' +
      'runtime are managed by CDK and run only during deployments; it reads the CDK asset bucket, writes the site ' +
      'bucket and invalidates the distribution (CloudFront invalidations take no resource ARN).';
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      `AwsSolutions-IAM5[Resource::<${siteBucketLogicalId}.Arn>/*]`,
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-L1',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaTracing',
      'Serverless-LambdaDefaultMemorySize',
      'Serverless-LambdaLatestVersion',
    ])
      Validations.of(child).acknowledge({ id, reason });
  }
}
