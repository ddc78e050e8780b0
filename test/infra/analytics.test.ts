import { describe, expect, it } from 'vitest';
import {
  ANALYTICS_ENV,
  ANALYTICS_QUERY_NAMES,
  analyticsDatabaseName,
  analyticsSecretName,
  EVENT_COLUMNS,
  EVENTS_TABLE,
  getStageConfig,
  PARTITION_KEYS,
  STAGE_NAMES,
} from '../../lib/config';
import { ANALYTICS_METRICS, METRICS_NAMESPACE } from '../../lib/config/metrics';
import { SETTINGS } from '../../lib/config/settings';
import { namedQueryText } from '../../lib/constructs/analytics-queries';
import { LAMBDA_NAMES } from '../../lib/constructs/service-function';
import { ANALYTICS_EMITTERS } from '../../lib/stacks/analytics-stack';
import { synthesized } from './support/synth';
import { flatten, policyStatements, refId, resourcesOf } from './support/template';

type Json = Record<string, unknown>;

describe.each(STAGE_NAMES)('analytics — %s', (stage) => {
  const s = synthesized();
  const t = () => s.template(stage, 'Analytics');
  const cfg = getStageConfig(stage).analytics;
  const retained = stage !== 'dev';

  it('Firehose: KMS, dynamic partitioning by tenant and day, Parquet via the Glue table, error prefix, stage buffering', () => {
    const streams = Object.values(resourcesOf(t(), 'AWS::KinesisFirehose::DeliveryStream'));
    expect(streams).toHaveLength(1);
    const p = streams[0]?.Properties ?? {};
    expect(p.DeliveryStreamName).toBe(`marketedge-${stage}-analytics`);
    expect(p.DeliveryStreamEncryptionConfigurationInput).toMatchObject({ KeyType: 'CUSTOMER_MANAGED_CMK' });
    const d = p.ExtendedS3DestinationConfiguration as Json;
    expect(d.DynamicPartitioningConfiguration).toMatchObject({ Enabled: true });
    expect(d.Prefix).toBe(
      'events/tenant_id=!{partitionKeyFromQuery:tenant_id}/dt=!{partitionKeyFromQuery:dt}/',
    );
    expect(d.ErrorOutputPrefix).toBe('errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/');
    expect(d.BufferingHints).toEqual({
      IntervalInSeconds: cfg.bufferingIntervalSec,
      SizeInMBs: cfg.bufferingSizeMiB,
    });
    expect(d.EncryptionConfiguration).toHaveProperty('KMSEncryptionConfig');
    const conv = d.DataFormatConversionConfiguration as Json;
    expect(conv.Enabled).toBe(true);
    expect(JSON.stringify(conv.OutputFormatConfiguration)).toContain('ParquetSerDe');
    expect(JSON.stringify(conv.InputFormatConfiguration)).toContain('OpenXJsonSerDe');
    // Ref of an AWS::Glue::Table is its name: the events_all table of this stack.
    expect(refId((conv.SchemaConfiguration as Json).TableName)).toMatch(/^PipelineTable/);
    const processors = ((d.ProcessingConfiguration as Json).Processors as Json[]).map((x) => x.Type);
    expect(processors).toEqual(
      expect.arrayContaining(['Decompression', 'CloudWatchLogProcessing', 'MetadataExtraction']),
    );
    const meta = (
      (d.ProcessingConfiguration as Json).Processors as Array<{ Type: string; Parameters: Json[] }>
    )
      .find((x) => x.Type === 'MetadataExtraction')
      ?.Parameters.find((x) => x.ParameterName === 'MetadataExtractionQuery');
    expect(meta?.ParameterValue).toBe('{"tenant_id":.tenant_id,"dt":.dt}');
  });

  it('S3: KMS, TLS only, no public access, access-logged, raw retention from the stage config', () => {
    const buckets = resourcesOf(t(), 'AWS::S3::Bucket');
    const events = Object.entries(buckets).find(([id]) => id.startsWith('PipelineEvents'))?.[1];
    expect(events).toBeDefined();
    const p = events?.Properties ?? {};
    expect(JSON.stringify(p.BucketEncryption)).toContain('aws:kms');
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.LoggingConfiguration).toBeDefined();
    const rules = (p.LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules.find((r) => r.Prefix === 'events/')?.ExpirationInDays).toBe(cfg.rawRetentionDays);
    expect(rules.find((r) => r.Prefix === 'errors/')?.ExpirationInDays).toBe(cfg.errorRetentionDays);
    expect(events?.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    for (const b of Object.values(buckets)) expect(flatten(b.Properties?.BucketEncryption)).toBeTruthy();
    const policies = Object.values(resourcesOf(t(), 'AWS::S3::BucketPolicy'));
    expect(policies.length).toBe(Object.keys(buckets).length);
    for (const pol of policies)
      expect(JSON.stringify(pol.Properties?.PolicyDocument)).toContain('aws:SecureTransport');
  });

  it('Glue: database and table generated from the event schema, Parquet, partition projection', () => {
    const dbs = Object.values(resourcesOf(t(), 'AWS::Glue::Database'));
    expect(dbs.map((x) => (x.Properties?.DatabaseInput as Json | undefined)?.Name)).toEqual([
      analyticsDatabaseName(stage),
    ]);
    const tables = Object.values(resourcesOf(t(), 'AWS::Glue::Table'));
    expect(tables).toHaveLength(1);
    const input = tables[0]?.Properties?.TableInput as Json;
    expect(input.Name).toBe(EVENTS_TABLE);
    const sd = input.StorageDescriptor as Json;
    expect((sd.Columns as Json[]).map((c) => [c.Name, c.Type])).toEqual(
      EVENT_COLUMNS.map((c) => [c.name, c.type]),
    );
    expect((input.PartitionKeys as Json[]).map((c) => c.Name)).toEqual(PARTITION_KEYS.map((k) => k.name));
    expect((sd.SerdeInfo as Json).SerializationLibrary).toMatch(/ParquetHiveSerDe/);
    const params = input.Parameters as Record<string, unknown>;
    expect(params).toMatchObject({
      'projection.enabled': 'true',
      'projection.tenant_id.type': 'injected',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
    });
    expect(flatten(params['storage.location.template'])).toMatch(
      /\/events\/tenant_id=\$\{tenant_id\}\/dt=\$\{dt\}\/$/,
    );
  });

  it('Athena: enforced workgroup with KMS results location and the stage bytes-scanned limit; one named query per file', () => {
    const wgs = Object.values(resourcesOf(t(), 'AWS::Athena::WorkGroup'));
    expect(wgs).toHaveLength(1);
    const c = wgs[0]?.Properties?.WorkGroupConfiguration as Json;
    expect(c.EnforceWorkGroupConfiguration).toBe(true);
    expect(c.BytesScannedCutoffPerQuery).toBe(cfg.bytesScannedCutoffMiB * 1024 * 1024);
    const rc = c.ResultConfiguration as Json;
    expect(flatten(rc.OutputLocation)).toMatch(/^s3:\/\/\$\{QueriesResults\w+\}\/athena\/$/);
    expect(rc.EncryptionConfiguration).toMatchObject({ EncryptionOption: 'SSE_KMS' });
    const queries = Object.values(resourcesOf(t(), 'AWS::Athena::NamedQuery'));
    expect(queries.map((q) => q.Properties?.Name).sort()).toEqual(
      ANALYTICS_QUERY_NAMES.map((n) => `marketedge-${stage}-${n}`).sort(),
    );
    for (const q of queries) {
      expect(q.Properties?.Database).toBe(analyticsDatabaseName(stage));
      const name = String(q.Properties?.Name).replace(`marketedge-${stage}-`, '');
      expect(q.Properties?.QueryString).toBe(namedQueryText(name));
      expect(q.Properties?.QueryString).toMatch(
        /^WITH events AS \(SELECT \* FROM events_all WHERE dt >= \? AND dt <= \? AND tenant_id = \?\)/,
      );
    }
  });

  it('subscribes the emitting Lambdas, keeps the hashing secret, encrypts with a rotating key', () => {
    const filters = Object.values(resourcesOf(t(), 'AWS::Logs::SubscriptionFilter'));
    expect(filters).toHaveLength(ANALYTICS_EMITTERS.length);
    for (const f of filters) {
      expect(f.Properties?.FilterPattern).toBe('{ $.analytics_record = 1 }');
      expect(refId(f.Properties?.DestinationArn)).toMatch(/PipelineStream/);
    }
    const secrets = Object.values(resourcesOf(t(), 'AWS::SecretsManager::Secret'));
    expect(secrets.map((x) => x.Properties?.Name)).toEqual([analyticsSecretName(stage)]);
    const keys = Object.values(resourcesOf(t(), 'AWS::KMS::Key'));
    expect(keys.every((k) => k.Properties?.EnableKeyRotation === true)).toBe(true);
    expect(Object.keys(resourcesOf(t(), 'AWS::CloudWatch::Dashboard'))).toHaveLength(1);
  });

  it("wires the stage's hashing secret to every emitting Lambda (name in the environment, read-only access), and to no other", () => {
    const api = s.template(stage, 'Api');
    const fns = Object.entries(resourcesOf(api, 'AWS::Lambda::Function'));
    const byName = (name: string) =>
      fns.find(([, f]) => f.Properties?.FunctionName === `marketedge-${stage}-${name}`) ?? [];
    const roleOf = (name: string) => refId(byName(name)[1]?.Properties?.Role);
    for (const name of LAMBDA_NAMES) {
      const vars =
        ((byName(name)[1]?.Properties?.Environment ?? {}) as { Variables?: Record<string, unknown> })
          .Variables ?? {};
      if (ANALYTICS_EMITTERS.includes(name)) {
        expect(vars[ANALYTICS_ENV.secretName], name).toBe(analyticsSecretName(stage));
      } else expect(vars, name).not.toHaveProperty(ANALYTICS_ENV.secretName);
      // The secret itself never travels in the environment.
      expect(vars, name).not.toHaveProperty(ANALYTICS_ENV.secret);
    }
    const secretId = Object.keys(resourcesOf(t(), 'AWS::SecretsManager::Secret'))[0];
    const reads = policyStatements(t()).filter((st) => st.Resource.some((r) => refId(r) === secretId));
    expect(reads).toHaveLength(1);
    expect(reads[0]?.Action.sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(reads[0]?.Effect).toBe('Allow');
    // Roles are the Api stack's (imported): one per emitter, each the role of that emitter's function.
    const policy = resourcesOf(t(), 'AWS::IAM::Policy')[String(reads[0]?.policy)];
    const roles = ((policy?.Properties?.Roles as unknown[]) ?? []).map((r) => flatten(r));
    expect(roles).toHaveLength(ANALYTICS_EMITTERS.length);
    for (const name of ANALYTICS_EMITTERS) {
      const role = roleOf(name);
      expect(role, name).toBeDefined();
      expect(
        roles.some((r) => r.includes(String(role))),
        name,
      ).toBe(true);
    }
    // No policy of the Api stack reaches the analytics secret (it is granted here only, to the emitters).
    for (const st of policyStatements(api)) {
      for (const r of st.Resource) {
        expect(flatten(r)).not.toMatch(/HashSecret|analytics-hash-secret/);
      }
    }
  });

  it('the admin Lambda reads analytics through Athena: workgroup and database in its environment, a policy on its role alone', () => {
    const api = s.template(stage, 'Api');
    const admin = Object.values(resourcesOf(api, 'AWS::Lambda::Function')).find(
      (f) => f.Properties?.FunctionName === `marketedge-${stage}-admin`,
    );
    const env = admin?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    const vars = env?.Variables ?? {};
    expect(vars[SETTINGS.analyticsWorkgroup.name]).toBe(`marketedge-${stage}-analytics`);
    expect(vars[SETTINGS.analyticsDatabase.name]).toBe(analyticsDatabaseName(stage));
    // The weekly report Lambda's own policy (WeeklyReport…) is asserted in weekly-report.test.ts.
    const athena = policyStatements(t()).filter(
      (st) => st.Action.includes('athena:StartQueryExecution') && !st.policy.startsWith('WeeklyReport'),
    );
    expect(athena).toHaveLength(1);
    expect(athena[0]?.Action.sort()).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:GetWorkGroup',
      'athena:StartQueryExecution',
    ]);
    expect(flatten(athena[0]?.Resource)).toContain(`workgroup/marketedge-${stage}-analytics`);
    const policy = resourcesOf(t(), 'AWS::IAM::Policy')[String(athena[0]?.policy)];
    const roles = ((policy?.Properties?.Roles as unknown[]) ?? []).map((r) => flatten(r));
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatch(/Admin/);
    // The results bucket is writable (UNLOAD, query results); the events bucket is read-only.
    const writes = policyStatements(t()).filter(
      (st) => st.policy === athena[0]?.policy && st.Action.includes('s3:PutObject'),
    );
    expect(writes).toHaveLength(1);
    expect(flatten(writes[0]?.Resource)).toMatch(/QueriesResults/);
    expect(flatten(writes[0]?.Resource)).not.toMatch(/PipelineEvents/);
  });

  it('dashboard: events per minute by vertical and event type, and events not stored by reason, from the EMF counters', () => {
    const dashboards = Object.values(resourcesOf(t(), 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties?.DashboardName).toBe(`marketedge-${stage}-analytics`);
    const body = flatten(dashboards[0]?.Properties?.DashboardBody);
    const search = (dims: string, metric: string) =>
      `SEARCH('{${METRICS_NAMESPACE},service,stage,${dims}} MetricName=\\"${metric}\\" stage=\\"${stage}\\"', 'Sum', 60)`;
    expect(body).toContain('Events per minute by vertical and event type');
    expect(body).toContain(search('vertical,event', ANALYTICS_METRICS.events));
    expect(body).toContain(search('reason', ANALYTICS_METRICS.notStored));
    expect(body).toContain(ANALYTICS_METRICS.emitErrors);
    expect(body).toMatch(/"period":60/);
  });
});
