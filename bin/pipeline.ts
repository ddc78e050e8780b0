#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addChecks } from '../lib/checks';
import { DeployPipelineStack } from '../lib/stacks/pipeline-stack';

/**
 * CDK app of the deploy pipeline (`npm run synth:pipeline`; deploy once with
 * `npx cdk deploy --app "npx tsx bin/pipeline.ts" MarketEdge-Pipeline`, after which it updates itself).
 * `-c connectionArn=arn:aws:codeconnections:…` sets the source connection. cdk-nag runs on every synth.
 */
const app = new App();
new DeployPipelineStack(app, 'MarketEdge-Pipeline', {
  description:
    'MarketEdge deploy pipeline: verify, then dev → staging → approval → prod with per-stage test steps',
  tags: { project: 'marketedge' },
});
addChecks(app);
app.synth();
