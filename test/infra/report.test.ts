import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext, formatViolations, readViolations } from '../../lib/synth';
import { scratchDir } from './support/synth';

describe('validation report reading', () => {
  it('returns no violations when there is no report', () => {
    expect(readViolations(mkdtempSync(join(scratchDir(), 'report-')))).toEqual([]);
  });

  it('keeps error-severity findings only, with their construct paths', () => {
    const dir = mkdtempSync(join(scratchDir(), 'report-'));
    writeFileSync(
      join(dir, 'validation-report.json'),
      JSON.stringify({
        pluginReports: [
          {
            pluginName: 'AwsSolutions',
            violations: [
              {
                ruleName: 'AwsSolutions-SQS4',
                description: 'no SSL',
                severity: 'error',
                violatingConstructs: [{ constructPath: 'S/Q/Resource' }],
              },
              { ruleName: 'AwsSolutions-X1', description: 'a warning', severity: 'warning' },
            ],
          },
          {
            pluginName: 'CloudFormation Validate',
            violations: [{ ruleName: 'F3031', description: 'pattern' }],
          },
          { pluginName: 'Serverless' },
        ],
      }),
    );
    const violations = readViolations(dir);
    expect(violations).toEqual([
      {
        plugin: 'AwsSolutions',
        rule: 'AwsSolutions-SQS4',
        severity: 'error',
        description: 'no SSL',
        constructs: ['S/Q/Resource'],
      },
      {
        plugin: 'CloudFormation Validate',
        rule: 'F3031',
        severity: 'error',
        description: 'pattern',
        constructs: [],
      },
    ]);
    expect(formatViolations(violations)).toBe(
      'AwsSolutions AwsSolutions-SQS4 — no SSL (S/Q/Resource)\nCloudFormation Validate F3031 — pattern ()',
    );
  });

  it('reads the strict schema-validation switch from cdk.json', () => {
    expect(cdkJsonContext()['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
  });
});
