import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetRateLimiter } from '../../../lambdas/shared/rate-limit';
import { ACTORS, lambdaContext, restEvent, tenantItem } from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    TENANTS_TABLE: 'h-tenants',
    LIMITS_TABLE: 'h-limits',
    AUDIT_TABLE: 'h-audit',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.REDIS_URL;
  delete process.env.REST_API_ID;
  ddb.on(GetCommand, { TableName: 'h-tenants' }).resolves({ Item: tenantItem('acme', 'standard', 'retail') });
  ddb.on(GetCommand, { TableName: 'h-limits' }).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
});
afterAll(async () => {
  ddb.reset();
  await resetRateLimiter();
  process.env = saved;
});

describe('handler (the deployed entry point)', () => {
  it('serves admin routes behind the rate limiter, with rate-limit headers', async () => {
    const { handler } = await import('../../../lambdas/admin/handler');
    const res = await handler(
      restEvent({ method: 'GET', path: '/admin/tenants/acme', actor: ACTORS.acmeAdmin }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ tenantId: 'acme', tier: 'standard' });
    expect(JSON.parse(res.body)).not.toHaveProperty('apiKeyValue');
    const headers = Object.fromEntries(
      Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(headers).toHaveProperty('x-ratelimit-limit');
    expect(headers.etag).toBe('"1"');
  });
});
