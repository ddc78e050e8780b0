import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../lib/config';
import { SECURITY_RULES } from '../../lib/config/security';
import { MANAGED_RULE_GROUPS } from '../../lib/constructs/edge-waf';
import { SECURITY_DASHBOARD_WIDGETS } from '../../lib/security/dashboard';
import { securityLogGroupName } from '../../lib/stacks/security-stack';
import { synthesized } from './support/synth';
import { flatten, refId, resourcesOf } from './support/template';

type Json = Record<string, unknown>;

describe.each(STAGE_NAMES)('security — %s', (stage) => {
  const s = synthesized();
  const t = () => s.template(stage, 'Security');
  const sec = getStageConfig(stage).security;
  const only = (type: string) => {
    const all = Object.entries(resourcesOf(t(), type));
    expect(all, type).toHaveLength(1);
    return all[0] as [string, { Properties?: Json }];
  };
  const byName = (type: string, key: string, name: string) => {
    const found = Object.entries(resourcesOf(t(), type)).find(([, r]) => r.Properties?.[key] === name);
    expect(found, `${type} ${name}`).toBeDefined();
    return found as [string, { Properties: Json }];
  };
  const fnId = (name: string) =>
    byName('AWS::Lambda::Function', 'FunctionName', `marketedge-${stage}-${name}`)[0];
  const [keyId] = only('AWS::KMS::Key');

  it('CloudTrail: multi-region, management + audit-table and log-bucket data events, file validation, KMS', () => {
    const [, trail] = only('AWS::CloudTrail::Trail');
    const p = trail.Properties ?? {};
    expect(p).toMatchObject({
      IsLogging: true,
      EnableLogFileValidation: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      TrailName: `marketedge-${stage}`,
    });
    expect(refId(p.KMSKeyId)).toBe(keyId);
    const selectors = p.AdvancedEventSelectors as { Name: string; FieldSelectors: Json[] }[];
    expect(selectors.map((x) => x.Name)).toEqual([
      'Management events',
      'Log bucket objects',
      'Audit table items',
    ]);
    expect(selectors[0]?.FieldSelectors).toEqual([{ Field: 'eventCategory', Equals: ['Management'] }]);
    expect(selectors[1]?.FieldSelectors).toContainEqual({
      Field: 'resources.type',
      Equals: ['AWS::S3::Object'],
    });
    const bucketArns = selectors[1]?.FieldSelectors.find((f) => f.Field === 'resources.ARN')?.StartsWith;
    expect(bucketArns).toHaveLength(2);
    const audit = selectors[2]?.FieldSelectors ?? [];
    expect(audit).toContainEqual({ Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] });
    // The audit table lives in the Data stack: imported by export.
    expect(flatten(audit.find((f) => f.Field === 'resources.ARN'))).toMatch(/Audit/);
  });

  it(`trail bucket: KMS, versioned, ${sec.trailRetentionDays} days, object lock ${sec.objectLock ? 'on' : 'off'}`, () => {
    const [trailId] = only('AWS::CloudTrail::Trail');
    const trail = resourcesOf(t(), 'AWS::CloudTrail::Trail')[trailId];
    const bucketId = refId(trail?.Properties?.S3BucketName);
    const bucket = resourcesOf(t(), 'AWS::S3::Bucket')[bucketId ?? ''];
    const p = bucket?.Properties ?? {};
    expect(flatten(p.BucketEncryption)).toContain('aws:kms');
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(flatten(p.LifecycleConfiguration)).toContain(`"ExpirationInDays":${sec.trailRetentionDays}`);
    if (sec.objectLock) {
      expect(p.ObjectLockEnabled).toBe(true);
      expect(p.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: sec.trailRetentionDays } },
      });
    } else {
      expect(p.ObjectLockEnabled).toBeUndefined();
    }
  });

  it('GuardDuty detector with a threat-intel set loaded from S3 (the stack bucket holding the repository list)', () => {
    const [detectorId, detector] = only('AWS::GuardDuty::Detector');
    expect(sec.guardDuty.mode).toBe('create');
    expect(detector.Properties).toMatchObject({ Enable: true });
    const [intelId, intel] = only('AWS::GuardDuty::ThreatIntelSet');
    expect(sec.threatIntel?.bucket).toBeUndefined();
    expect(intel.Properties).toMatchObject({ Format: sec.threatIntel?.format, Activate: true });
    expect(refId(intel.Properties?.DetectorId)).toBe(detectorId);
    const [bucketId] = Object.keys(resourcesOf(t(), 'AWS::S3::Bucket')).filter((id) =>
      id.startsWith('ThreatIntel'),
    );
    expect(intel.Properties?.Location).toEqual({
      'Fn::Join': ['', ['https://s3.amazonaws.com/', { Ref: bucketId }, `/${sec.threatIntel?.key}`]],
    });
    const [uploadId] = Object.keys(resourcesOf(t(), 'Custom::CDKBucketDeployment'));
    expect(uploadId).toBeDefined();
    const deps = (t().toJSON() as { Resources: Record<string, { DependsOn?: string[] }> }).Resources[intelId]
      ?.DependsOn;
    expect(deps).toContain(uploadId);
  });

  it('EventBridge rules: GuardDuty by band (high → page + responder, medium → ticket), detections, CloudTrail alerts', () => {
    const responder = fnId('security-responder');
    const topics = resourcesOf(t(), 'AWS::SNS::Topic');
    const topicOf = (name: string) =>
      Object.entries(topics).find(
        ([, r]) => r.Properties?.TopicName === `marketedge-${stage}-security-${name}`,
      )?.[0];
    for (const rule of SECURITY_RULES) {
      const [, r] = byName('AWS::Events::Rule', 'Name', `marketedge-${stage}-${rule.id}`);
      expect(r.Properties.EventPattern, rule.id).toEqual(JSON.parse(JSON.stringify(rule.pattern)));
      const targets = r.Properties.Targets as Json[];
      const ids = targets.map((x) => refId(x.Arn));
      const expected = rule.targets.map((x) => (x === 'responder' ? responder : topicOf(x)));
      expect(ids, rule.id).toEqual(expected);
      for (const target of targets) expect(target.DeadLetterConfig, `${rule.id} DLQ`).toBeDefined();
    }
    const high = SECURITY_RULES.find((r) => r.id === 'GuardDutyHigh');
    expect(high?.targets).toEqual(['page', 'responder']);
    expect(SECURITY_RULES.find((r) => r.id === 'GuardDutyMedium')?.targets).toEqual(['ticket']);
    const ids = SECURITY_RULES.map((r) => r.id);
    for (const alert of [
      'RootAccountUse',
      'ConsoleLoginWithoutMfa',
      'AccessKeyCreated',
      'WafChanged',
      'GatewayAuthChanged',
    ])
      expect(ids).toContain(alert);
    const [, sweep] = byName('AWS::Events::Rule', 'Name', `marketedge-${stage}-expirySweep`);
    expect(sweep.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(refId((sweep.Properties.Targets as Json[])[0]?.Arn)).toBe(responder);
    const [, hourly] = byName('AWS::Events::Rule', 'Name', `marketedge-${stage}-anomalyHourly`);
    expect(refId((hourly.Properties.Targets as Json[])[0]?.Arn)).toBe(fnId('security-events'));
  });

  it('responder: one writer (reserved concurrency 1), dead-letter queue with an alarm, owns both WAF IP sets', () => {
    const id = fnId('security-responder');
    const fn = resourcesOf(t(), 'AWS::Lambda::Function')[id]?.Properties ?? {};
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    const dlq = refId((fn.DeadLetterConfig as Json).TargetArn);
    const queues = resourcesOf(t(), 'AWS::SQS::Queue');
    expect(queues[dlq ?? '']?.Properties?.QueueName).toBe(`marketedge-${stage}-security-responder-dlq`);
    const env = (fn.Environment as { Variables: Json }).Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['WAF_IPSET_V4_ARN', 'WAF_IPSET_V6_ARN', 'SECURITY_TABLE', 'APPCONFIG_PROFILE']),
    );
    const invoke = Object.values(resourcesOf(t(), 'AWS::Lambda::EventInvokeConfig'));
    expect(flatten(invoke[0]?.Properties?.DestinationConfig)).toContain(dlq ?? '-');
    const alarm = byName(
      'AWS::CloudWatch::Alarm',
      'AlarmName',
      `marketedge-${stage}-security-responder-dlq`,
    )[1];
    expect(flatten(alarm.Properties.Dimensions)).toContain(dlq ?? '-');
    expect(refId((alarm.Properties.AlarmActions as unknown[])[0])).toBeDefined();
    const policies = flatten(resourcesOf(t(), 'AWS::IAM::Policy'));
    expect(policies).toContain('wafv2:UpdateIPSet');
  });

  it(`security log group: ${securityLogGroupName(stage)}, ${sec.securityLogRetentionDays} days, KMS; subscriptions feed it`, () => {
    const [, group] = byName('AWS::Logs::LogGroup', 'LogGroupName', securityLogGroupName(stage));
    expect(group.Properties.RetentionInDays).toBe(sec.securityLogRetentionDays);
    if (stage === 'prod') expect(group.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
    expect(refId(group.Properties.KmsKeyId)).toBe(keyId);
    const subs = Object.values(resourcesOf(t(), 'AWS::Logs::SubscriptionFilter'));
    for (const sub of subs) expect(refId(sub.Properties?.DestinationArn)).toBe(fnId('security-events'));
    const filters = Object.fromEntries(
      subs.map((x) => [String(x.Properties?.FilterName), x.Properties?.FilterPattern]),
    );
    // The access log whole; the Lambdas that log security events: only those lines.
    expect(filters).toEqual({
      [`marketedge-${stage}-access-security`]: '',
      ...Object.fromEntries(
        ['authorizer', 'admin', 'edgeproxy', 'responder'].map((n) => [
          `marketedge-${stage}-${n}-security`,
          '{ $.security_event.type = "*" }',
        ]),
      ),
    });
    expect(subs.map((x) => flatten(x.Properties?.LogGroupName)).join(' ')).toContain(
      `/aws/apigateway/marketedge-${stage}/access`,
    );
  });

  it('security dashboard: auth failures, top IPs, active blocks, findings, WAF blocks by rule, anomalies', () => {
    const [, dash] = only('AWS::CloudWatch::Dashboard');
    expect(dash.Properties?.DashboardName).toBe(`marketedge-${stage}-security`);
    const body = flatten(dash.Properties?.DashboardBody);
    for (const title of SECURITY_DASHBOARD_WIDGETS) expect(body).toContain(title);
    expect(body).toContain('AWS/WAFV2');
    expect(body).toContain(`marketedge-${stage}-api`);
  });

  it('topics are encrypted with the stack key (EventBridge and alarms can publish)', () => {
    for (const topic of Object.values(resourcesOf(t(), 'AWS::SNS::Topic')))
      expect(refId(topic.Properties?.KmsMasterKeyId)).toBe(keyId);
  });

  it('WAF: IPv4 and IPv6 automated-block sets, IP-reputation and anonymous-IP managed lists', () => {
    const api = s.template(stage, 'Api');
    const sets = resourcesOf(api, 'AWS::WAFv2::IPSet');
    expect(Object.values(sets).map((x) => x.Properties?.IPAddressVersion)).toEqual(['IPV4', 'IPV6']);
    const acl = Object.values(resourcesOf(api, 'AWS::WAFv2::WebACL'))[0]?.Properties ?? {};
    const rules = acl.Rules as { Statement: Record<string, { Name?: string; Arn?: unknown }> }[];
    const referenced = rules.map((r) => refId(r.Statement.IPSetReferenceStatement?.Arn)).filter(Boolean);
    expect(referenced).toEqual(Object.keys(sets));
    expect(MANAGED_RULE_GROUPS).toEqual(
      expect.arrayContaining(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList']),
    );
  });
});
