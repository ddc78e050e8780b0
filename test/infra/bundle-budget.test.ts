import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGE_NAMES } from '../../lib/config';
import { LAMBDA_BUNDLE_BUDGET_KIB } from '../../lib/config/budgets';
import { LAMBDA_NAMES } from '../../lib/constructs/service-function';
import { synthesized } from './support/synth';
import { resourcesOf } from './support/template';

describe('Lambda bundle budgets (lib/config/budgets.ts) on the synthesized assets', () => {
  const s = synthesized();

  it.each(STAGE_NAMES)('%s: every deployed bundle is within its minified-size budget', (stage) => {
    const fns = Object.values(resourcesOf(s.template(stage, 'Api'), 'AWS::Lambda::Function'));
    expect(fns).toHaveLength(LAMBDA_NAMES.length);
    const sizes: Record<string, number> = {};
    for (const fn of fns) {
      const functionName = String(fn.Properties?.FunctionName);
      const name = LAMBDA_NAMES.find((n) => functionName === `marketedge-${stage}-${n}`);
      expect(name, functionName).toBeDefined();
      const key = String(((fn.Properties?.Code ?? {}) as { S3Key?: string }).S3Key).replace(/\.zip$/, '');
      const kib = statSync(join(s.outdir, `asset.${key}`, 'index.mjs')).size / 1024;
      sizes[name as string] = Math.round(kib);
      expect(kib, `${functionName}: ${kib.toFixed(1)} KiB`).toBeLessThanOrEqual(
        LAMBDA_BUNDLE_BUDGET_KIB[name as (typeof LAMBDA_NAMES)[number]],
      );
    }
    expect(Object.keys(sizes).sort()).toEqual([...LAMBDA_NAMES].sort());
  });

  it.each(STAGE_NAMES)(
    '%s: the admin bundle carries the S3 presigner (not in the Lambda runtime); no other API bundle does',
    (stage) => {
      const fns = Object.values(resourcesOf(s.template(stage, 'Api'), 'AWS::Lambda::Function'));
      for (const fn of fns) {
        const name = String(fn.Properties?.FunctionName).replace(`marketedge-${stage}-`, '');
        const key = String(((fn.Properties?.Code ?? {}) as { S3Key?: string }).S3Key).replace(/\.zip$/, '');
        const code = readFileSync(join(s.outdir, `asset.${key}`, 'index.mjs'), 'utf8');
        // Never imported from the runtime: it is bundled (its presign middleware name is in the code) or absent.
        expect(code, name).not.toMatch(/["']@aws-sdk\/s3-request-presigner["']/);
        expect(code.includes('presignInterceptMiddleware'), name).toBe(name === 'admin');
      }
    },
  );
});
