import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeServerlessCachesCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiGatewayKeyPort,
  apiKeyPortFromEnv,
  InMemoryApiKeyPort,
  parseUsagePlanIds,
} from '../../../lambdas/admin/api-keys';
import { dynamoProbe, elasticacheProbe, redisProbe, runProbes } from '../../../lambdas/admin/health';

const apigw = mockClient(APIGatewayClient);
const PLANS = { free: 'up-free', standard: 'up-std', premium: 'up-prem', enterprise: 'up-ent' };
const named = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });
let port: ApiGatewayKeyPort;

beforeEach(() => {
  apigw.reset();
  port = new ApiGatewayKeyPort(new APIGatewayClient({ region: 'us-east-1' }), PLANS, 'api123');
});
afterEach(() => apigw.reset());

describe('ApiGatewayKeyPort', () => {
  it('creates a key and attaches it to the tier usage plan', async () => {
    apigw.on(CreateApiKeyCommand).resolves({ id: 'k1', value: 'v1' });
    apigw.on(CreateUsagePlanKeyCommand).resolves({});
    expect(await port.createKey({ tenantId: 'acme', tier: 'standard', enabled: true })).toEqual({
      apiKeyId: 'k1',
      apiKeyValue: 'v1',
    });
    expect(apigw.commandCalls(CreateApiKeyCommand)[0]!.args[0].input).toMatchObject({
      name: 'api123-acme',
      enabled: true,
      description: expect.stringContaining('acme'),
    });
    expect(apigw.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: 'up-std',
      keyId: 'k1',
      keyType: 'API_KEY',
    });
  });

  it('deletes the new key when attaching fails, and rethrows', async () => {
    apigw.on(CreateApiKeyCommand).resolves({ id: 'k1', value: 'v1' });
    apigw.on(CreateUsagePlanKeyCommand).rejects(named('TooManyRequestsException'));
    apigw.on(DeleteApiKeyCommand).resolves({});
    await expect(port.createKey({ tenantId: 'acme', tier: 'free', enabled: true })).rejects.toThrow(
      'TooManyRequestsException',
    );
    expect(apigw.commandCalls(DeleteApiKeyCommand)[0]!.args[0].input).toEqual({ apiKey: 'k1' });
  });

  it('rejects a create answer without id/value', async () => {
    apigw.on(CreateApiKeyCommand).resolves({});
    await expect(port.createKey({ tenantId: 'acme', tier: 'free', enabled: true })).rejects.toThrow('no id');
  });

  it('moves a key between plans; tolerates "not in plan" and "already in plan"', async () => {
    apigw.on(DeleteUsagePlanKeyCommand).rejects(named('NotFoundException'));
    apigw.on(CreateUsagePlanKeyCommand).rejects(named('ConflictException'));
    await port.moveKey('k1', 'free', 'premium');
    expect(apigw.commandCalls(DeleteUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: 'up-free',
      keyId: 'k1',
    });
    expect(apigw.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input.usagePlanId).toBe('up-prem');
    await port.moveKey('k1', 'free', 'free');
    expect(apigw.commandCalls(DeleteUsagePlanKeyCommand)).toHaveLength(1);
  });

  it('re-attaches to the old plan when the new attach fails', async () => {
    apigw.on(DeleteUsagePlanKeyCommand).resolves({});
    apigw
      .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-prem' })
      .rejects(named('BadRequestException'))
      .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-free' })
      .resolves({});
    await expect(port.moveKey('k1', 'free', 'premium')).rejects.toThrow('BadRequestException');
    expect(apigw.commandCalls(CreateUsagePlanKeyCommand).map((c) => c.args[0].input.usagePlanId)).toEqual([
      'up-prem',
      'up-free',
    ]);
  });

  it('propagates unexpected detach errors', async () => {
    apigw.on(DeleteUsagePlanKeyCommand).rejects(named('TooManyRequestsException'));
    await expect(port.moveKey('k1', 'free', 'premium')).rejects.toThrow('TooManyRequestsException');
  });

  it('enables/disables keys, deletes idempotently, updates plan limits', async () => {
    apigw.on(UpdateApiKeyCommand).resolves({});
    apigw.on(DeleteApiKeyCommand).rejects(named('NotFoundException'));
    apigw.on(UpdateUsagePlanCommand).resolves({});
    await port.setKeyEnabled('k1', false);
    expect(apigw.commandCalls(UpdateApiKeyCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/enabled', value: 'false' },
    ]);
    await port.deleteKey('gone');
    await port.setPlanLimits('premium', { rateLimit: 50, burstLimit: 100, quotaPerDay: 1000 });
    expect(apigw.commandCalls(UpdateUsagePlanCommand)[0]!.args[0].input).toMatchObject({
      usagePlanId: 'up-prem',
      patchOperations: expect.arrayContaining([{ op: 'replace', path: '/throttle/rateLimit', value: '50' }]),
    });
    apigw.on(DeleteApiKeyCommand).rejects(named('TooManyRequestsException'));
    await expect(port.deleteKey('k')).rejects.toThrow('TooManyRequests');
  });

  it('parses USAGE_PLAN_IDS strictly and picks the port from env', () => {
    expect(parseUsagePlanIds(JSON.stringify(PLANS))).toEqual(PLANS);
    expect(() => parseUsagePlanIds('nope')).toThrow('not JSON');
    expect(() => parseUsagePlanIds('[1]')).toThrow('bad entry');
    expect(() => parseUsagePlanIds('3')).toThrow('JSON object');
    expect(() => parseUsagePlanIds(JSON.stringify({ ...PLANS, gold: 'x' }))).toThrow('bad entry "gold"');
    expect(() => parseUsagePlanIds(JSON.stringify({ free: 'a' }))).toThrow('missing standard');
    expect(apiKeyPortFromEnv({})).toBeInstanceOf(InMemoryApiKeyPort);
    expect(apiKeyPortFromEnv({ REST_API_ID: 'a', USAGE_PLAN_IDS: JSON.stringify(PLANS) })).toBeInstanceOf(
      ApiGatewayKeyPort,
    );
    expect(() => apiKeyPortFromEnv({ REST_API_ID: 'a' })).toThrow('USAGE_PLAN_IDS');
  });
});

