import { createServer, type Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRepository } from '../../../lambdas/admin/repository';
import { call, createAdminApi, testDeps } from '../../unit/admin/fixtures';

/**
 * A fake DynamoDB endpoint that throttles the first `throttle` requests, then answers an empty GetItem — to check
 * the real SDK retry path (not a mocked `send`): throttling is retried by the client (`maxAttempts` 3, as in
 * `documentClient()`), and answered 503 + Retry-After only when the retries are exhausted.
 */
let server: Server;
let endpoint = '';
let throttle = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      if (throttle > 0) {
        throttle--;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
            message: 'Rate of requests exceeds the allowed throughput.',
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function api() {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    }),
  );
  const repo = new AdminRepository({
    client: () => client,
    tables: { tenants: 't', limits: 'l', audit: 'a' },
  });
  return createAdminApi(testDeps(repo));
}

describe('DynamoDB throttling through the real SDK', () => {
  it('is retried by the client: two throttles then success → the request succeeds (404 for a missing tenant)', async () => {
    throttle = 2;
    requests = 0;
    const res = await call(api(), { method: 'GET', path: '/admin/tenants/acme' });
    expect(requests).toBe(3);
    expect(res.status).toBe(404);
  });

  it('answers 503 with Retry-After once the retries are exhausted', async () => {
    throttle = 10;
    requests = 0;
    const res = await call(api(), { method: 'GET', path: '/admin/tenants/acme' });
    expect(requests).toBe(3);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });
});
