import { createLoggerAndMetrics, type LoggerAndMetrics } from '../logger-metrics';
import { loggerSink, type SecurityEventSink } from './event';

/**
 * One count metric of the security Lambdas: `name` (from `SECURITY_METRICS`, `lib/config/metrics.ts`), at most one
 * dimension as `[name, value]`, and the count.
 */
export type SecurityMetric = (name: string, dimension: [string, string] | undefined, value: number) => void;

/** The Powertools logger and metrics of a security Lambda, its security-event sink and its count-metric emitter. */
export interface SecurityTelemetry extends LoggerAndMetrics {
  /** Logs each security event on `logger` (the Lambda's log group is the security log group). */
  sink: SecurityEventSink;
  /** Emits one count at once (its own EMF line: a single metric, so dimensions do not leak between calls). */
  metric: SecurityMetric;
}

/** Builds {@link SecurityTelemetry} for the Lambda named `serviceName` (container scope: call once per module). */
export function createSecurityTelemetry(serviceName: string): SecurityTelemetry {
  const { logger, metrics } = createLoggerAndMetrics(serviceName);
  const metric: SecurityMetric = (name, dimension, value) => {
    const m = metrics.singleMetric();
    if (dimension) m.addDimension(dimension[0], dimension[1]);
    m.addMetric(name, 'Count', value);
  };
  return { logger, metrics, sink: loggerSink(logger), metric };
}
