import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { type RedisServer, startRedis } from '../../helpers/redis-server';

let redis: RedisServer;
let dynamo: LocalDynamo;

beforeAll(async () => {
  [redis, dynamo] = await Promise.all([startRedis(), startDynalite('harness')]);
});
afterAll(async () => {
  await Promise.all([redis.stop(), dynamo.stop()]);
});

describe('test harness', () => {
  it('talks to a private redis-server, which really goes away when stopped', async () => {
    const client = new Redis(redis.url, {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    await client.connect();
    expect(await client.set('k', 'v')).toBe('OK');
    const info = await client.info('server');
    expect(info).toContain(`tcp_port:${redis.port}`);
    await redis.stop();
    await expect(client.get('k')).rejects.toThrow();
    client.disconnect();
    await redis.restart();
    const again = new Redis(redis.url, { lazyConnect: true });
    await again.connect();
    expect(await again.get('k')).toBeNull(); // no persistence: a fresh server
    again.disconnect();
  });

  it('creates every data-model table in dynalite', async () => {
    const out = await dynamo.client.send(new ListTablesCommand({}));
    expect(out.TableNames?.sort()).toEqual(Object.values(dynamo.tables).sort());
  });
});