describe('InMemoryApiKeyPort', () => {
  it('tracks keys, plans and limits', async () => {
    const p = new InMemoryApiKeyPort();
    const k = await p.createKey({ tenantId: 'acme', tier: 'free', enabled: true });
    expect(k.apiKeyValue.length).toBeGreaterThanOrEqual(40);
    await p.moveKey(k.apiKeyId, 'free', 'enterprise');
    await p.setKeyEnabled(k.apiKeyId, false);
    expect(p.keys.get(k.apiKeyId)).toMatchObject({ tier: 'enterprise', enabled: false });
    await p.setPlanLimits('free', { rateLimit: 1, burstLimit: 2, quotaPerDay: 3 });
    expect(p.planLimits.get('free')).toEqual({ rateLimit: 1, burstLimit: 2, quotaPerDay: 3 });
    await p.deleteKey(k.apiKeyId);
    expect(p.keys.size).toBe(0);
    await p.moveKey('nope', 'free', 'standard');
    await p.setKeyEnabled('nope', true);
  });
});

describe('deep health probes', () => {
  const elasticache = mockClient(ElastiCacheClient);
  afterEach(() => elasticache.reset());

  it('reports each dependency with latency; one failure degrades the whole', async () => {
    elasticache.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [{ Status: 'available' }] });
    const client = new ElastiCacheClient({ region: 'us-east-1' });
    const ok = await runProbes([
      dynamoProbe(async () => undefined),
      redisProbe('redis://x', () => ({ ping: async () => 'PONG' })),
      elasticacheProbe('cache-1', () => client),
    ]);
    expect(ok.status).toBe('ok');
    expect(ok.checks.map((c) => [c.name, c.status])).toEqual([
      ['dynamodb', 'ok'],
      ['redis', 'ok'],
      ['elasticache', 'ok'],
    ]);
    expect(ok.checks.every((c) => Number.isInteger(c.latencyMs) && c.latencyMs >= 0)).toBe(true);
    expect(elasticache.commandCalls(DescribeServerlessCachesCommand)[0]!.args[0].input).toEqual({
      ServerlessCacheName: 'cache-1',
    });

    elasticache.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [{ Status: 'modifying' }] });
    const bad = await runProbes([
      dynamoProbe(async () => {
        throw Object.assign(new Error('x'), { name: 'ResourceNotFoundException' });
      }),
      redisProbe('redis://x', () => ({ ping: async () => 'NOPE' })),
      elasticacheProbe('cache-1', () => client),
    ]);
    expect(bad.status).toBe('degraded');
    expect(bad.checks).toMatchObject([
      { name: 'dynamodb', status: 'error', detail: 'ResourceNotFoundException' },
      { name: 'redis', status: 'error', detail: 'unexpected PING reply' },
      { name: 'elasticache', status: 'degraded', detail: 'modifying' },
    ]);
  });

  it('skips unconfigured dependencies and times out hung ones', async () => {
    const res = await runProbes(
      [
        redisProbe(undefined),
        elasticacheProbe(undefined),
        { name: 'hung', check: () => new Promise<undefined>(() => undefined) },
      ],
      50,
    );
    expect(res.checks).toMatchObject([
      { name: 'redis', status: 'skipped' },
      { name: 'elasticache', status: 'skipped' },
      { name: 'hung', status: 'error', detail: 'timed out after 50 ms' },
    ]);
    expect(res.checks[2]!.latencyMs).toBeGreaterThanOrEqual(45);
  });
});
