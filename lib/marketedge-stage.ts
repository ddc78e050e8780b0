import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';

/**
 * Adds every stack of one stage (`MarketEdge-<stage>-<Part>`) to the app.
 * @param scope the CDK app
 * @param config validated stage config (`getStageConfig`)
 */
export function addStage(scope: Construct, config: StageConfig): Stack[] {
  const env =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  return [
    new Stack(scope, `MarketEdge-${config.name}-Foundation`, {
      env,
      description: `MarketEdge ${config.name}`,
    }),
  ];
}
