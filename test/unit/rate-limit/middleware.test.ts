import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import {
  createRateLimitMiddleware,
  limitTargetOf,
} from '../../../lambdas/shared/rate-limit/adapters/middleware';
import { RateLimitRuntime } from '../../../lambdas/shared/rate-limit/adapters/runtime';
import type { Decision } from '../../../lambdas/shared/rate-limit/core/decision';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import { rateLimitSettingsFromEnv } from '../../../lambdas/shared/rate-limit/core/settings';
import { type TenantContext, toAuthorizerContext } from '../../../lambdas/shared/tenant-context';
import { ROUTES, type Route } from '../../../lib/config/routes';
import { fixedFlags, freshTenant } from './conformance.suite';

const route = (method: string, path: string): Route =>
  ROUTES.find((r) => r.method === method && r.path === path)!;
const GET = route('GET', '/v1/reports');

function tenantCtx(tenantId: string): TenantContext {
  return {
    tenantId,
    userId: 'alice',
    roles: ['user'],
    permissions: [],
    tier: 'free',
    vertical: 'retail',
    principalType: 'user',
  };
}

function event(resource: string, tenant: TenantContext, requestId: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    resource,
    requestContext: { requestId, authorizer: toAuthorizerContext(tenant, 'key-id') },
  } as unknown as APIGatewayProxyEvent;
}

/**
 * A runtime on an in-memory store whose free tier allows 1 request per minute per user. The store call timeout is the
 * setting's maximum (1 s), not the 25 ms production budget: these tests are about the middleware, and with 25 ms a
 * busy machine (a store call descheduled past 25 ms) turned the second request's denial into a fail-open 200
 * (verify at load 9–17, 16:55 UTC). Timeouts and fail-open have their own tests (limiter.test.ts, conformance).
 */
function runtime(telemetry?: { record: (d: Decision) => void }) {
  const rt = new RateLimitRuntime(() => rateLimitSettingsFromEnv({ RATE_LIMIT_TIMEOUT_MS: '1000' }));
  const source = new StaticPolicySource();
  source.setTierRules('free', [{ id: 'user', scope: 'user', kind: 'rate', limit: 1, periodSec: 60 }]);
  rt.configure({
    store: new MemoryStore(),
    policySource: source,
    flags: fixedFlags(),
    ...(telemetry ? { telemetry } : {}),
  });
  return rt;
}

const ctx = { awsRequestId: 'lambda-req' } as Context;
const ok = async (): Promise<APIGatewayProxyResult> => ({ statusCode: 200, body: 'ok' });

describe('rate-limit middleware with a route resolved by the caller', () => {
  it('limits under the route and tenant it is given, without looking the route up from the event', async () => {
    const decisions: Decision[] = [];
    const rt = runtime({ record: (d) => void decisions.push(d) });
    const limit = createRateLimitMiddleware(rt, { logger: new Logger(), metrics: new Metrics() });
    const tenant = tenantCtx(freshTenant());
    // The event's resource is not in the route table: only the given target can make this request limited.
    const ev = event('/not-a-route', tenant, 'r-1');
    const next = vi.fn(ok);
    const first = await limit(ev, ctx, limitTargetOf(GET, tenant), next);
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({ 'X-RateLimit-Limit': '1', 'X-RateLimit-Remaining': '0' });
    expect((await limit(ev, ctx, limitTargetOf(GET, tenant), next)).statusCode).toBe(429);
    expect(next).toHaveBeenCalledTimes(1);
    expect(decisions.map((d) => [d.route, d.status])).toEqual([
      ['GET /v1/reports', 'allowed'],
      ['GET /v1/reports', 'denied'],
    ]);
  });

  it('passes unknown, public (limitClass none) and tenant-less requests to next() untouched', async () => {
    const record = vi.fn();
    const rt = runtime({ record });
    const limit = createRateLimitMiddleware(rt, { logger: new Logger(), metrics: new Metrics() });
    const tenant = tenantCtx(freshTenant());
    const health = route('GET', '/health');
    expect(health.limitClass).toBe('none');
    for (const target of [
      limitTargetOf(undefined, tenant),
      limitTargetOf(health, tenant),
      limitTargetOf(GET, undefined),
    ]) {
      expect(target).toBeUndefined();
      const res = await limit(event('/v1/reports', tenant, 'r'), ctx, target, ok);
      expect(res).toEqual({ statusCode: 200, body: 'ok' });
    }
    expect(record).not.toHaveBeenCalled();
  });
});

describe('limiter telemetry on the handler’s Powertools Logger/Metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('limiter log lines carry the handler’s service and correlation id, and its metrics the handler’s service', async () => {
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const l of String(chunk).split('\n')) if (l.trim().startsWith('{')) lines.push(JSON.parse(l));
      return true;
    });
    const logger = new Logger({ serviceName: 'reports', logLevel: 'INFO' });
    const metrics = new Metrics({ namespace: 'MarketEdge', serviceName: 'reports' });
    const rt = runtime();
    // The handler logs with its correlation id (as the reports router does).
    const handler = async (ev: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      logger.setCorrelationId(ev.requestContext.requestId);
      logger.info('handled');
      logger.resetKeys();
      return ok();
    };
    const limit = createRateLimitMiddleware(rt, { logger, metrics });
    const tenant = tenantCtx(freshTenant());
    const limited = (ev: APIGatewayProxyEvent) =>
      limit(ev, ctx, limitTargetOf(GET, tenant), () => handler(ev));
    expect((await limited(event('/v1/reports', tenant, 'req-allowed'))).statusCode).toBe(200);
    expect((await limited(event('/v1/reports', tenant, 'req-denied'))).statusCode).toBe(429);

    const handled = lines.find((l) => l.message === 'handled');
    const denied = lines.find((l) => l.message === 'rate limit denied');
    expect(handled).toMatchObject({ service: 'reports', correlation_id: 'req-allowed' });
    expect(denied).toMatchObject({
      service: 'reports',
      correlation_id: 'req-denied',
      rateLimit: { tenantId: tenant.tenantId, status: 'denied', violated: ['user'] },
    });
    const emf = lines.filter((l) => l._aws !== undefined);
    expect(emf.map((l) => [l.service, l.route, l.RateLimitAllowed ?? l.RateLimitDenied])).toEqual([
      ['reports', 'GET /v1/reports', 1],
      ['reports', 'GET /v1/reports', 1],
    ]);
    expect(emf.every((l) => l.tenantId === tenant.tenantId && !('tenantId' in (l._aws as object)))).toBe(
      true,
    );
    // Nothing the limiter added is left on the handler's Metrics for its own publish.
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
