import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../../lambdas/shared/flags';
import { MAINTENANCE } from '../../../lib/config/gateway';
import { startTestStack, type TestStack } from './stack-harness';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack('memory');
});
afterAll(async () => {
  flags.reset();
  await t?.stop();
});

const putFlags = (body: unknown) =>
  fetch(`${t.url}/_local/flags`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('local stack: api_gateway_enabled is the maintenance switch', () => {
  it('off → every route but GET /health answers 503 problem+json with Retry-After; on again → served', async () => {
    const token = await t.token({ tenantId: 'acme', userId: 'alice' });
    expect((await t.call('GET', '/v1/me', { token })).status).toBe(200);

    const off = await putFlags({ api_gateway_enabled: false });
    expect(off.status).toBe(200);
    expect(((await off.json()) as Record<string, boolean>).api_gateway_enabled).toBe(false);
    for (const [method, path] of [
      ['GET', '/v1/me'],
      ['GET', '/v1/reports'],
      ['POST', '/v1/reports'],
      ['GET', '/v1/market/quotes'],
    ] as const) {
      const r = await t.call(method, path, { token, body: method === 'POST' ? { title: 'x' } : undefined });
      expect(r.status, `${method} ${path}`).toBe(503);
      expect(r.headers.get('retry-after')).toBe(String(MAINTENANCE.retryAfterSec));
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(r.json).toMatchObject({ type: 'https://docs.marketedge.io/problems/maintenance', status: 503 });
    }
    expect((await t.call('GET', '/health')).status).toBe(200);

    expect((await putFlags({ api_gateway_enabled: true })).status).toBe(200);
    expect((await t.call('GET', '/v1/me', { token })).status).toBe(200);
  });

  it('refuses unknown flags and non-boolean values with field paths', async () => {
    const r = await putFlags({ api_gateway_enabled: 'no', nope: true });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'api_gateway_enabled',
      'nope',
    ]);
  });
});
