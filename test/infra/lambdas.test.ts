import { describe, expect, it } from 'vitest';
import { cursorSigningSecretName, HTTP_SETTINGS } from '../../lambdas/shared/http/settings';
import { FLAG_NAMES, getStageConfig, STAGE_NAMES, TABLES, TIERS } from '../../lib/config';
import { ANALYTICS_QUERY_WAIT_MS } from '../../lib/config/analytics-api';
import { INTEGRATION_TIMEOUT_MS } from '../../lib/config/gateway';
import { ADMIN_TIMEOUT_SEC } from '../../lib/config/lambdas';
import { featureFlagsDocument } from '../../lib/constructs/feature-flags';
import { LAMBDA_NAMES } from '../../lib/constructs/service-function';
import { synthesized } from './support/synth';
import { type CfnResource, flatten, policyStatements, refId, resourcesOf } from './support/template';

/** Lambdas that talk to Redis and therefore live in the VPC. */
const VPC_LAMBDAS = ['reports', 'edge-proxy', 'admin'];

/** Env vars each Lambda must receive (the contract of each handler's config). */
const LIMITER_ENV = [
  'REDIS_URL',
  'REDIS_CLUSTER',
  'RATE_LIMIT_TIMEOUT_MS',
  'RATE_LIMIT_BREAKER_THRESHOLD',
  'RATE_LIMIT_BREAKER_COOLDOWN_MS',
];
const FLAG_ENV = ['FEATURE_FLAGS', 'APPCONFIG_APPLICATION', 'APPCONFIG_ENVIRONMENT', 'APPCONFIG_PROFILE'];
const EXPECTED_ENV: Record<string, string[]> = {
  authorizer: [
    'TENANTS_TABLE',
    'AUTH0_ISSUER',
    'AUTH0_AUDIENCE',
    'AUTH0_CLAIMS_NAMESPACE',
    'AUTH0_CLOCK_TOLERANCE_SEC',
    'TENANT_CACHE_TTL_SEC',
    ...FLAG_ENV,
  ],
  // reports reads the tenants table for /v1/me (tenant name and branding shown by the console).
  reports: ['LIMITS_TABLE', 'REPORTS_TABLE', 'TENANTS_TABLE', ...LIMITER_ENV, ...FLAG_ENV],
  'edge-proxy': ['LIMITS_TABLE', 'HTTP_BACKEND_MARKETDATA', ...LIMITER_ENV, ...FLAG_ENV],
  // admin reads the security responder's records for the console's security page (GET /admin/security).
  admin: [
    'TENANTS_TABLE',
    'LIMITS_TABLE',
    'AUDIT_TABLE',
    'SECURITY_TABLE',
    'USAGE_PLAN_IDS',
    'REST_API_ID',
    'ELASTICACHE_CACHE_NAME',
    ...LIMITER_ENV,
    ...FLAG_ENV,
  ],
  health: [],
};

