import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';

/** Powertools Logger and Metrics of one Lambda, without the Tracer (see {@link createLoggerAndMetrics}). */
export interface LoggerAndMetrics {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Creates Logger (JSON, persistent key `stage`) and Metrics (namespace `MarketEdge`, default dimensions `service`
 * and `stage`) for a Lambda, once per container (call at module scope). `POWERTOOLS_*` env vars set by CDK take
 * precedence. This is the Tracer-free half of `createObservability()` (which builds on it): Lambdas with a strict
 * bundle budget (the authorizer, ≤ 150 KB) use it to keep `aws-xray-sdk-core` (~120 KB minified) out of the bundle.
 * @param serviceName e.g. `authorizer`, `reports`, `admin`, `edge-proxy`
 */
export function createLoggerAndMetrics(serviceName: string): LoggerAndMetrics {
  const stage = settingOrDefault(process.env, SETTINGS.stage);
  const logger = new Logger({ serviceName, persistentKeys: { stage } });
  const metrics = new Metrics({
    namespace: settingOrDefault(process.env, SETTINGS.metricsNamespace),
    serviceName,
    defaultDimensions: { stage },
  });
  return { logger, metrics };
}
