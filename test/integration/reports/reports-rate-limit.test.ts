import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setDocumentClient } from '../../../lambdas/shared/aws/dynamodb';
import {
  configureRateLimiter,
  MemoryStore,
  resetRateLimiter,
  StaticPolicySource,
} from '../../../lambdas/shared/rate-limit';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';
import { type Caller, lambdaContext, restEvent } from '../../unit/reports/events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

let db: LocalDynamo;
let handler: typeof import('../../../lambdas/reports/handler')['handler'];

beforeAll(async () => {
  db = await startDynalite('rl');
  useLocalDynamoEnv(db);
  setDocumentClient(undefined);
  // A frozen store clock: GCRA refills nothing while the test runs, so the counts are exact however slow the machine.
  const frozen = Date.now();
  // A 1 s store budget: the first decision's policy reads count against it, and under `verify`'s CPU contention they
  // took longer than the 25 ms default (a 503 on this fail-closed route); the counts are what this test checks.
  configureRateLimiter({
    store: new MemoryStore({ now: () => frozen }),
    policySource: new StaticPolicySource(),
    timeoutMs: 1_000,
  });
  ({ handler } = await import('../../../lambdas/reports/handler'));
});
afterAll(async () => {
  await resetRateLimiter();
  setDocumentClient(undefined);
  await db.stop();
});

// initech is a free-tier tenant: user-rate 60/min burst 10, user-writes 10/min burst 3 (lib/config/tiers.ts).
const user = (userId: string): Caller => ({ tenantId: 'initech', userId, roles: ['user'], tier: 'free' });

const post = (caller: Caller, i: number) =>
  handler(
    restEvent({
      method: 'POST',
      resource: '/v1/reports',
      path: '/v1/reports',
      caller,
      body: JSON.stringify({ title: `r${i}`, body: 'x' }),
    }),
    lambdaContext,
  );
const list = (caller: Caller) =>
  handler(restEvent({ method: 'GET', resource: '/v1/reports', path: '/v1/reports', caller }), lambdaContext);

async function untilDenied(
  send: (i: number) => Promise<APIGatewayProxyResult>,
  okStatus: number,
): Promise<{ allowed: number; denied: APIGatewayProxyResult }> {
  for (let i = 0; i < 200; i++) {
    const r = await send(i);
    if (r.statusCode === 429) return { allowed: i, denied: r };
    expect(r.statusCode).toBe(okStatus);
    expect(r.headers?.['X-RateLimit-Limit']).toBeDefined();
  }
  throw new Error('never limited');
}

describe('limit class applied by the rate-limit step', () => {
  it('POST (write) hits the stricter user-writes rule before GET (read) hits user-rate', async () => {
    const writes = await untilDenied((i) => post(user('writer'), i), 201);
    const reads = await untilDenied(() => list(user('reader')), 200);
    expect(writes.allowed).toBe(3);
    expect(reads.allowed).toBe(10);
    expect(writes.allowed).toBeLessThan(reads.allowed);
    const wBody = JSON.parse(writes.denied.body) as { 'violated-policies': string[] };
    const rBody = JSON.parse(reads.denied.body) as { 'violated-policies': string[] };
    expect(wBody['violated-policies']).toContain('user-writes');
    expect(rBody['violated-policies']).toEqual(['user-rate']);
    expect(Number(writes.denied.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
  });

  it('a denied write stores nothing; the writer can still read', async () => {
    const r = await list(user('writer'));
    expect(r.statusCode).toBe(200);
    const titles = (JSON.parse(r.body) as { items: Array<{ title: string; createdBy: string }> }).items
      .filter((i) => i.createdBy === 'writer')
      .map((i) => i.title)
      .sort();
    expect(titles).toEqual(['r0', 'r1', 'r2']);
  });
});
