import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from '../../../lambdas/shared/http/handler';
import type { Endpoint } from '../../../lambdas/shared/http/types';
import { createObservability, type Observability } from '../../../lambdas/shared/observability';
import { callers, lambdaContext, restEvent } from './events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

/** Observability whose Metrics records its own warnings and captures each published EMF document. */
function capturingObservability() {
  const warnings: string[] = [];
  const sink = { warn: (m: string) => warnings.push(m), debug() {}, info() {}, error() {} };
  const metrics = new Metrics({
    namespace: 'Test',
    serviceName: 'reports',
    logger: sink as unknown as Console,
  });
  const published: Record<string, unknown>[] = [];
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    published.push(metrics.serializeMetrics() as unknown as Record<string, unknown>);
    metrics.clearMetrics();
    metrics.clearDimensions();
    metrics.clearMetadata();
    return metrics;
  });
  const obs: Observability = { ...createObservability('reports'), metrics };
  return { obs, warnings, published };
}

/** The handler wrapper over some reports endpoints. */
function createRouter(endpoints: Record<string, Endpoint>, obs: Observability) {
  return createHttpHandler({ obs, serves: (r) => r.backend.kind === 'lambda', endpoints });
}

describe('handler wrapper metrics under concurrency', () => {
  it('interleaved requests on one Metrics instance publish with a route and tenant each, without dimension clashes or lost counts', async () => {
    const { obs, warnings, published } = capturingObservability();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const endpoint = async () => {
      obs.metrics.addMetric('Served', 'Count', 1);
      await gate;
      return { statusCode: 200, body: 'ok' };
    };
    const r = createRouter({ 'GET /v1/me': endpoint, 'GET /v1/reports': endpoint }, obs);
    const a = r(
      restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: callers.globexAlice }),
      lambdaContext,
    );
    const b = r(
      restEvent({ method: 'GET', resource: '/v1/reports', path: '/v1/reports', caller: callers.acmeAlice }),
      lambdaContext,
    );
    release();
    expect((await a).statusCode).toBe(200);
    expect((await b).statusCode).toBe(200);
    expect(warnings.filter((w) => w.includes('has already been added'))).toEqual([]);
    // One Metrics instance per container: locally, concurrent requests share it, so the first publish may carry
    // both counts; every published document still has exactly one route and tenant, and none is lost.
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) {
      expect(['GET /v1/me', 'GET /v1/reports']).toContain(p.route);
      expect(['globex', 'acme']).toContain(p.tenantId);
    }
    expect(published.flatMap((p) => [p.Served ?? []].flat()).length).toBe(2);
  });

  it('a request that stores no metric publishes nothing and leaves no dimension behind', async () => {
    const { obs, published } = capturingObservability();
    const r = createRouter({ 'GET /v1/me': async () => ({ statusCode: 200, body: 'ok' }) }, obs);
    await r(
      restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: callers.acmeBob }),
      lambdaContext,
    );
    expect(published).toEqual([]);
    obs.metrics.addMetric('Later', 'Count', 1);
    expect(obs.metrics.serializeMetrics()).not.toHaveProperty('route');
  });
});
