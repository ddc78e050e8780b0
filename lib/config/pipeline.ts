import type { StageName } from './stage-names';

/**
 * The deploy pipeline's settings (CDK Pipelines, `lib/stacks/pipeline-stack.ts`): where the source comes from, the
 * build image of its CodeBuild steps and the order of stages. Which test steps a stage gets is not here: it follows
 * the stage's testing flags (`lib/config/flags.ts`, resolved from the stage config at synth).
 */
export interface PipelineConfig {
  /** Source repository, `owner/name` (GitHub, through an AWS CodeConnections connection). */
  repository: string;
  branch: string;
  /**
   * ARN of the CodeConnections connection authorized for the repository (created once in the console; docs/deploy.md).
   * `-c connectionArn=…` overrides it at synth.
   */
  connectionArn: string;
  /**
   * Build image of every CodeBuild step: Debian 12 with Node 20, the distribution the suites are made for
   * (`apt-get install chromium firefox-esr` works; Ubuntu's chromium is a snap). Public ECR mirror of Docker Hub's
   * official image, so no Docker Hub credentials or rate limits.
   */
  buildImage: string;
  /** Stages in deploy order. */
  stages: readonly StageName[];
  /** Stages that wait for a manual approval before they deploy. */
  approvalBefore: readonly StageName[];
}

/** The pipeline configuration. */
export const PIPELINE: PipelineConfig = {
  repository: 'marketedge/marketedge-platform',
  branch: 'main',
  connectionArn:
    'arn:aws:codeconnections:eu-west-1:111111111111:connection/00000000-0000-0000-0000-000000000000',
  buildImage: 'public.ecr.aws/docker/library/node:20-bookworm',
  stages: ['dev', 'staging', 'prod'],
  approvalBefore: ['prod'],
};
