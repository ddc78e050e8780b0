import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, RATE_LIMIT_METRICS, type RateLimitMetric } from '../../../../lib/config/metrics';
import type { Decision } from '../core/decision';
import type { FlagReader } from '../core/limiter';

export { RATE_LIMIT_METRICS, type RateLimitMetric };

/** Sink for limiter outcomes (the adapter layer; the core returns decisions and emits nothing). */
export interface RateLimitTelemetry {
  /** Records one decision: metrics and, for anything but a plain allow, a log line. Never throws. */
  record(d: Decision): void | Promise<void>;
}

/** The metric names a decision counts under (each counted once). */
export function metricsFor(d: Decision): RateLimitMetric[] {
  const out: RateLimitMetric[] = [];
  if (d.status === 'allowed') out.push('RateLimitAllowed');
  if (d.status === 'denied') out.push('RateLimitDenied');
  if (d.nearLimit) out.push('RateLimitNearLimit');
  if (d.shadowDenied) out.push('RateLimitShadowDenied');
  if (d.degraded) out.push('RateLimitDegraded');
  if (d.bypassed) out.push('RateLimitBypassed');
  return out;
}

/** A compact, secret-free log record of a decision. */
export function decisionLog(d: Decision): Record<string, unknown> {
  return {
    tenantId: d.tenantId,
    userId: d.userId,
    tier: d.tier,
    route: d.route,
    status: d.status,
    violated: d.violated,
    retryAfterSec: d.retryAfterSec,
    degraded: d.degraded,
    bypassed: d.bypassed,
    shadowDenied: d.shadowDenied,
    cached: d.cached,
    ...(d.error ? { error: d.error } : {}),
    rules: d.outcomes.map((o) => ({
      id: o.rule.id,
      enforced: o.enforced,
      allowed: o.allowed,
      remaining: o.remaining,
      resetSec: o.resetSec,
    })),
  };
}

/**
 * Powertools telemetry: EMF metrics in namespace `MarketEdge` (env `POWERTOOLS_METRICS_NAMESPACE`) with dimensions
 * `service`, `stage`, `tier`, `route` — tenantId is metadata, never a dimension — gated by the
 * `gateway_observability_enabled` flag; JSON logs for denied, shadow-denied, degraded and bypassed decisions.
 */
export class PowertoolsTelemetry implements RateLimitTelemetry {
  readonly metrics: Metrics;
  readonly logger: Logger;

  constructor(
    private readonly flags: FlagReader,
    opts: { metrics?: Metrics; logger?: Logger } = {},
  ) {
    const stage = process.env.STAGE ?? 'dev';
    const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'rate-limit';
    this.metrics =
      opts.metrics ??
      new Metrics({
        namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
        serviceName,
        defaultDimensions: { stage },
      });
    this.logger = opts.logger ?? new Logger({ serviceName, persistentKeys: { stage } });
  }

  async record(d: Decision): Promise<void> {
    try {
      if (d.status !== 'allowed' || d.shadowDenied || d.degraded || d.bypassed) {
        const msg =
          d.status === 'denied'
            ? 'rate limit denied'
            : d.status === 'unavailable'
              ? 'rate limiter unavailable (fail closed)'
              : d.degraded
                ? 'rate limit decided degraded (fallback)'
                : d.bypassed
                  ? 'rate limit bypassed'
                  : 'rate limit shadow denied';
        if (d.degraded) this.logger.warn(msg, { rateLimit: decisionLog(d) });
        else this.logger.info(msg, { rateLimit: decisionLog(d) });
      }
      if (!(await this.flags.isEnabled('gateway_observability_enabled'))) return;
      const names = metricsFor(d);
      if (names.length === 0) return;
      this.metrics.addDimension('tier', d.tier);
      this.metrics.addDimension('route', d.route);
      this.metrics.addMetadata('tenantId', d.tenantId);
      for (const n of names) this.metrics.addMetric(n, MetricUnit.Count, 1);
      this.metrics.publishStoredMetrics();
    } catch {
      // Telemetry must never fail a request.
    }
  }
}
