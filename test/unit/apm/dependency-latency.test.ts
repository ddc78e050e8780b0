import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  pendingDependencyLatency,
  publishDependencyLatency,
  recordDependencyLatency,
  timeRedisClient,
  timeSdkClient,
} from '../../../lambdas/shared/apm/dependency-latency';
import { startRedis } from '../../helpers/redis-server';

beforeEach(() => {
  // Drain what earlier tests left.
  publishDependencyLatency(new Metrics({ namespace: 'T', serviceName: 't' }));
});

describe('dependency latency recorder', () => {
  it('publishes one EMF record per operation with every value and dimension operation, then clears', () => {
    recordDependencyLatency('dynamodb', 'GetItem', 4.5);
    recordDependencyLatency('dynamodb', 'GetItem', 6);
    recordDependencyLatency('redis', 'evalsha', 0.8);
    const out: string[] = [];
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    try {
      const metrics = new Metrics({
        namespace: 'MarketEdge',
        serviceName: 'reports',
        defaultDimensions: { stage: 't' },
      });
      expect(publishDependencyLatency(metrics)).toBe(3);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    const records = out.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r._aws);
    const ddb = records.find((r) => r.operation === 'GetItem');
    expect(ddb?.DynamoDbLatency).toEqual([4.5, 6]);
    expect(ddb?.service).toBe('reports');
    const aws = ddb?._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] } | undefined;
    const dims = aws?.CloudWatchMetrics[0]?.Dimensions;
    expect(dims?.[0]).toEqual(expect.arrayContaining(['operation', 'service', 'stage']));
    expect(records.find((r) => r.operation === 'evalsha')?.RedisLatency).toBe(0.8);
    expect(pendingDependencyLatency()).toEqual([]);
  });

  it('bounds what it holds (100 values per operation, 50 operations)', () => {
    for (let i = 0; i < 150; i++) recordDependencyLatency('redis', 'get', i);
    for (let i = 0; i < 80; i++) recordDependencyLatency('redis', `op${i}`, 1);
    const held = pendingDependencyLatency();
    expect(held).toHaveLength(50);
    expect(held.find((h) => h.operation === 'get')?.values).toHaveLength(100);
    expect(held.find((h) => h.operation === 'get')?.values[0]).toBe(50);
  });
});

describe('AWS SDK middleware', () => {
  it('records each command by name, failed calls included', async () => {
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    timeSdkClient(client, 'dynamodb');
    timeSdkClient(client, 'dynamodb'); // idempotent
    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
    ).rejects.toThrow();
    const held = pendingDependencyLatency();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ dependency: 'dynamodb', operation: 'GetItem' });
    expect(held[0]?.values).toHaveLength(1);
  });
});

describe('ioredis timing', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('records every command from send to reply with its name', async () => {
    const client = timeRedisClient(new Redis(redis.url, { lazyConnect: true }));
    timeRedisClient(client); // idempotent
    await client.connect();
    await client.set('k', 'v');
    await client.get('k');
    await client.get('k');
    await client.quit();
    const held = pendingDependencyLatency();
    expect(held.find((h) => h.operation === 'get')?.values).toHaveLength(2);
    expect(held.find((h) => h.operation === 'set')?.values).toHaveLength(1);
    for (const h of held) for (const v of h.values) expect(v).toBeGreaterThanOrEqual(0);
  });
});
