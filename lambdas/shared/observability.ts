import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

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
 * @param serviceName e.g. `authorizer`, `reports`, `admin`, `edge-proxy`
 */
export function createObservability(serviceName: string): Observability {
  const stage = process.env.STAGE ?? 'dev';
  const logger = new Logger({ serviceName, persistentKeys: { stage } });
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MarketEdge',
    serviceName,
    defaultDimensions: { stage },
  });
  const tracer = new Tracer({ serviceName });
  return { logger, metrics, tracer };
}
