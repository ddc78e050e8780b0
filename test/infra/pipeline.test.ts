import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnOutput, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { addChecks, STRICT_CONTEXT } from '../../lib/checks';
import { FLAGS, type FlagName, getStageConfig, STAGE_NAMES, type StageName } from '../../lib/config';
import { PIPELINE } from '../../lib/config/pipeline';
import { resolvedStageFlags } from '../../lib/constructs/feature-flags';
import type { StageBuilder } from '../../lib/pipeline/app-stage';
import { TEST_STEPS } from '../../lib/pipeline/test-steps';
import { DeployPipelineStack, SYNTH_COMMANDS } from '../../lib/stacks/pipeline-stack';
import { formatViolations, readViolations } from '../../lib/synth';
import { scratchDir } from './support/synth';
import { resourcesOf } from './support/template';

/**
 * A stage with one stack holding a file asset and the `ApiUrl` output: the pipeline's shape (steps, order,
 * approvals, asset publishing) does not depend on what a stage deploys, and the real stages are synthesized and
 * checked by the other infra files. bin/pipeline.ts wires the real stacks (realStageBuilder).
 */
const lightStage: StageBuilder = (stage, config) => {
  const s = new Stack(stage, `Light-${config.name}`);
  new Asset(s, 'Bundle', { path: 'local/fixtures/seed.json' });
  new CfnWaitConditionHandle(s, 'Placeholder');
  return { apiUrl: new CfnOutput(s, 'ApiUrl', { value: `https://${config.name}.api.example/` }) };
};

interface Action {
  Name: string;
  RunOrder: number;
  ActionTypeId: { Category: string; Provider: string };
  Configuration?: Record<string, unknown>;
}

/** Synthesizes the pipeline app with the real gates; `flags` overrides one or more flags in every stage. */
function synthPipeline(flags: Partial<Record<FlagName, boolean>> = {}) {
  const outdir = mkdtempSync(join(scratchDir(), 'pipeline-'));
  const app = new App({ outdir, context: { ...STRICT_CONTEXT } });
  const stack = new DeployPipelineStack(app, 'MarketEdge-Pipeline', {
    build: lightStage,
    stageConfig: (name) => {
      const base = getStageConfig(name);
      return { ...base, flagOverrides: { ...base.flagOverrides, ...flags } };
    },
  });
  addChecks(app);
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  const violations = readViolations(outdir);
  const template = error ? undefined : Template.fromStack(stack);
  const stages = template
    ? (
        Object.values(resourcesOf(template, 'AWS::CodePipeline::Pipeline'))[0]!.Properties!.Stages as {
          Name: string;
          Actions: Action[];
        }[]
      ).map((s) => ({ name: s.Name, actions: [...s.Actions].sort((a, b) => a.RunOrder - b.RunOrder) }))
    : [];
  const actions = (stage: string) => stages.find((s) => s.name === stage)?.actions ?? [];
  const names = (stage: string) => actions(stage).map((a) => a.Name);
  const testNames = (stage: string) =>
    actions(stage)
      .filter((a) => a.ActionTypeId.Provider === 'CodeBuild')
      .map((a) => a.Name);
  return { error, violations, template, stages, actions, names, testNames };
}

/** The step's buildspec (the CodeBuild project of the action named `actionName`). */
function buildSpecOf(template: Template, actions: Action[], actionName: string): Record<string, unknown> {
  const action = actions.find((a) => a.Name === actionName);
  if (!action?.Configuration) throw new Error(`no action ${actionName}`);
  const projectId = (action.Configuration.ProjectName as { Ref: string }).Ref;
  const project = resourcesOf(template, 'AWS::CodeBuild::Project')[projectId]!;
  const source = project.Properties!.Source as { BuildSpec: string };
  return JSON.parse(source.BuildSpec) as Record<string, unknown>;
}

const catalog = synthPipeline();
const ALL_OFF = Object.fromEntries(TEST_STEPS.map((s) => [s.flag, false])) as Partial<
  Record<FlagName, boolean>
>;
const allOff = synthPipeline(ALL_OFF);

