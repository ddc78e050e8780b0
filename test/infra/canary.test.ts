import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../lib/config';
import { alarmName, CANARY_FAILED_RUNS } from '../../lib/config/alarms';
import { CANARY_NAMESPACE, canaryName } from '../../lib/config/canary';
import { synthesized } from './support/synth';
import { flatten, policyStatements, resourcesOf } from './support/template';

describe.each(STAGE_NAMES)('uptime canary — %s', (stage) => {
  const config = getStageConfig(stage);
  const s = synthesized();
  const api = () => s.template(stage, 'Api');
  const canary = () => {
    const all = Object.values(resourcesOf(api(), 'AWS::Synthetics::Canary'));
    expect(all).toHaveLength(1);
    return all[0]?.Properties ?? {};
  };

  it('runs the bundled canary script every minute on the Node.js 22 Synthetics runtime, tracing on', () => {
    expect(canary()).toMatchObject({
      Name: canaryName(stage),
      RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
      Schedule: { Expression: 'rate(1 minute)' },
      StartCanaryAfterCreation: true,
      Code: { Handler: 'index.handler' },
      RunConfig: { ActiveTracing: true, TimeoutInSeconds: 45 },
    });
  });

  it("calls this stage's API with the stage's issuer, audience and canary secret name", () => {
    const env = (canary().RunConfig as { EnvironmentVariables: Record<string, unknown> })
      .EnvironmentVariables;
    expect(env.CANARY_SECRET_NAME).toBe(config.canary.secretName);
    expect(env.AUTH0_ISSUER).toBe(config.auth0.issuer);
    expect(env.AUTH0_AUDIENCE).toBe(config.auth0.audience);
    expect(flatten(env.CANARY_API_URL)).toMatch(/^https:\/\/\$\{GatewayApi[0-9A-F]+\}\.execute-api\./);
  });

  it('may read its secret (and only by that name) and write artifacts to its own TLS-only bucket', () => {
    const reads = policyStatements(api()).filter((st) => st.Action.includes('secretsmanager:GetSecretValue'));
    const canaryReads = reads.filter((st) =>
      flatten(st.Resource).includes(`secret:${config.canary.secretName}-`),
    );
    expect(canaryReads).toHaveLength(1);
    expect(canaryReads[0]?.roles.join(' ')).toMatch(/CanaryServiceRole/);
    const location = flatten(canary().ArtifactS3Location);
    const bucketId = /\$\{(CanaryArtifacts[0-9A-F]+)\}/.exec(location)?.[1] ?? '';
    const bucket = resourcesOf(api(), 'AWS::S3::Bucket')[bucketId]?.Properties ?? {};
    expect(flatten(bucket.PublicAccessBlockConfiguration)).toContain('"BlockPublicAcls":true');
    expect(flatten(bucket.LifecycleConfiguration)).toContain('"ExpirationInDays":30');
    const policies = Object.values(resourcesOf(api(), 'AWS::S3::BucketPolicy')).filter(
      (p) => flatten(p.Properties?.Bucket) === `\${${bucketId}}`,
    );
    expect(flatten(policies[0]?.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('CanaryFailing pages when SuccessPercent < 100 in 2 of 3 one-minute periods, or when runs stop', () => {
    const alarms = Object.values(resourcesOf(s.template(stage, 'Monitoring'), 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties ?? {},
    );
    const alarm = alarms.find((a) => a.AlarmName === alarmName(stage, 'CanaryFailing'));
    expect(alarm).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 100,
      EvaluationPeriods: CANARY_FAILED_RUNS + 1,
      DatapointsToAlarm: CANARY_FAILED_RUNS,
      TreatMissingData: 'breaching',
    });
    const [query] = (alarm?.Metrics ?? []) as Array<{ MetricStat?: Record<string, unknown> }>;
    expect(query?.MetricStat).toMatchObject({
      Metric: {
        Namespace: CANARY_NAMESPACE,
        MetricName: 'SuccessPercent',
        Dimensions: [{ Name: 'CanaryName', Value: canaryName(stage) }],
      },
      Period: 60,
      Stat: 'Average',
    });
    expect(String(alarm?.AlarmDescription)).toContain('docs/runbooks.md#canary-failing');
    expect(alarm?.AlarmActions).toHaveLength(1);
    expect(alarm?.OKActions).toHaveLength(1);
  });

  it('the dashboard shows canary uptime over the SLO window, per 5 minutes, and the run duration', () => {
    const dashboards = Object.values(
      resourcesOf(s.template(stage, 'Monitoring'), 'AWS::CloudWatch::Dashboard'),
    );
    const body = dashboards.map((d) => flatten(d.Properties?.DashboardBody)).join('\n');
    expect(body).toContain(`Uptime measured by the canary (${config.slo.windowDays} d`);
    const canaryMetric = (m: string) =>
      new RegExp(
        `\\[\\\\?"${CANARY_NAMESPACE}\\\\?",\\\\?"${m}\\\\?",\\\\?"CanaryName\\\\?",\\\\?"${canaryName(stage)}`,
      );
    expect(body).toMatch(canaryMetric('SuccessPercent'));
    expect(body).toMatch(canaryMetric('Duration'));
    expect(body).toContain(`"period":${config.slo.windowDays * 86_400}`);
  });
});
