import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import type { StageConfig } from '../config';
import { CANARY_SCHEDULE_MINUTES, canaryName } from '../config/canary';
import { SETTINGS, settingEntry } from '../config/settings';
import { statefulRemovalPolicy } from '../stacks/data-stack';
import { LAMBDA_BUNDLING } from './lambda-bundling';

/** The canary script's entry (`canary/index.ts`). */
export const CANARY_ENTRY = fileURLToPath(new URL('../../canary/index.ts', import.meta.url));

/** The Synthetics runtime of the canary: Node.js 22 (Lambda's), Puppeteer not used (HTTP calls only). */
export const CANARY_RUNTIME = synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0;

/**
 * Bundles `canary/index.ts` into `<dir>/index.js` (CommonJS, `exports.handler`, minified) with the Lambdas' aliases
 * (`LAMBDA_BUNDLING`), and returns `dir`. The AWS SDK stays external (`LAMBDA_BUNDLING.external`): the canary imports
 * v3 clients (`@aws-sdk/client-secrets-manager`) and its runtime ships v3 — `syn-nodejs-puppeteer-13.0` runs on
 * Lambda's Node.js 22.x runtime (aws-cdk-lib's `Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0` TSDoc), and the Synthetics
 * runtime notes say Lambda Node.js 18 and later runtimes use the AWS SDK for JavaScript v3 (since
 * `syn-nodejs-puppeteer-8.0`; https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Library_nodejs_puppeteer.html);
 * the v2 `aws-sdk` the older Synthetics runtimes bundled is not there, so the canary must never import it.
 * @param dir output directory (default: a new temporary one, which {@link ApiCanary} removes once staged)
 */
export function bundleCanary(dir: string = mkdtempSync(join(tmpdir(), 'marketedge-canary-'))): string {
  mkdirSync(dir, { recursive: true });
  buildSync({
    entryPoints: [CANARY_ENTRY],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLING.target,
    format: 'cjs',
    minify: true,
    external: [...LAMBDA_BUNDLING.external],
    alias: { ...LAMBDA_BUNDLING.alias },
    logLevel: 'silent',
  });
  return dir;
}

/** Props of {@link ApiCanary}. */
export interface ApiCanaryProps {
  /** Validated stage config (Auth0 issuer and audience, canary secret name, removal policy). */
  readonly config: StageConfig;
  /** Base URL of the API stage the canary calls (the REST API's stage URL; a trailing `/` is dropped). */
  readonly apiUrl: string;
}

/**
 * The stage's CloudWatch Synthetics canary `marketedge-<stage>-api`: every `CANARY_SCHEDULE_MINUTES` minute it runs
 * `canary/index.ts` (`/health`, then `/v1/me` with a client-credentials token from the Auth0 M2M application whose
 * credentials are in Secrets Manager under `canary.secretName`). Artifacts (run reports, logs) go to a private,
 * TLS-only bucket kept 30 days. Its `SuccessPercent` is the stage's measured uptime (alarm `CanaryFailing`, SLO row
 * and canary row of the dashboard).
 */
export class ApiCanary extends Construct {
  readonly canary: synthetics.Canary;
  readonly artifacts: s3.Bucket;

  constructor(scope: Construct, id: string, props: ApiCanaryProps) {
    super(scope, id);
    const { config } = props;
    this.artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: statefulRemovalPolicy(config),
    });
    Validations.of(this.artifacts).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Canary run artifacts (reports, logs) written only by the canary role and expired after 30 days; access logs of them would be larger than the data.',
    });
    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'Credentials', config.canary.secretName);
    const bundleDir = bundleCanary();
    this.canary = new synthetics.Canary(this, 'Canary', {
      canaryName: canaryName(config.name),
      runtime: CANARY_RUNTIME,
      test: synthetics.Test.custom({ code: synthetics.Code.fromAsset(bundleDir), handler: 'index.handler' }),
      schedule: synthetics.Schedule.rate(Duration.minutes(CANARY_SCHEDULE_MINUTES)),
      timeout: Duration.seconds(45),
      environmentVariables: Object.fromEntries([
        settingEntry(SETTINGS.canaryApiUrl, props.apiUrl),
        settingEntry(SETTINGS.canarySecretName, config.canary.secretName),
        settingEntry(SETTINGS.auth0Issuer, config.auth0.issuer),
        settingEntry(SETTINGS.auth0Audience, config.auth0.audience),
      ]),
      artifactsBucketLocation: { bucket: this.artifacts, prefix: 'runs' },
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(30),
      activeTracing: true,
      startAfterCreation: true,
      provisionedResourceCleanup: true,
    });
    // Binding the code staged it: the bundle is copied into the cloud assembly (AssetStaging copies in its
    // constructor), so the temporary directory is removed now instead of piling up under /tmp with every synth —
    // unless asset staging is disabled (SAM local debugging), where the asset points at this directory itself.
    if (!this.node.tryGetContext(cxapi.DISABLE_ASSET_STAGING_CONTEXT)) {
      rmSync(bundleDir, { recursive: true, force: true });
    }
    secret.grantRead(this.canary.role);
    const bucketId = Stack.of(this).getLogicalId(this.artifacts.node.defaultChild as s3.CfnBucket);
    const reason =
      "The canary's execution role as aws-cdk-lib's Canary builds it for Synthetics: cloudwatch:PutMetricData " +
      '(Resource * with a CloudWatchSynthetics namespace condition; metrics take no ARN), xray:PutTraceSegments and ' +
      's3:ListAllMyBuckets (take no ARN), its own cwsyn-* Lambda log groups (named by Synthetics at creation) and ' +
      'its artifacts under runs/ of its own bucket.';
    for (const id of [
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/runs/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/cwsyn-*]',
      'Serverless-LambdaStarPermissions',
    ])
      Validations.of(this.canary.role).acknowledge({ id, reason });
  }
}
