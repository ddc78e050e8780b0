#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addChecks } from '../lib/checks';
import { getStageConfig, STAGE_NAMES } from '../lib/config';
import { addStage } from '../lib/marketedge-stage';

/**
 * CDK entry point. `cdk synth -c stage=prod` synthesizes one stage; without `-c stage` every stage.
 * Invalid stage config fails here, before any construct is created, with the field path in the message.
 * cdk-nag (AwsSolutions + Serverless) runs on every synth; unacknowledged findings fail it.
 */
const app = new App();
const requested = app.node.tryGetContext('stage') as string | undefined;
for (const stage of requested ? [requested] : STAGE_NAMES) {
  addStage(app, getStageConfig(stage));
}
addChecks(app);
app.synth();