describe.each(STAGE_NAMES)('lambdas — %s', (stage) => {
  const config = getStageConfig(stage);
  const s = synthesized();
  const t = () => s.template(stage, 'Api');
  const fn = (name: string): [string, CfnResource] => {
    const found = Object.entries(resourcesOf(t(), 'AWS::Lambda::Function')).find(
      ([, f]) => f.Properties?.FunctionName === `marketedge-${stage}-${name}`,
    );
    if (!found) throw new Error(`no Lambda marketedge-${stage}-${name}`);
    return found;
  };
  const env = (name: string) =>
    ((fn(name)[1].Properties?.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};

  it('deploys exactly the five Lambdas on Node 22 / ARM64 with X-Ray active', () => {
    const fns = Object.values(resourcesOf(t(), 'AWS::Lambda::Function'));
    expect(fns).toHaveLength(LAMBDA_NAMES.length);
    for (const f of fns) {
      expect(f.Properties?.Runtime).toBe('nodejs22.x');
      expect(f.Properties?.Architectures).toEqual(['arm64']);
      expect(f.Properties?.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties?.Handler).toBe('index.handler');
    }
  });

  it('the admin Lambda outlasts its Athena wait and ends before API Gateway gives up (29 s)', () => {
    const timeout = fn('admin')[1].Properties?.Timeout as number;
    expect(timeout).toBe(ADMIN_TIMEOUT_SEC);
    expect(timeout * 1000).toBeLessThan(INTEGRATION_TIMEOUT_MS);
    expect(timeout * 1000).toBeGreaterThan(ANALYTICS_QUERY_WAIT_MS);
  });

  it('gives every Lambda its own log group with the stage retention', () => {
    const groups = resourcesOf(t(), 'AWS::Logs::LogGroup');
    for (const name of LAMBDA_NAMES) {
      const logGroup = refId(
        ((fn(name)[1].Properties?.LoggingConfig ?? {}) as { LogGroup?: unknown }).LogGroup,
      );
      expect(logGroup, name).toBeDefined();
      expect(groups[logGroup ?? '']?.Properties?.RetentionInDays, name).toBe(config.logRetentionDays);
      expect(groups[logGroup ?? '']?.Properties?.LogGroupName).toBe(
        `/aws/lambda/marketedge-${stage}-${name}`,
      );
    }
  });

  it('sets the contract env vars, Powertools env and stage-specific values', () => {
    for (const name of LAMBDA_NAMES) {
      const e = env(name);
      expect(e.STAGE).toBe(stage);
      expect(e.POWERTOOLS_SERVICE_NAME).toBe(name);
      expect(e.POWERTOOLS_METRICS_NAMESPACE).toBe('MarketEdge');
      expect(e.POWERTOOLS_LOG_LEVEL).toBe(config.logLevel);
      for (const v of EXPECTED_ENV[name] ?? []) expect(e, `${name}.${v}`).toHaveProperty(v);
      expect(e, name).not.toHaveProperty('DYNAMODB_ENDPOINT');
    }
    expect(env('authorizer').AUTH0_ISSUER).toBe(config.auth0.issuer);
    expect(env('authorizer').AUTH0_AUDIENCE).toBe(config.auth0.audience);
    expect(env('authorizer').AUTH0_CLAIMS_NAMESPACE).toBe(config.auth0.claimsNamespace);
    expect(env('authorizer').TENANT_CACHE_TTL_SEC).toBe(String(config.authorizer.tenantCacheTtlSec));
    expect(env('authorizer').POWERTOOLS_TRACER_CAPTURE_RESPONSE).toBe('false');
    expect(env('edge-proxy').HTTP_BACKEND_MARKETDATA).toBe(config.httpBackends.marketData);
    expect(flatten(env('reports').REDIS_URL)).toMatch(/^rediss:\/\//);
    expect(env('reports').REDIS_CLUSTER).toBe('true');
    for (const name of LAMBDA_NAMES) {
      const tableVars = Object.values(TABLES)
        .map((x) => x.envVar)
        .filter((v) => v in env(name));
      expect(tableVars.sort(), name).toEqual(
        (EXPECTED_ENV[name] ?? []).filter((v) => v.endsWith('_TABLE')).sort(),
      );
    }
    expect(env('reports').RATE_LIMIT_TIMEOUT_MS).toBe(String(config.rateLimiter.commandTimeoutMs));
    expect(env('admin').ELASTICACHE_CACHE_NAME).toBe(`marketedge-${stage}-ratelimit`);
    const plans = flatten(env('admin').USAGE_PLAN_IDS);
    for (const tier of TIERS) expect(plans).toContain(`"${tier}":"\${`);
    for (const name of LAMBDA_NAMES) {
      for (const table of Object.values(TABLES)) {
        const v = env(name)[table.envVar];
        if (v !== undefined) expect(flatten(v)).toContain('Import:MarketEdge-');
      }
    }
  });

  it('attaches only the Redis talkers to the VPC', () => {
    for (const name of LAMBDA_NAMES) {
      const vpc = fn(name)[1].Properties?.VpcConfig;
      if (VPC_LAMBDAS.includes(name)) expect(vpc, name).toBeDefined();
      else expect(vpc, name).toBeUndefined();
    }
  });

  it('gives the authorizer provisioned concurrency from the stage config', () => {
    const aliases = Object.values(resourcesOf(t(), 'AWS::Lambda::Alias'));
    if (config.authorizer.provisionedConcurrency > 0) {
      expect(aliases).toHaveLength(1);
      expect(aliases[0]?.Properties?.ProvisionedConcurrencyConfig).toEqual({
        ProvisionedConcurrentExecutions: config.authorizer.provisionedConcurrency,
      });
      const authorizer = Object.values(resourcesOf(t(), 'AWS::ApiGateway::Authorizer'))[0];
      expect(flatten(authorizer?.Properties?.AuthorizerUri)).toContain(
        `\${${Object.keys(resourcesOf(t(), 'AWS::Lambda::Alias'))[0]}}`,
      );
    } else {
      expect(aliases).toHaveLength(0);
    }
  });

  it('has no wildcard action and no Resource "*" except the acknowledged X-Ray statement', () => {
    for (const st of policyStatements(t())) {
      for (const action of st.Action) {
        expect(action, st.policy).not.toBe('*');
        expect(action, st.policy).not.toMatch(/:\*$/);
      }
      if (st.Resource.includes('*')) {
        expect(st.Action.sort(), st.policy).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  it('grants least privilege on DynamoDB: only admin writes tenants/limits/audit, only reports writes reports', () => {
    const roleOf = (name: string) =>
      refId((fn(name)[1].Properties as { Role: unknown }).Role) ?? 'missing-role';
    const writes = (name: string) =>
      policyStatements(t())
        .filter((st) => st.roles.includes(roleOf(name)))
        .filter((st) => st.Action.some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem'))
        .flatMap((st) => st.Resource.map(flatten));
    expect(writes('authorizer')).toEqual([]);
    expect(writes('edge-proxy')).toEqual([]);
    expect(writes('health')).toEqual([]);
    expect(writes('reports').join(' ')).toContain('Reports');
    expect(writes('reports').join(' ')).not.toMatch(/Tenants|Limits|Audit/);
    expect(writes('admin').join(' ')).toMatch(/Tenants/);
    const dynamoResources = (name: string) =>
      policyStatements(t())
        .filter((st) => st.roles.includes(roleOf(name)) && st.Action.some((a) => a.startsWith('dynamodb:')))
        .flatMap((st) => st.Resource.map(flatten))
        .join(' ');
    expect(dynamoResources('edge-proxy')).not.toMatch(/Tenants|Audit|Reports/);
    expect(dynamoResources('authorizer')).not.toMatch(/Limits|Audit|Reports/);
    expect(dynamoResources('health')).toBe('');
    // The audit log is append-only: the admin API may put and read entries, never update or delete them.
    const auditActions = policyStatements(t())
      .filter((st) => st.roles.includes(roleOf('admin')))
      .filter((st) => st.Resource.map(flatten).some((r) => /Audit/.test(r)))
      .flatMap((st) => st.Action);
    expect(auditActions).toContain('dynamodb:PutItem');
    expect(auditActions).toContain('dynamodb:Query');
    expect(auditActions).not.toContain('dynamodb:UpdateItem');
    expect(auditActions).not.toContain('dynamodb:DeleteItem');
    // The security responder's records: read-only to the admin API (the responder alone writes them); early lifts are
    // requests on the default bus, which is all it may put events on.
    const securityActions = policyStatements(t())
      .filter((st) => st.roles.includes(roleOf('admin')))
      .filter((st) => st.Resource.map(flatten).some((r) => /Security/.test(r)))
      .flatMap((st) => st.Action);
    expect(securityActions).toContain('dynamodb:Query');
    for (const a of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ])
      expect(securityActions).not.toContain(a);
    const busResources = policyStatements(t())
      .filter((st) => st.roles.includes(roleOf('admin')) && st.Action.includes('events:PutEvents'))
      .flatMap((st) => st.Resource.map(flatten));
    expect(busResources).toHaveLength(1);
    expect(busResources[0]).toContain(':event-bus/default');
    for (const other of ['authorizer', 'reports', 'edge-proxy', 'health'])
      expect(
        policyStatements(t()).some(
          (st) => st.roles.includes(roleOf(other)) && st.Action.includes('events:PutEvents'),
        ),
        other,
      ).toBe(false);
  });

  it('gives the Lambdas that page (reports, admin) the stage cursor key: one generated secret, read-only to them alone', () => {
    const secrets = Object.entries(resourcesOf(t(), 'AWS::SecretsManager::Secret'));
    expect(secrets.map(([, x]) => x.Properties?.Name)).toEqual([cursorSigningSecretName(stage)]);
    const [secretId, secret] = secrets[0] ?? ['', { Type: '' }];
    expect(secret.Properties?.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret.Properties).not.toHaveProperty('SecretString');
    expect(secret.DeletionPolicy).toBe(stage === 'dev' ? 'Delete' : 'Retain');
    const roleOf = (name: string) =>
      refId((fn(name)[1].Properties as { Role: unknown }).Role) ?? 'missing-role';
    const secretActions = (name: string) =>
      policyStatements(t())
        .filter((st) => st.roles.includes(roleOf(name)))
        .filter((st) => st.Action.some((a) => a.startsWith('secretsmanager:')));
    const envVar = HTTP_SETTINGS.cursorSigningKeySecretName.env;
    for (const name of LAMBDA_NAMES) {
      const pages = name === 'reports' || name === 'admin';
      expect(env(name)[envVar], name).toBe(pages ? cursorSigningSecretName(stage) : undefined);
      expect(env(name), name).not.toHaveProperty(HTTP_SETTINGS.cursorSigningKey.env);
      const statements = secretActions(name);
      if (!pages) {
        expect(statements, name).toEqual([]);
        continue;
      }
      expect(statements.flatMap((st) => st.Action)).toContain('secretsmanager:GetSecretValue');
      expect(statements.flatMap((st) => st.Action).filter((a) => !/Get|Describe/.test(a))).toEqual([]);
      expect(statements.flatMap((st) => st.Resource.map((r) => refId(r)))).toEqual([secretId]);
    }
  });

  it('deploys the flag catalog as AppConfig feature flags for the stage', () => {
    const template = t();
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Type: 'AWS.AppConfig.FeatureFlags',
      LocationUri: 'hosted',
    });
    const version = Object.values(resourcesOf(template, 'AWS::AppConfig::HostedConfigurationVersion'))[0];
    const doc = JSON.parse(String(version?.Properties?.Content)) as ReturnType<typeof featureFlagsDocument>;
    expect(Object.keys(doc.values).sort()).toEqual([...FLAG_NAMES].sort());
    expect(doc).toEqual(featureFlagsDocument(config));
    template.resourceCountIs('AWS::AppConfig::Deployment', 1);
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
      FinalBakeTimeInMinutes: stage === 'prod' ? 5 : 0,
      GrowthFactor: stage === 'prod' ? 25 : 100,
    });
  });
});

describe.each(STAGE_NAMES)('every Lambda of every stack — %s', (stage) => {
  it('is one of ours: traced, with a retained-for-the-stage log group', () => {
    const s = synthesized();
    const parts = ['Data', 'Api', 'Monitoring'] as const;
    let count = 0;
    for (const part of parts.filter((p) => s.hasStack(stage, p))) {
      const template = s.template(stage, part);
      const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
      for (const [id, f] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
        count++;
        expect(f.Properties?.TracingConfig, `${part}/${id}`).toEqual({ Mode: 'Active' });
        const logGroup =
          refId(((f.Properties?.LoggingConfig ?? {}) as { LogGroup?: unknown }).LogGroup) ?? '';
        expect(groups[logGroup]?.Properties?.RetentionInDays, `${part}/${id}`).toBe(
          getStageConfig(stage).logRetentionDays,
        );
      }
    }
    expect(count).toBe(LAMBDA_NAMES.length);
  });
});