describe('deploy pipeline (CDK Pipelines)', () => {
  it('synthesizes without AWS credentials and passes cdk-nag and strict schema validation', () => {
    expect(catalog.error, formatViolations(catalog.violations)).toBeUndefined();
    expect(formatViolations(catalog.violations)).toBe('');
  });

  it('runs source → synth → self-mutation → assets → dev → staging → prod', () => {
    expect(catalog.stages.map((s) => s.name)).toEqual([
      'Source',
      'Build',
      'UpdatePipeline',
      'Assets',
      ...PIPELINE.stages,
    ]);
    expect(PIPELINE.stages).toEqual(STAGE_NAMES);
  });

  it('synth step runs npm run verify and sends JUnit XML to CodeBuild reports', () => {
    expect(SYNTH_COMMANDS).toContain('npm run verify');
    const spec = buildSpecOf(catalog.template!, catalog.actions('Build'), 'Synth') as {
      phases: { build: { commands: string[] } };
      reports: Record<string, { 'file-format': string; files: string[] }>;
    };
    expect(spec.phases.build.commands).toEqual([...SYNTH_COMMANDS]);
    expect(Object.keys(spec.reports).sort()).toEqual(['e2e', 'visual', 'vitest']);
    for (const r of Object.values(spec.reports)) expect(r['file-format']).toBe('JUNITXML');
  });

  it('waits for a manual approval before prod only, after prod’s pre-deploy tests', () => {
    for (const stage of STAGE_NAMES) {
      const approvals = catalog.actions(stage).filter((a) => a.ActionTypeId.Category === 'Approval');
      expect(approvals.map((a) => a.Name)).toEqual(stage === 'prod' ? ['Approve-prod'] : []);
    }
    const prod = catalog.actions('prod');
    const approval = prod.find((a) => a.Name === 'Approve-prod')!;
    const firstDeploy = prod.find((a) => a.ActionTypeId.Category === 'Deploy')!;
    expect(approval.RunOrder).toBeLessThan(firstDeploy.RunOrder);
  });

  it('gives each stage the test steps of its catalog flags (pre-deploy and post-deploy)', () => {
    for (const stage of STAGE_NAMES) {
      const flags = resolvedStageFlags(getStageConfig(stage));
      const actions = catalog.actions(stage);
      const deployOrders = actions.filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RunOrder);
      for (const step of TEST_STEPS) {
        const action = actions.find((a) => a.Name === `${step.id}-${stage}`);
        expect(Boolean(action), `${stage} ${step.id} (${step.flag}=${flags[step.flag]})`).toBe(
          flags[step.flag],
        );
        if (!action) continue;
        if (step.placement === 'pre') expect(action.RunOrder).toBeLessThan(Math.min(...deployOrders));
        else expect(action.RunOrder).toBeGreaterThan(Math.max(...deployOrders));
      }
    }
  });

  it('with every testing flag off, no stage has a test step', () => {
    expect(formatViolations(allOff.violations)).toBe('');
    for (const stage of STAGE_NAMES) {
      expect(allOff.testNames(stage)).toEqual([]);
    }
  });

  describe.each(TEST_STEPS)('$flag', (step) => {
    // This flag on, the other testing flags off: exactly this step appears, in every stage.
    const on = synthPipeline({ ...ALL_OFF, [step.flag]: true });

    it(`on adds "${step.id}" to every stage, off removes it from every stage`, () => {
      expect(formatViolations(on.violations)).toBe('');
      for (const stage of STAGE_NAMES as readonly StageName[]) {
        // Compared on test steps (CodeBuild actions): deploy actions are named by CDK (a stage with a pre step
        // deploys through Prepare + Deploy change-set actions).
        const added = on.testNames(stage).filter((n) => !allOff.testNames(stage).includes(n));
        expect(added).toEqual([`${step.id}-${stage}`]);
        expect(allOff.names(stage)).not.toContain(`${step.id}-${stage}`);
      }
    });

    it(`"${step.id}" runs the repository's command and reports JUnit XML`, () => {
      const spec = buildSpecOf(on.template!, on.actions('dev'), `${step.id}-dev`) as {
        phases: { build: { commands: string[] } };
        reports: Record<string, { files: string[]; 'base-directory': string; 'file-format': string }>;
      };
      expect(spec.phases.build.commands).toEqual([...step.commands]);
      for (const r of step.reports) {
        expect(spec.reports[r.name]).toEqual({
          files: [r.file],
          'base-directory': r.baseDirectory,
          'file-format': 'JUNITXML',
        });
      }
      const actionEnv = on.actions('dev').find((a) => a.Name === `${step.id}-dev`)!.Configuration!
        .EnvironmentVariables as string | undefined;
      const env = JSON.parse(actionEnv ?? '[]') as { name: string; value: string }[];
      const url = env.find((e) => e.name === 'E2E_BASE_URL');
      if (step.needsStageUrl) expect(url?.value).toMatch(/^#\{.*Lightdev.*\.ApiUrl\}$/);
      else expect(url).toBeUndefined();
    });

    it('catalog text says exactly that', () => {
      const text = FLAGS[step.flag].effect;
      expect(text).toContain(`"${step.id}" step`);
      expect(text).toContain(
        step.placement === 'pre' ? 'before this stage deploys' : 'after this stage deploys',
      );
      expect(text).toContain('off removes the step');
      expect(text).toMatch(/^Deploy pipeline: adds an? /);
    });
  });
});
