import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BuildSpec, CfnProject, ComputeType, LinuxBuildImage } from 'aws-cdk-lib/aws-codebuild';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import { Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import {
  CodeBuildStep,
  CodePipeline,
  CodePipelineSource,
  ManualApprovalStep,
  type Step,
} from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { getStageConfig, type StageConfig, type StageName } from '../config';
import { PIPELINE, type PipelineConfig } from '../config/pipeline';
import { SETTINGS } from '../config/settings';
import { PRIVATE_BUCKET } from '../constructs/buckets';
import { resolvedStageFlags } from '../constructs/feature-flags';
import { MarketEdgeAppStage, type StageBuilder } from '../pipeline/app-stage';
import { type JUnitReport, type TestStepSpec, testStepsFor } from '../pipeline/test-steps';

/** Props of {@link DeployPipelineStack}. */
export interface DeployPipelineStackProps extends StackProps {
  /** Source, build image, stage order and approvals. @default PIPELINE (lib/config/pipeline.ts) */
  readonly pipeline?: PipelineConfig;
  /** Stage configuration by name; the testing flags are resolved from it at synth. @default getStageConfig */
  readonly stageConfig?: (stage: StageName) => StageConfig;
  /** Builds each stage's stacks. @default the real stacks (addStage) */
  readonly build?: StageBuilder;
}

/** The commands of the synth step: the whole test suite (`npm run verify`), then the pipeline app's synth. */
export const SYNTH_COMMANDS = [
  'npm ci --no-audit --no-fund',
  'bash scripts/browsers.sh',
  'npm run verify',
  'npx cdk synth --app "npx tsx bin/pipeline.ts"',
] as const;

/** JUnit files `npm run verify` leaves behind (Vitest projects, Playwright end-to-end and visual suites). */
export const SYNTH_REPORTS: readonly JUnitReport[] = [
  { name: 'vitest', baseDirectory: 'test-results/vitest', file: 'junit.xml' },
  { name: 'e2e', baseDirectory: 'test-results/e2e', file: 'junit.xml' },
  { name: 'visual', baseDirectory: 'test-results/visual', file: 'junit.xml' },
];

/** A buildspec fragment sending JUnit XML files to CodeBuild test reports. */
export function junitReports(reports: readonly JUnitReport[]): BuildSpec {
  return BuildSpec.fromObject({
    reports: Object.fromEntries(
      reports.map((r) => [
        r.name,
        { files: [r.file], 'base-directory': r.baseDirectory, 'file-format': 'JUNITXML' },
      ]),
    ),
  });
}

/**
 * The deploy pipeline (CDK Pipelines, `aws-cdk-lib/pipelines`): source (GitHub through CodeConnections) → synth
 * (`npm run verify`, then `cdk synth` of this app) → self-mutation and asset publishing → one CDK stage per stage
 * in `PIPELINE.stages` (dev → staging → manual approval → prod). Each stage's testing flags, resolved from its stage
 * config at synth, decide its test steps (lib/pipeline/test-steps.ts): `frontend_testing_enabled` adds
 * `FrontendTests` before the stage deploys, `e2e_testing_enabled` adds `E2ETests` and
 * `visual_regression_testing_enabled` adds `VisualTests` after it (both with `E2E_BASE_URL` = the stage's API URL).
 * A stage waiting for approval runs its pre-deploy tests first, so the approver sees their result. Every step's
 * JUnit XML goes to CodeBuild test reports. Synth needs no AWS credentials.
 */
export class DeployPipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  /** The pipeline stages, by stage name. */
  readonly stages: Partial<Record<StageName, MarketEdgeAppStage>> = {};

  constructor(scope: Construct, id: string, props: DeployPipelineStackProps = {}) {
    super(scope, id, props);
    const cfg = props.pipeline ?? PIPELINE;
    const stageConfig = props.stageConfig ?? getStageConfig;
    const connectionArn =
      (this.node.tryGetContext('connectionArn') as string | undefined) ?? cfg.connectionArn;
    const source = CodePipelineSource.connection(cfg.repository, cfg.branch, { connectionArn });

    const artifactBucket = new Bucket(this, 'Artifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      ...PRIVATE_BUCKET,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(artifactBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Pipeline artifact bucket: only the pipeline roles read and write it (build inputs/outputs); CloudTrail ' +
        'records the pipeline and its role sessions, so per-object access logs would add nothing.',
    });

    const synth = new CodeBuildStep('Synth', {
      input: source,
      commands: [...SYNTH_COMMANDS],
      primaryOutputDirectory: 'cdk.out',
      partialBuildSpec: junitReports(SYNTH_REPORTS),
      timeout: Duration.minutes(60),
    });

    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: 'marketedge-deploy',
      pipelineType: PipelineType.V2,
      synth,
      artifactBucket,
      crossAccountKeys: false,
      codeBuildDefaults: {
        buildEnvironment: {
          buildImage: LinuxBuildImage.fromDockerRegistry(cfg.buildImage),
          computeType: ComputeType.MEDIUM,
        },
      },
    });

    for (const name of cfg.stages) {
      const config = stageConfig(name);
      const stage = new MarketEdgeAppStage(this, name, { config, build: props.build });
      this.stages[name] = stage;
      const tests = testStepsFor(resolvedStageFlags(config));
      const pre: Step[] = tests.pre.map((s) => testStep(s, name, source, stage));
      if (cfg.approvalBefore.includes(name)) {
        const approval = new ManualApprovalStep(`Approve-${name}`, {
          comment: `Promote to ${name}: the earlier stages deployed and passed their tests.`,
        });
        for (const t of pre) approval.addStepDependency(t);
        pre.push(approval);
      }
      const post = tests.post.map((s) => testStep(s, name, source, stage));
      this.pipeline.addStage(stage, { pre, post });
    }
    // Build now (instead of lazily at synth) so the generated CodeBuild projects and roles exist to be reviewed.
    this.pipeline.buildPipeline();
    this.acknowledgeFindings(artifactBucket);
  }

  /**
   * cdk-nag findings on what CDK Pipelines generates, each acknowledged with its reason (every other finding fails
   * synth). They sit on the pipeline construct only, never on the stages' stacks.
   */
  private acknowledgeFindings(artifactBucket: Bucket): void {
    const bucketArn = `<${this.getLogicalId(artifactBucket.node.defaultChild as CfnBucket)}.Arn>`;
    const projects = this.pipeline.node.findAll().filter((c): c is CfnProject => c instanceof CfnProject);
    Validations.of(this.pipeline).acknowledge(
      {
        id: 'AwsSolutions-CB4',
        reason:
          'Build artifacts are this repository and its cloud assembly (no secrets), encrypted at rest with ' +
          'S3-managed keys in a private, TLS-only bucket; a customer-managed KMS key would only add cost here.',
      },
      {
        id: 'AwsSolutions-CB5',
        reason:
          'Debian 12 + Node 20 (public ECR mirror of the official node image): the suites need Debian chromium and ' +
          'firefox-esr packages (Ubuntu-based CodeBuild images only ship chromium as a snap).',
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'CDK Pipelines grants read/write on its own artifact bucket only (resource-scoped to that bucket).',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
        reason:
          'Objects of the pipeline artifact bucket: the pipeline and its steps exchange build artifacts there.',
      },
      ...projects.flatMap((p) => {
        const id = this.getLogicalId(p);
        return [
          {
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<${id}>:*]`,
            reason: 'A CodeBuild project writes log streams (unknown names) in its own log group only.',
          },
          {
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<${id}>-*]`,
            reason:
              'JUnit test reports: a project creates report groups named after itself only (<project>-<report>).',
          },
        ];
      }),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/*]',
        reason:
          'Asset publishing: one role serves the generated per-asset CodeBuild projects, whose log groups are ' +
          'named by CodeBuild (/aws/codebuild/<project>); limited to CodeBuild log groups of this account/region.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/*]',
        reason:
          'Asset publishing role (shared by generated projects): CodeBuild report groups of this account only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:*:iam::<AWS::AccountId>:role/*]',
        reason:
          'Self-mutation assumes the CDK bootstrap roles; the statement is conditioned on the ' +
          'aws-cdk:bootstrap-role tag (deploy, file-publishing, image-publishing).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Self-mutation: cloudformation:DescribeStacks and s3:ListBucket (read-only) on the stacks and asset ' +
          'buckets the CDK CLI discovers at run time.',
      },
    );
  }
}

/** A CodeBuild step running one test spec for one stage. */
function testStep(
  spec: TestStepSpec,
  stageName: StageName,
  source: CodePipelineSource,
  stage: MarketEdgeAppStage,
): CodeBuildStep {
  return new CodeBuildStep(`${spec.id}-${stageName}`, {
    input: source,
    commands: [...spec.commands],
    env: { CI: 'true', [SETTINGS.stage.name]: stageName },
    envFromCfnOutputs: spec.needsStageUrl ? { E2E_BASE_URL: stage.apiUrl } : undefined,
    partialBuildSpec: junitReports(spec.reports),
    timeout: Duration.minutes(30),
  });
}
