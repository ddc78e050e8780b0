import { Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FLAG_NAMES, FLAGS, type Flags, flagDefaults, type StageConfig } from '../config';
import { SETTINGS } from '../config/settings';

/**
 * The `AWS.AppConfig.FeatureFlags` document (schema version 1) for a stage: one boolean flag per catalog entry
 * (`lib/config/flags.ts`), described by its documented effect, valued by the stage default overlaid with the stage's
 * `flagOverrides`. See https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html
 * @returns `{ version: '1', flags: { <name>: { name, description } }, values: { <name>: { enabled } } }`
 */
export function featureFlagsDocument(config: StageConfig): {
  version: '1';
  flags: Record<string, { name: string; description: string }>;
  values: Record<string, { enabled: boolean }>;
} {
  const values = resolvedStageFlags(config);
  return {
    version: '1',
    flags: Object.fromEntries(FLAG_NAMES.map((n) => [n, { name: n, description: FLAGS[n].effect }])),
    values: Object.fromEntries(FLAG_NAMES.map((n) => [n, { enabled: values[n] }])),
  };
}

/** Catalog defaults of the stage overlaid with its `flagOverrides` (what AppConfig serves after deploy). */
export function resolvedStageFlags(config: StageConfig): Flags {
  return { ...flagDefaults(config.name), ...(config.flagOverrides as Partial<Flags>) };
}

/** Names Lambdas use to read the flags (`APPCONFIG_APPLICATION`/`_ENVIRONMENT`/`_PROFILE`). */
export function appConfigNames(stage: string): { application: string; environment: string; profile: string } {
  return { application: `marketedge-${stage}`, environment: stage, profile: 'feature-flags' };
}

/**
 * AWS AppConfig feature flags of one stage: application `marketedge-<stage>`, environment `<stage>`, a hosted
 * `AWS.AppConfig.FeatureFlags` profile `feature-flags`, a hosted version generated from the flag catalog and its
 * deployment with the stage's `flagRollout` strategy (immediate, or linear with a bake; `lib/config/stages.ts`).
 */
export class FeatureFlags extends Construct {
  /** Env vars for a Lambda reading the flags through Powertools `AppConfigProvider`. */
  readonly environment: Readonly<Record<string, string>>;
  private readonly configurationArn: string;

  constructor(scope: Construct, id: string, config: StageConfig) {
    super(scope, id);
    const names = appConfigNames(config.name);
    const app = new appconfig.CfnApplication(this, 'Application', {
      name: names.application,
      description: `MarketEdge ${config.name} feature flags`,
    });
    const env = new appconfig.CfnEnvironment(this, 'Environment', {
      applicationId: app.attrApplicationId,
      name: names.environment,
    });
    const profile = new appconfig.CfnConfigurationProfile(this, 'Profile', {
      applicationId: app.attrApplicationId,
      name: names.profile,
      locationUri: 'hosted',
      type: 'AWS.AppConfig.FeatureFlags',
      description: 'Generated from lib/config/flags.ts (FLAGS)',
    });
    const version = new appconfig.CfnHostedConfigurationVersion(this, 'Version', {
      applicationId: app.attrApplicationId,
      configurationProfileId: profile.attrConfigurationProfileId,
      contentType: 'application/json',
      content: JSON.stringify(featureFlagsDocument(config)),
      description: `Flag catalog values for ${config.name}`,
    });
    // Custom strategies: the predefined AppConfig.AllAtOnce bakes for 10 minutes, which would hold every deploy.
    const rollout = config.flagRollout;
    const linear = rollout.kind === 'linear';
    const strategy = new appconfig.CfnDeploymentStrategy(this, 'Strategy', {
      name: `marketedge-${config.name}-flags-${rollout.kind}`,
      description: linear
        ? `${rollout.growthPercent} % per minute, ${rollout.bakeMinutes} min bake`
        : 'All at once, no bake (non-prod)',
      deploymentDurationInMinutes: linear ? rollout.durationMinutes : 0,
      growthFactor: linear ? rollout.growthPercent : 100,
      growthType: 'LINEAR',
      finalBakeTimeInMinutes: linear ? rollout.bakeMinutes : 0,
      replicateTo: 'NONE',
    });
    const strategyId = strategy.attrId;
    new appconfig.CfnDeployment(this, 'Deployment', {
      applicationId: app.attrApplicationId,
      environmentId: env.attrEnvironmentId,
      configurationProfileId: profile.attrConfigurationProfileId,
      configurationVersion: version.attrVersionNumber,
      deploymentStrategyId: strategyId,
      description: 'Deploys the generated flag catalog',
    });
    this.environment = {
      [SETTINGS.appConfigApplication.name]: names.application,
      [SETTINGS.appConfigEnvironment.name]: names.environment,
      [SETTINGS.appConfigProfile.name]: names.profile,
    };
    this.configurationArn = Stack.of(this).formatArn({
      service: 'appconfig',
      resource: 'application',
      resourceName: `${app.attrApplicationId}/environment/${env.attrEnvironmentId}/configuration/${profile.attrConfigurationProfileId}`,
    });
  }

  /** Lets `grantee` start AppConfigData sessions on this stage's flag profile, and nothing else. */
  grantRead(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
        resources: [this.configurationArn],
      }),
    );
  }
}
