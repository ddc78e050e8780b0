import { outcomeOf, TRACE_ANNOTATIONS } from '../../../lib/config/apm';

/** The X-Ray subsegment calls used here (Powertools Tracer's `getSegment()` returns one). */
export interface TraceSegment {
  addNewSubsegment(name: string): TraceSubsegment;
}

/** A subsegment that takes annotations. */
export interface TraceSubsegment extends TraceSegment {
  addAnnotation(key: string, value: string | number | boolean): void;
  close(): void;
}

/** The part of Powertools `Tracer` the handler wrapper uses (a fake in tests). */
export interface RequestTracer {
  isTracingEnabled(): boolean;
  getSegment(): TraceSegment | undefined;
  setSegment(segment: TraceSegment): void;
}

/**
 * Runs one request in an X-Ray subsegment `## <route key>` annotated with `route`, `tier` (when the caller has one)
 * and `outcome` (`lib/config/apm.ts`), so trace groups and filter expressions select by them
 * (`annotation.route = "GET /v1/reports"`, `annotation.outcome = "server_error"`). Without a tracer, with tracing
 * off or outside a traced invocation it just runs `fn`. The subsegment is closed and the parent restored whatever
 * `fn` does.
 */
export async function traceRequest<T extends { statusCode: number }>(
  tracer: RequestTracer | undefined,
  route: string,
  tier: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = tracer?.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!tracer || !parent) return fn();
  const sub = parent.addNewSubsegment(`## ${route}`);
  tracer.setSegment(sub);
  sub.addAnnotation(TRACE_ANNOTATIONS.route, route);
  if (tier) sub.addAnnotation(TRACE_ANNOTATIONS.tier, tier);
  let status = 500;
  try {
    const result = await fn();
    status = result.statusCode;
    return result;
  } finally {
    sub.addAnnotation(TRACE_ANNOTATIONS.outcome, outcomeOf(status));
    sub.close();
    tracer.setSegment(parent);
  }
}
