import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { describe, expect, it } from 'vitest';
import { addChecks, STRICT_CONTEXT } from '../../lib/checks';
import { STAGE_NAMES } from '../../lib/config';
import { ESM_REQUIRE_BANNER, LAMBDA_NAMES } from '../../lib/constructs/service-function';
import { formatViolations, readViolations } from '../../lib/synth';
import { scratchDir, synthesized } from './support/synth';
import { resourcesOf } from './support/template';

describe('synth gates (all stages, one synthesis)', () => {
  const s = synthesized();

  it('synthesizes dev, staging and prod without error', () => {
    expect(s.error?.message, formatViolations(s.violations)).toBeUndefined();
    for (const stage of STAGE_NAMES) {
      expect(s.hasStack(stage, 'Data')).toBe(true);
      expect(s.hasStack(stage, 'Api')).toBe(true);
    }
    console.info(`infra: synthesized ${STAGE_NAMES.length} stages in ${(s.durationMs / 1000).toFixed(1)} s`);
  });

  it('has zero unacknowledged cdk-nag (AwsSolutions, Serverless) and schema-validation errors', () => {
    expect(formatViolations(s.violations)).toBe('');
  });

  it('bundles every handler into an ES module that loads and exports `handler`', async () => {
    // Copied under node_modules/.cache so the SDK (external, provided by the Lambda runtime) resolves as in Lambda.
    const dir = fileURLToPath(new URL('../../node_modules/.cache/marketedge-infra/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const template = s.template('prod', 'Api');
    const fns = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(fns).toHaveLength(LAMBDA_NAMES.length);
    for (const fn of fns) {
      const name = String(fn.Properties?.FunctionName);
      const key = String(((fn.Properties?.Code ?? {}) as { S3Key?: string }).S3Key).replace(/\.zip$/, '');
      const bundle = join(s.outdir, `asset.${key}`, 'index.mjs');
      const text = readFileSync(bundle, 'utf8');
      expect(text.startsWith(ESM_REQUIRE_BANNER), name).toBe(true);
      const copy = join(dir, `${name}.mjs`);
      copyFileSync(bundle, copy);
      // Import with the function's own literal env vars (handlers validate their config at start-up);
      // deploy-time references (table names, Redis URL, usage plan ids) are left unset.
      const vars =
        ((fn.Properties?.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
      const saved = { ...process.env };
      for (const [k, v] of Object.entries(vars)) if (typeof v === 'string') process.env[k] = v;
      try {
        const mod = (await import(pathToFileURL(copy).href)) as { handler?: unknown };
        expect(typeof mod.handler, name).toBe('function');
      } finally {
        process.env = saved;
      }
    }
  });
});

/** A tiny app with one deliberate problem: proves each gate actually fails synthesis. */
function synthTiny(build: (stack: Stack) => void): { error?: Error; rules: string[] } {
  const outdir = mkdtempSync(join(scratchDir(), 'gate-'));
  const app = new App({ outdir, context: { ...STRICT_CONTEXT } });
  build(new Stack(app, 'Tiny'));
  addChecks(app);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { error, rules: readViolations(outdir).map((v) => v.rule) };
}

describe('the gates can fail', () => {
  it('cdk-nag fails synthesis on an unacknowledged finding (SQS queue without SSL/DLQ)', () => {
    const r = synthTiny((stack) => {
      new sqs.Queue(stack, 'Q');
    });
    expect(r.error).toBeInstanceOf(Error);
    expect(r.rules).toContain('AwsSolutions-SQS4');
  });

  it('strict schema validation fails synthesis on a property the CloudFormation schema rejects', () => {
    const r = synthTiny((stack) => {
      new wafv2.CfnIPSet(stack, 'Ips', {
        scope: 'REGIONAL',
        ipAddressVersion: 'IPV4',
        addresses: [],
        description: 'parentheses (are) not allowed',
      });
    });
    expect(r.error).toBeInstanceOf(Error);
    expect(r.rules.some((id) => /^[A-Z]\d+$/.test(id))).toBe(true);
  });
});
