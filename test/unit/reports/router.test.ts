import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoReportsRepository } from '../../../lambdas/reports/repository';
import { jsonBody } from '../../../lambdas/shared/http/body';
import { createHttpHandler } from '../../../lambdas/shared/http/handler';
import type { Endpoint } from '../../../lambdas/shared/http/types';
import { createObservability } from '../../../lambdas/shared/observability';
import { callers, lambdaContext, restEvent } from './events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
const obs = createObservability('reports');

const createRouter = (endpoints: Record<string, Endpoint>, o: typeof obs) =>
  createHttpHandler({
    obs: o,
    serves: (r) => r.backend.kind === 'lambda' && r.backend.target === 'reports',
    endpoints,
  });

describe('createHttpHandler (reports endpoints)', () => {
  it('refuses endpoints that are not in the route table', () => {
    expect(() => createRouter({ 'GET /v1/nope': async () => ({ statusCode: 200, body: '' }) }, obs)).toThrow(
      /not in the route table/,
    );
    expect(() =>
      createRouter({ 'GET /v1/market/{proxy+}': async () => ({ statusCode: 200, body: '' }) }, obs),
    ).toThrow();
  });

  it('passes the tenant context from the authorizer only and publishes metrics', async () => {
    const publish = vi.spyOn(obs.metrics, 'publishStoredMetrics');
    const r = createRouter(
      {
        'GET /v1/me': async ({ tenant, routeKey }) => {
          obs.metrics.addMetric('X', 'Count', 1);
          return { statusCode: 200, body: `${tenant?.tenantId} ${routeKey}` };
        },
      },
      obs,
    );
    const res = await r(
      restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: callers.globexAlice }),
      lambdaContext,
    );
    expect(res.body).toBe('globex GET /v1/me');
    expect(publish).toHaveBeenCalledOnce();
  });
});

describe('jsonBody content types', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/vnd.marketedge+json', true],
    ['text/plain', false],
    ['application/jsonx', false],
  ])('%s accepted=%s', (type, ok) => {
    const read = () => jsonBody({ headers: { 'Content-Type': type }, body: '{}', isBase64Encoded: false });
    if (ok) expect(read()).toEqual({});
    else expect(read).toThrow(expect.objectContaining({ status: 415 }));
  });
});

describe('dynamoReportsRepository.delete', () => {
  const fake = (err: unknown) => ({ send: () => Promise.reject(err) }) as unknown as DynamoDBDocumentClient;
  it('maps a failed condition to false and rethrows other errors', async () => {
    const cond = new ConditionalCheckFailedException({ message: 'x', $metadata: {} });
    await expect(
      dynamoReportsRepository(
        () => fake(cond),
        () => 't',
      ).delete('acme', 'id'),
    ).resolves.toBe(false);
    const named = Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' });
    await expect(
      dynamoReportsRepository(
        () => fake(named),
        () => 't',
      ).delete('acme', 'id'),
    ).resolves.toBe(false);
    await expect(
      dynamoReportsRepository(
        () => fake(new Error('throttled')),
        () => 't',
      ).delete('acme', 'id'),
    ).rejects.toThrow('throttled');
  });
});
