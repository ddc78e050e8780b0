import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createLoggerAndMetrics } from './logger-metrics';

/** The Powertools trio of one Lambda (see docs/architecture.md, observability conventions). */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/**
 * Creates Logger (JSON), Metrics (namespace `MarketEdge`, default dimensions `service` and `stage`) and Tracer for a
 * Lambda, once per container (call at module scope). `POWERTOOLS_*` env vars set by CDK take precedence.
 * tenantId is never a metric dimension: add it with `metrics.addMetadata('tenantId', …)`.
 * Logger and Metrics come from {@link createLoggerAndMetrics} (`logger-metrics.ts`), which Tracer-free Lambdas use directly.
 * @param serviceName e.g. `authorizer`, `reports`, `admin`, `edge-proxy`
 */
export function createObservability(serviceName: string): Observability {
  const { logger, metrics } = createLoggerAndMetrics(serviceName);
  const tracer = new Tracer({ serviceName });
  return { logger, metrics, tracer };
}
