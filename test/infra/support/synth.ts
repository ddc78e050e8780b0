import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES, type StageName } from '../../../lib/config';
import { type SynthesisResult, synthesizeStages } from '../../../lib/synth';

/** The synthesized app of all three stages, shared by every infra test file in this worker. */
export interface Synthesized extends SynthesisResult {
  outdir: string;
  /** Template of `MarketEdge-<stage>-<part>`; throws when synthesis failed or the stack does not exist. */
  template(
    stage: StageName,
    part: 'Data' | 'Api' | 'Analytics' | 'Console' | 'Monitoring' | 'Security',
  ): Template;
  hasStack(
    stage: StageName,
    part: 'Data' | 'Api' | 'Analytics' | 'Console' | 'Monitoring' | 'Security',
  ): boolean;
}

let shared: Synthesized | undefined;

/** A stand-in console build (`index.html` + one hashed asset) for synthesis in tests. */
export const CONSOLE_FIXTURE_DIR = fileURLToPath(new URL('../fixtures/console-dist', import.meta.url));

/**
 * `<tmp>/marketedge-infra`, holding one assembly per test run. Workers are killed rather than exited, so runs older
 * than an hour are removed here instead of at exit (concurrent runs keep their own directories).
 */
export function scratchDir(): string {
  const dir = join(tmpdir(), 'marketedge-infra');
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    try {
      if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
  return dir;
}

/**
 * Synthesizes dev, staging and prod once per worker (the infra project runs its files in one worker without
 * isolation, so every file reuses this result) with the real gates: cdk-nag + strict schema validation.
 */
export function synthesized(): Synthesized {
  if (shared) return shared;
  const outdir = mkdtempSync(join(scratchDir(), 'synth-'));
  // The real handlers (`lambdas/<name>/handler.ts`), bundled by the local esbuild exactly as `cdk synth` does.
  // A small stand-in for the console build (web/dist exists only after `npm run build:web`).
  const result = synthesizeStages({ outdir, stages: STAGE_NAMES, consoleAssetDir: CONSOLE_FIXTURE_DIR });
  const templates = new Map<string, Template>();
  const stackName = (stage: StageName, part: string) => `MarketEdge-${stage}-${part}`;
  shared = {
    ...result,
    outdir,
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
