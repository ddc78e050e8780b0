import { type CfnOutput, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { addStage } from '../marketedge-stage';

/**
 * Builds a stage's stacks inside a pipeline `Stage` and returns the output holding the stage's API URL.
 * The default is {@link realStageBuilder}; tests of the pipeline's shape pass a lighter one.
 */
export type StageBuilder = (stage: Stage, config: StageConfig) => { apiUrl: CfnOutput };

/** The real stacks of a stage (`addStage`): data, API and, when enabled, monitoring. */
export const realStageBuilder: StageBuilder = (stage, config) => {
  const { api } = addStage(stage, config);
  return { apiUrl: api.node.findChild('ApiUrl') as CfnOutput };
};

/** Props of {@link MarketEdgeAppStage}. */
export interface MarketEdgeAppStageProps extends StageProps {
  /** Validated stage config. */
  readonly config: StageConfig;
  /** Builds the stacks. @default realStageBuilder */
  readonly build?: StageBuilder;
}

/** One deployment stage of the pipeline (a CDK `Stage` holding the stage's stacks). */
export class MarketEdgeAppStage extends Stage {
  /** The API stack's `ApiUrl` output (the post-deploy test steps read it as `E2E_BASE_URL`). */
  readonly apiUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: MarketEdgeAppStageProps) {
    super(scope, id, props);
    this.apiUrl = (props.build ?? realStageBuilder)(this, props.config).apiUrl;
  }
}
