import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/**
 * Registers the synth-time gates on `app`: cdk-nag `AwsSolutionsChecks` and `ServerlessChecks` through CDK's
 * `Validations` (cdk-nag 3). Unacknowledged errors fail synthesis; acknowledgements live next to their constructs
 * (`Validations.of(construct).acknowledge({ id, reason })`). CloudFormation schema validation is switched strict
 * by the `@aws-cdk/core:validateAgainstDefaultRules` context (cdk.json, and {@link STRICT_CONTEXT} for tests).
 */
export function addChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** Context that makes CDK validate every template against the CloudFormation schemas (see cdk.json). */
export const STRICT_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true } as const;
