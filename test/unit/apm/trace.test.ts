import { describe, expect, it } from 'vitest';
import { type RequestTracer, type TraceSubsegment, traceRequest } from '../../../lambdas/shared/apm/trace';

function fakeTracer(enabled = true) {
  const subs: { name: string; annotations: Record<string, unknown>; closed: boolean }[] = [];
  const current: unknown[] = [];
  const makeSub = (name: string): TraceSubsegment => {
    const rec = { name, annotations: {} as Record<string, unknown>, closed: false };
    subs.push(rec);
    return {
      addNewSubsegment: makeSub,
      addAnnotation: (k, v) => {
        rec.annotations[k] = v;
      },
      close: () => {
        rec.closed = true;
      },
    };
  };
  const parent = { addNewSubsegment: makeSub };
  const tracer: RequestTracer = {
    isTracingEnabled: () => enabled,
    getSegment: () => parent,
    setSegment: (s) => void current.push(s),
  };
  return { tracer, subs, current, parent };
}

describe('traceRequest', () => {
  it('annotates route, tier and outcome on a subsegment named for the route, then restores the parent', async () => {
    const t = fakeTracer();
    const r = await traceRequest(t.tracer, 'GET /v1/reports', 'enterprise', async () => ({
      statusCode: 429,
    }));
    expect(r.statusCode).toBe(429);
    expect(t.subs).toEqual([
      {
        name: '## GET /v1/reports',
        annotations: { route: 'GET /v1/reports', tier: 'enterprise', outcome: 'rate_limited' },
        closed: true,
      },
    ]);
    expect(t.current.at(-1)).toBe(t.parent);
  });

  it('maps statuses to outcomes and records server_error when the handler throws', async () => {
    const t = fakeTracer();
    await traceRequest(t.tracer, 'GET /health', undefined, async () => ({ statusCode: 200 }));
    await traceRequest(t.tracer, 'GET /health', undefined, async () => ({ statusCode: 404 }));
    await traceRequest(t.tracer, 'GET /health', undefined, async () => ({ statusCode: 503 }));
    await expect(
      traceRequest(t.tracer, 'GET /health', undefined, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(t.subs.map((s) => s.annotations.outcome)).toEqual([
      'success',
      'client_error',
      'server_error',
      'server_error',
    ]);
    expect(t.subs.every((s) => s.closed && !('tier' in s.annotations))).toBe(true);
  });

  it('just runs the handler without a tracer or with tracing off', async () => {
    const t = fakeTracer(false);
    expect(
      (await traceRequest(t.tracer, 'GET /x', 'free', async () => ({ statusCode: 201 }))).statusCode,
    ).toBe(201);
    expect(t.subs).toHaveLength(0);
    expect(
      (await traceRequest(undefined, 'GET /x', 'free', async () => ({ statusCode: 202 }))).statusCode,
    ).toBe(202);
  });
});
