import { describe, expect, it } from 'vitest';
import { getStageConfig, LAMBDA_INSIGHTS_VERSION, STAGE_NAMES } from '../../lib/config';
import { resolvedStageFlags } from '../../lib/constructs/feature-flags';
import { LAMBDA_NAMES } from '../../lib/constructs/service-function';
import { synthesized } from './support/synth';
import { flatten, resourcesOf } from './support/template';

describe.each(STAGE_NAMES)('APM — %s', (stage) => {
  const s = synthesized();

  it('runs the Lambda Insights extension on every Lambda (layer per region from CDK’s table) with its policy', () => {
    const template = s.template(stage, 'Api');
    const fns = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(fns).toHaveLength(LAMBDA_NAMES.length);
    const json = JSON.stringify(template.toJSON());
    const version = LAMBDA_INSIGHTS_VERSION.replaceAll('.', '');
    for (const fn of fns) {
      const layers = flatten(fn.Properties?.Layers);
      expect(layers, String(fn.Properties?.FunctionName)).toMatch(/LambdaInsights|lambdainsights/i);
    }
    // The region → ARN table CDK writes when the stack's region is not known at synth (or the ARN itself).
    expect(json).toMatch(new RegExp(`LambdaInsightsExtension-Arm64|${version}`));
    const roles = Object.values(resourcesOf(template, 'AWS::IAM::Role'));
    const withInsights = roles.filter((r) =>
      flatten(r.Properties?.ManagedPolicyArns).includes('CloudWatchLambdaInsightsExecutionRolePolicy'),
    );
    expect(withInsights.length).toBeGreaterThanOrEqual(LAMBDA_NAMES.length);
  });
});

const MONITORED = STAGE_NAMES.filter((st) => resolvedStageFlags(getStageConfig(st)).apm_monitoring_enabled);

describe.each(MONITORED)('APM dashboard — %s', (stage) => {
  const s = synthesized();

  it('shows DynamoDB and Redis latency per operation (p50, p99) and Lambda Insights on the dashboard', () => {
    const body = flatten(
      Object.values(resourcesOf(s.template(stage, 'Monitoring'), 'AWS::CloudWatch::Dashboard'))[0]?.Properties
        ?.DashboardBody,
    );
    for (const metric of ['DynamoDbLatency', 'RedisLatency']) {
      for (const stat of ['p50', 'p99']) {
        expect(body).toMatch(
          new RegExp(`SEARCH\\(.{0,80}${metric}.{0,20}stage=.{0,6}${stage}.{0,10}', '${stat}'`),
        );
      }
    }
    expect(body).toContain('LambdaInsights');
    expect(body).toContain('memory_utilization');
  });
});
