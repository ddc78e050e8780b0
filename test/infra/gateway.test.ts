import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { getStageConfig, ROUTES, routeKey, STAGE_NAMES, TIER_TABLE, TIERS } from '../../lib/config';
import { BINARY_MEDIA_TYPES } from '../../lib/config/gateway';
import { MANAGED_RULE_GROUPS } from '../../lib/constructs/edge-waf';
import { synthesized } from './support/synth';
import { apiResourcePaths, type CfnResource, flatten, refId, resourcesOf } from './support/template';

/** Fields the access log must carry (the access-log contract, lib/config/gateway.ts). */
const REQUIRED_ACCESS_LOG_FIELDS = [
  'requestId',
  'ip',
  'method',
  'route',
  'status',
  'latency',
  'tenantId',
  'userId',
  'tier',
  'vertical',
  'authorizerError',
  'integrationLatency',
];

describe.each(STAGE_NAMES)('gateway — %s', (stage) => {
  const config = getStageConfig(stage);
  const s = synthesized();
  const t = () => s.template(stage, 'Api');

  it('uses the authorizer as API key source (usageIdentifierKey) on a regional REST API', () => {
    t().hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: `marketedge-${stage}`,
      ApiKeySourceType: 'AUTHORIZER',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('treats binary content types as binary (edge proxy bytes) and keeps JSON as text', () => {
    const api = Object.values(resourcesOf(t(), 'AWS::ApiGateway::RestApi'))[0];
    const types = api?.Properties?.BinaryMediaTypes as string[];
    expect(types).toEqual([...BINARY_MEDIA_TYPES]);
    expect(types).toContain('application/octet-stream');
    expect(types.some((x) => x.startsWith('application/json') || x === '*/*')).toBe(false);
  });

  it('has every route of the route table with its auth, API-key requirement and integration', () => {
    const template = t();
    const paths = apiResourcePaths(template);
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties?.HttpMethod !== 'OPTIONS',
    );
    const authorizerId = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Authorizer'))[0];
    const byKey = new Map<string, CfnResource>();
    for (const m of methods) {
      const resId = refId(m.Properties?.ResourceId);
      const path = resId && paths.has(resId) ? paths.get(resId) : '/';
      byKey.set(`${String(m.Properties?.HttpMethod)} ${path}`, m);
    }
    expect([...byKey.keys()].sort()).toEqual(ROUTES.map(routeKey).sort());
    for (const route of ROUTES) {
      const p = byKey.get(routeKey(route))?.Properties ?? {};
      const integration = p.Integration as { Type: string; Uri: unknown; IntegrationHttpMethod: string };
      const target = route.backend.kind === 'http' ? 'edge-proxy' : route.backend.target;
      expect(integration.Type, routeKey(route)).toBe('AWS_PROXY');
      expect(integration.IntegrationHttpMethod).toBe('POST');
      expect(flatten(integration.Uri)).toContain(`:function:marketedge-${stage}-${target}/invocations`);
      if (route.auth) {
        expect(p.AuthorizationType, routeKey(route)).toBe('CUSTOM');
        expect(refId(p.AuthorizerId)).toBe(authorizerId);
        expect(p.ApiKeyRequired, routeKey(route)).toBe(true);
      } else {
        expect(p.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(p.ApiKeyRequired ?? false, routeKey(route)).toBe(false);
      }
    }
  });

  it('lets API Gateway invoke each integration Lambda through one API-scoped permission, created after it', () => {
    const template = t();
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const idOf = (name: string) =>
      Object.entries(functions).find(([, f]) => f.Properties?.FunctionName === name)?.[0] ?? 'missing';
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter((p) =>
      flatten(p.Properties?.FunctionName).includes(':function:'),
    );
    const targets = new Set(ROUTES.map((r) => (r.backend.kind === 'http' ? 'edge-proxy' : r.backend.target)));
    expect(permissions).toHaveLength(targets.size);
    for (const target of targets) {
      const name = `marketedge-${stage}-${target}`;
      const p = permissions.find((x) => flatten(x.Properties?.FunctionName).endsWith(`:function:${name}`));
      expect(p?.Properties?.Principal, name).toBe('apigateway.amazonaws.com');
      expect(flatten(p?.Properties?.SourceArn)).toMatch(/\/\*\/\*\/\*$/);
      expect([p?.DependsOn].flat(), name).toContain(idOf(name));
    }
  });

  it('answers CORS preflight on every routed path', () => {
    const template = t();
    const paths = apiResourcePaths(template);
    const options = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))
      .filter((m) => m.Properties?.HttpMethod === 'OPTIONS')
      .map((m) => paths.get(refId(m.Properties?.ResourceId) ?? '') ?? '/');
    expect(new Set(options)).toEqual(new Set(ROUTES.map((r) => r.path)));
  });

  it('has a REQUEST authorizer on the Authorization header with the stage TTL', () => {
    t().resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    t().hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: config.authorizer.cacheTtlSec,
    });
  });

  it('has one usage plan per tier with the tier numbers, bound to the stage', () => {
    const template = t();
    const plans = Object.values(resourcesOf(template, 'AWS::ApiGateway::UsagePlan'));
    expect(plans).toHaveLength(TIERS.length);
    const stageId = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    for (const tier of TIERS) {
      const limits = TIER_TABLE[tier].usagePlan;
      const plan = plans.find((p) => p.Properties?.UsagePlanName === `marketedge-${stage}-${tier}`);
      expect(plan, tier).toBeDefined();
      expect(plan?.Properties?.Throttle).toEqual({
        RateLimit: limits.rateLimit,
        BurstLimit: limits.burstLimit,
      });
      expect(plan?.Properties?.Quota).toEqual({ Limit: limits.quotaPerDay, Period: 'DAY' });
      const apiStages = plan?.Properties?.ApiStages as Array<{ Stage: unknown }>;
      expect(apiStages).toHaveLength(1);
      expect(refId(apiStages[0]?.Stage)).toBe(stageId);
    }
  });

  it('logs access in JSON with the required fields, traces with X-Ray, execution logging off in prod', () => {
    const stageRes = Object.values(resourcesOf(t(), 'AWS::ApiGateway::Stage'))[0]?.Properties ?? {};
    expect(stageRes.StageName).toBe(stage);
    expect(stageRes.TracingEnabled).toBe(true);
    const format = JSON.parse(String((stageRes.AccessLogSetting as { Format: string }).Format)) as Record<
      string,
      string
    >;
    for (const field of REQUIRED_ACCESS_LOG_FIELDS) expect(format, field).toHaveProperty(field);
    expect(format.requestId).toBe('$context.requestId');
    expect(format.authorizerError).toBe('$context.authorizer.error');
    expect(format.tier).toBe('$context.authorizer.tier');
    expect(format.vertical).toBe('$context.authorizer.vertical');
    const settings = (stageRes.MethodSettings as Array<Record<string, unknown>>)[0] ?? {};
    expect(settings.LoggingLevel).toBe(stage === 'prod' ? 'OFF' : 'INFO');
    expect(settings.DataTraceEnabled).toBe(false);
    expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
    const logGroupId = flatten((stageRes.AccessLogSetting as { DestinationArn: unknown }).DestinationArn);
    const logGroups = resourcesOf(t(), 'AWS::Logs::LogGroup');
    const id = logGroupId.replace(/^\$\{|\}$/g, '');
    expect(logGroups[id]?.Properties?.RetentionInDays).toBe(config.logRetentionDays);
  });

  it('associates a WAF web ACL (managed rule groups + auto-block IP set) with the stage', () => {
    const template = t();
    const stageId = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    const assoc = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACLAssociation'));
    expect(assoc).toHaveLength(1);
    expect(flatten(assoc[0]?.Properties?.ResourceArn)).toContain(`/stages/\${${stageId}}`);
    const acl = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0]?.Properties ?? {};
    expect(acl.Scope).toBe('REGIONAL');
    const rules = acl.Rules as Array<{ Statement: Record<string, { Name?: string; Arn?: unknown }> }>;
    const groups = rules.flatMap((r) => r.Statement.ManagedRuleGroupStatement?.Name ?? []);
    expect(groups).toEqual([...MANAGED_RULE_GROUPS]);
    const common = rules.find((r) => r.Statement.ManagedRuleGroupStatement?.Name === MANAGED_RULE_GROUPS[0]);
    expect(common?.Statement.ManagedRuleGroupStatement).toMatchObject({
      RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
    });
    const ipSetId = Object.keys(resourcesOf(template, 'AWS::WAFv2::IPSet'))[0];
    expect(rules.some((r) => refId(r.Statement.IPSetReferenceStatement?.Arn) === ipSetId)).toBe(true);
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
    });
  });

  it('answers 401/403/429/5xx gateway errors as JSON problems with the request id and CORS', () => {
    const responses = Object.values(resourcesOf(t(), 'AWS::ApiGateway::GatewayResponse')).map(
      (r) => r.Properties ?? {},
    );
    for (const [type, status] of [
      ['UNAUTHORIZED', '401'],
      ['ACCESS_DENIED', '403'],
      ['THROTTLED', '429'],
      ['QUOTA_EXCEEDED', '429'],
      ['REQUEST_TOO_LARGE', '413'],
      ['DEFAULT_5XX', undefined],
    ] as const) {
      const r = responses.find((x) => x.ResponseType === type);
      expect(r, type).toBeDefined();
      expect(r?.StatusCode).toBe(status);
      const body = ((r?.ResponseTemplates ?? {}) as Record<string, string>)['application/json'] ?? '';
      expect(body).toContain('"requestId":"$context.requestId"');
      expect(r?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
      });
    }
  });

  it('exposes the auto-block IP set and the API URL as outputs', () => {
    t().hasOutput('AutoBlockIpSetArn', Match.anyValue());
    t().hasOutput('ApiUrl', Match.anyValue());
  });
});
