#!/usr/bin/env node
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STAGE_NAMES } from '../lib/config';
import { formatViolations, synthesizeStages } from '../lib/synth';

/**
 * `npm run synth`: synthesizes every stage (dev, staging, prod) into `cdk.out/` with the same gates as
 * `cdk synth` (strict CloudFormation schema validation, cdk-nag AwsSolutions + Serverless), then prints the wall
 * time. Exits 1 on any unacknowledged finding or synthesis error. Deploy from the result with
 * `npx cdk deploy --app cdk.out …` or let the CDK CLI synthesize again (`npx cdk deploy -c stage=<s> --all`).
 */
const outdir = fileURLToPath(new URL('../cdk.out', import.meta.url));
rmSync(outdir, { recursive: true, force: true });
const result = synthesizeStages({ outdir });
const seconds = (result.durationMs / 1000).toFixed(1);
if (result.error || result.violations.length > 0) {
  console.error(formatViolations(result.violations) || result.error?.message);
  console.error(`synth FAILED for ${STAGE_NAMES.join(', ')} after ${seconds} s`);
  process.exit(1);
}
const stacks = result.assembly?.stacks.map((s) => s.stackName) ?? [];
console.log(`synthesized ${stacks.length} stacks (${stacks.join(', ')}) into cdk.out/`);
console.log(
  `synth of ${STAGE_NAMES.join(', ')}: ${seconds} s (gates: cdk-nag AwsSolutions + Serverless, strict schema validation)`,
);
