import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES, type StageName } from '../../../lib/config';
import { LAMBDA_NAMES, type LambdaName } from '../../../lib/constructs/service-function';
import { defaultLambdaEntry } from '../../../lib/stacks/api-stack';
import { type SynthesisResult, synthesizeStages } from '../../../lib/synth';

/**
 * Handler entries: the real `lambdas/<name>/handler.ts` when it exists; otherwise a placeholder from
 * `test/infra/fixtures/lambdas/` (only while a handler is still being written by its owner) — listed in
 * {@link placeholders} so a test can report it.
 */
function entries(): { entries: Record<LambdaName, string>; placeholders: LambdaName[] } {
  const placeholders: LambdaName[] = [];
  const map = Object.fromEntries(
    LAMBDA_NAMES.map((name) => {
      const real = defaultLambdaEntry(name);
      if (existsSync(real)) return [name, real];
      placeholders.push(name);
      return [name, fileURLToPath(new URL(`../fixtures/lambdas/${name}/handler.ts`, import.meta.url))];
    }),
  ) as Record<LambdaName, string>;
  return { entries: map, placeholders };
}

/** The synthesized app of all three stages, shared by every infra test file in this worker. */
export interface Synthesized extends SynthesisResult {
  outdir: string;
  placeholders: LambdaName[];
  /** Template of `MarketEdge-<stage>-<part>`; throws when synthesis failed or the stack does not exist. */
  template(stage: StageName, part: 'Data' | 'Api' | 'Monitoring'): Template;
  hasStack(stage: StageName, part: 'Data' | 'Api' | 'Monitoring'): boolean;
}

let shared: Synthesized | undefined;

/**
 * Synthesizes dev, staging and prod once per worker (the infra project runs its files in one worker without
 * isolation, so every file reuses this result) with the real gates: cdk-nag + strict schema validation.
 */
export function synthesized(): Synthesized {
  if (shared) return shared;
  const outdir = mkdtempSync(join(tmpdir(), 'marketedge-infra-'));
  const { entries: map, placeholders } = entries();
  const result = synthesizeStages({ outdir, stages: STAGE_NAMES, entries: map });
  const templates = new Map<string, Template>();
  const stackName = (stage: StageName, part: string) => `MarketEdge-${stage}-${part}`;
  shared = {
    ...result,
    outdir,
    placeholders,
    hasStack: (stage, part) =>
      result.assembly?.stacks.some((s) => s.stackName === stackName(stage, part)) ?? false,
    template(stage, part) {
      const name = stackName(stage, part);
      let t = templates.get(name);
      if (!t) {
        if (!result.assembly) throw new Error(`synthesis failed: ${result.error?.message}`);
        t = Template.fromJSON(result.assembly.getStackByName(name).template as Record<string, unknown>);
        templates.set(name, t);
      }
      return t;
    },
  };
  return shared;
}
