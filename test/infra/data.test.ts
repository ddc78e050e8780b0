import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES, STAGES, TABLES } from '../../lib/config';
import { physicalTableName } from '../../lib/constructs/tables';
import { DataStack } from '../../lib/stacks/data-stack';
import { synthesized } from './support/synth';
import { refId, resourcesOf } from './support/template';

describe.each(STAGE_NAMES)('data — %s', (stage) => {
  const s = synthesized();
  const t = () => s.template(stage, 'Data');
  const retained = stage !== 'dev';

  it('creates every table of the data model with PITR, encryption, TTL and the stage policies', () => {
    const tables = Object.values(resourcesOf(t(), 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const [name, spec] of Object.entries(TABLES)) {
      const table = tables.find(
        (x) => x.Properties?.TableName === physicalTableName(stage, name as keyof typeof TABLES),
      );
      expect(table, name).toBeDefined();
      const p = table?.Properties ?? {};
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.SSESpecification).toMatchObject({ SSEEnabled: true });
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      const keys = p.KeySchema as Array<{ AttributeName: string; KeyType: string }>;
      expect(keys[0]).toEqual({ AttributeName: spec.partitionKey.name, KeyType: 'HASH' });
      if ('sortKey' in spec) expect(keys[1]).toEqual({ AttributeName: spec.sortKey.name, KeyType: 'RANGE' });
      if ('ttlAttribute' in spec) {
        expect(p.TimeToLiveSpecification).toEqual({ AttributeName: spec.ttlAttribute, Enabled: true });
      }
      expect(p.DeletionProtectionEnabled ?? false).toBe(stage === 'prod');
      expect(table?.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    }
  });

  it('runs ElastiCache Serverless (Valkey, TLS-only, encrypted) in isolated subnets, open only to the Lambdas', () => {
    const template = t();
    const caches = Object.values(resourcesOf(template, 'AWS::ElastiCache::ServerlessCache'));
    expect(caches).toHaveLength(1);
    const cache = caches[0]?.Properties ?? {};
    expect(cache.Engine).toBe('valkey');
    expect(cache.ServerlessCacheName).toBe(`marketedge-${stage}-ratelimit`);
    expect(caches[0]?.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    // Serverless caches only accept TLS and are always encrypted at rest; the Lambdas connect with rediss://.
    const sgIds = (cache.SecurityGroupIds as unknown[]).map((x) => refId(x));
    expect(sgIds).toHaveLength(1);
    const cacheSg = resourcesOf(template, 'AWS::EC2::SecurityGroup')[sgIds[0] ?? ''];
    const rules =
      (cacheSg?.Properties?.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? [];
    const separate = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress'))
      .map((r) => r.Properties ?? {})
      .filter((r) => refId(r.GroupId) === sgIds[0]);
    const all = [...rules, ...separate];
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) {
      expect(r.CidrIp, 'no CIDR ingress on the cache').toBeUndefined();
      expect(refId(r.SourceSecurityGroupId)).toMatch(/LambdaSg/);
      expect(r.FromPort).toBe(6379);
      expect(r.ToPort).toBe(6380);
    }
    const subnets = resourcesOf(template, 'AWS::EC2::Subnet');
    for (const subnet of cache.SubnetIds as unknown[]) {
      const id = refId(subnet) ?? '';
      expect(id).toMatch(/cache/i);
      expect(subnets[id]?.Properties?.MapPublicIpOnLaunch).toBe(false);
    }
  });

  it('has DynamoDB and S3 gateway endpoints, an AppConfigData interface endpoint and VPC flow logs', () => {
    const template = t();
    const endpoints = Object.values(resourcesOf(template, 'AWS::EC2::VPCEndpoint')).map(
      (e) => e.Properties ?? {},
    );
    expect(
      endpoints.some(
        (e) => JSON.stringify(e.ServiceName).includes('dynamodb') && e.VpcEndpointType === 'Gateway',
      ),
    ).toBe(true);
    // S3 on every route table of the Lambda subnets: the admin API's Athena export manifests stay off the NAT.
    const s3 = endpoints.filter(
      (e) => JSON.stringify(e.ServiceName).includes('.s3') && e.VpcEndpointType === 'Gateway',
    );
    expect(s3).toHaveLength(1);
    const routeTables = Object.entries(resourcesOf(template, 'AWS::EC2::RouteTable'))
      .filter(([id]) => /lambdas/i.test(id))
      .map(([id]) => id);
    expect(routeTables.length).toBeGreaterThan(0);
    const s3Tables = (s3[0]!.RouteTableIds as unknown[]).map((r) => refId(r));
    for (const id of routeTables) expect(s3Tables).toContain(id);
    expect(
      endpoints.some(
        (e) => JSON.stringify(e.ServiceName).includes('appconfigdata') && e.VpcEndpointType === 'Interface',
      ),
    ).toBe(true);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    const natCount = Object.keys(resourcesOf(template, 'AWS::EC2::NatGateway')).length;
    expect(natCount).toBe(stage === 'prod' ? 2 : 1);
  });

  it('keeps log retention from the stage config on the flow logs', () => {
    const groups = Object.values(resourcesOf(t(), 'AWS::Logs::LogGroup'));
    for (const g of groups)
      expect(g.Properties?.RetentionInDays).toBe(getStageConfig(stage).logRetentionDays);
  });
});

describe('data stack with a pinned account and region', () => {
  it('synthesizes without credentials or context lookups (AZs named from the region)', () => {
    const app = new App();
    const config = getStageConfig('prod', { ...STAGES.prod, account: '123456789012', region: 'eu-west-1' });
    const stack = new DataStack(app, 'Pinned', {
      config,
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const template = Template.fromStack(stack);
    const azs = Object.values(resourcesOf(template, 'AWS::EC2::Subnet')).map(
      (x) => x.Properties?.AvailabilityZone,
    );
    expect(new Set(azs)).toEqual(new Set(['eu-west-1a', 'eu-west-1b']));
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });
});
