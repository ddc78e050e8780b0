import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addChecks, STRICT_CONTEXT } from '../../lib/checks';
import { getStageConfig, type StageConfig, type StageName } from '../../lib/config';
import { SECURITY_RULES } from '../../lib/config/security';
import {
  ANALYTICS_LAMBDA_NAMES,
  LAMBDA_NAMES,
  SECURITY_LAMBDA_NAMES,
} from '../../lib/constructs/service-function';
import { addStage, stackName } from '../../lib/marketedge-stage';
import { cdkJsonContext, formatViolations, readViolations } from '../../lib/synth';
import { CONSOLE_FIXTURE_DIR, scratchDir } from './support/synth';
import { refId, resourcesOf } from './support/template';

/**
 * The Security stack under stage options the three real stages do not use, synthesized with the real gates
 * (cdk-nag, strict schema) and stand-in handlers (the bundles are asserted elsewhere): `dev` with the organization's
 * existing detector and an externally maintained threat list (bucket + key + format + expected owner from the
 * config). One stage only: each synthesized stage costs seconds of `npm run verify`.
 */
const ORG_DETECTOR = '0123456789abcdef0123456789abcdef';
const external = { bucket: 'acme-security-feeds', key: 'guardduty/threats.csv', format: 'OTX_CSV' } as const;

/** `name`'s config with its `security` section changed. */
function variant(name: StageName, security: Partial<StageConfig['security']>): StageConfig {
  const base = getStageConfig(name);
  return { ...base, security: { ...base.security, ...security } };
}

const STUB = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));

function synth() {
  const outdir = mkdtempSync(join(scratchDir(), 'security-variants-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...STRICT_CONTEXT } });
  const entries = Object.fromEntries(
    [...LAMBDA_NAMES, ...SECURITY_LAMBDA_NAMES, ...ANALYTICS_LAMBDA_NAMES].map((n) => [n, STUB]),
  );
  const withList = variant('dev', {
    guardDuty: { mode: 'existing', detectorId: ORG_DETECTOR },
    threatIntel: { ...external, expectedBucketOwner: '111122223333' },
  });
  addStage(app, withList, { entries, consoleAssetDir: CONSOLE_FIXTURE_DIR });
  addChecks(app);
  const assembly = app.synth();
  const template = (stage: StageName) =>
    Template.fromJSON(
      assembly.getStackByName(stackName(stage, 'Security')).template as Record<string, unknown>,
    );
  return { template, violations: readViolations(outdir) };
}

describe('security stack variants', () => {
  const s = synth();

  it('synthesizes with the gates clean', () => {
    expect(formatViolations(s.violations)).toBe('');
  });

  it('existing organization detector: none created, GuardDuty rules and the responder still wired', () => {
    const stage = 'dev';
    const t = s.template(stage);
    expect(Object.keys(resourcesOf(t, 'AWS::GuardDuty::Detector'))).toHaveLength(0);
    const fns = resourcesOf(t, 'AWS::Lambda::Function');
    const responder = Object.entries(fns).find(
      ([, f]) => f.Properties?.FunctionName === `marketedge-${stage}-security-responder`,
    )?.[0];
    expect(responder).toBeDefined();
    const rules = Object.values(resourcesOf(t, 'AWS::Events::Rule'));
    for (const rule of SECURITY_RULES) {
      const r = rules.find((x) => x.Properties?.Name === `marketedge-${stage}-${rule.id}`);
      expect(r?.Properties?.EventPattern, rule.id).toEqual(JSON.parse(JSON.stringify(rule.pattern)));
      const targets = (r?.Properties?.Targets ?? []) as { Arn: unknown }[];
      expect(targets, rule.id).toHaveLength(rule.targets.length);
      if (rule.targets.includes('responder'))
        expect(
          targets.map((x) => refId(x.Arn)),
          rule.id,
        ).toContain(responder);
    }
  });

  it('dev: the threat-intel set reads the configured bucket, key and format on the organization detector', () => {
    const t = s.template('dev');
    const sets = Object.values(resourcesOf(t, 'AWS::GuardDuty::ThreatIntelSet'));
    expect(sets).toHaveLength(1);
    expect(sets[0]?.Properties).toEqual({
      DetectorId: ORG_DETECTOR,
      Name: 'marketedge-dev-threat-intel',
      Format: 'OTX_CSV',
      Location: `https://s3.amazonaws.com/${external.bucket}/${external.key}`,
      ExpectedBucketOwner: '111122223333',
      Activate: true,
    });
    // No list of the repository is uploaded and no bucket is made for it.
    expect(Object.keys(resourcesOf(t, 'Custom::CDKBucketDeployment'))).toHaveLength(0);
    const buckets = Object.keys(resourcesOf(t, 'AWS::S3::Bucket'));
    expect(buckets.filter((id) => id.startsWith('ThreatIntel'))).toEqual([]);
  });
});
