import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addChecks, STRICT_CONTEXT } from './checks';
import { getStageConfig, STAGE_NAMES, type StageName } from './config';
import type { LambdaName } from './constructs/service-function';
import { addStage, type MarketEdgeStage } from './marketedge-stage';

/** One violation in CDK's validation report (cdk-nag or CloudFormation schema validation). */
export interface Violation {
  plugin: string;
  rule: string;
  severity: string;
  description: string;
  constructs: string[];
}

/** Options of {@link synthesizeStages}. */
export interface SynthesizeOptions {
  /** Cloud assembly directory. */
  outdir: string;
  /** Stages to synthesize (default all). */
  stages?: readonly StageName[];
  /** Handler entries by Lambda (tests). */
  entries?: Partial<Record<LambdaName, string>>;
  /** Built console directory (tests pass a fixture); default `web/dist`. */
  consoleAssetDir?: string;
  /** Extra context (merged over cdk.json's context). */
  context?: Record<string, unknown>;
}

/** What a synthesis produced. */
export interface SynthesisResult {
  app: App;
  stages: Partial<Record<StageName, MarketEdgeStage>>;
  /** Set when synthesis succeeded. */
  assembly?: CloudAssembly;
  /** Set when synthesis failed (validation errors or a construct error). */
  error?: Error;
  /** Error-severity findings of the validation plugins (empty when the gates pass). */
  violations: Violation[];
  /** Wall time, ms. */
  durationMs: number;
}

/** The `context` block of the repository's cdk.json (feature flags and strict validation). */
export function cdkJsonContext(): Record<string, unknown> {
  const file = fileURLToPath(new URL('../cdk.json', import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

/**
 * Synthesizes stages in-process with the same context and gates as `cdk synth` (cdk.json context, strict
 * CloudFormation schema validation, cdk-nag AwsSolutions + Serverless). Never throws for a failed synthesis:
 * the error and the validation report's violations are returned.
 * @throws {StageConfigError} only for an invalid stage config (before any construct exists)
 */
export function synthesizeStages(options: SynthesizeOptions): SynthesisResult {
  const started = performance.now();
  const app = new App({
    outdir: options.outdir,
    context: { ...cdkJsonContext(), ...STRICT_CONTEXT, ...options.context },
  });
  const stages: SynthesisResult['stages'] = {};
  for (const name of options.stages ?? STAGE_NAMES) {
    stages[name] = addStage(app, getStageConfig(name), {
      entries: options.entries,
      consoleAssetDir: options.consoleAssetDir,
    });
  }
  addChecks(app);
  let assembly: CloudAssembly | undefined;
  let error: Error | undefined;
  try {
    assembly = app.synth();
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  return {
    app,
    stages,
    assembly,
    error,
    violations: readViolations(options.outdir),
    durationMs: performance.now() - started,
  };
}

/** Error-severity violations from `<outdir>/validation-report.json` (none when the file is absent). */
export function readViolations(outdir: string): Violation[] {
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports?: Array<{
      pluginName: string;
      violations?: Array<{
        ruleName: string;
        description: string;
        severity?: string;
        violatingConstructs?: Array<{ constructPath: string }>;
      }>;
    }>;
  };
  return (report.pluginReports ?? []).flatMap((p) =>
    (p.violations ?? [])
      .filter((v) => (v.severity ?? 'error') === 'error')
      .map((v) => ({
        plugin: p.pluginName,
        rule: v.ruleName,
        severity: v.severity ?? 'error',
        description: v.description,
        constructs: (v.violatingConstructs ?? []).map((c) => c.constructPath),
      })),
  );
}

/** One line per violation: `plugin rule — description (construct, …)`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => `${v.plugin} ${v.rule} — ${v.description} (${v.constructs.join(', ')})`)
    .join('\n');
}
