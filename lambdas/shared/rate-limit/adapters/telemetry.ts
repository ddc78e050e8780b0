import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RATE_LIMIT_METRICS, type RateLimitMetric } from '../../../../lib/config/metrics';
import type { Decision } from '../core/decision';
import type { FlagReader } from '../core/limiter';

export { RATE_LIMIT_METRICS, type RateLimitMetric };

/** Sink for limiter outcomes (the adapter layer; the core returns decisions and emits nothing). */
export interface RateLimitTelemetry {
  /** Records one decision: metrics and, for anything but a plain allow, a log line. Never throws. */
  record(d: Decision, ctx?: DecisionContext): void | Promise<void>;
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

/** What {@link RateLimitTelemetry.record} knows about the request besides its decision. */
export interface DecisionContext {
  /** API Gateway request id: logged as `correlation_id`, as the handler's own log lines carry it. */
  requestId?: string;
}

/**
 * Powertools telemetry on the HANDLER's Logger and Metrics (injected; the limiter builds none of its own), so the
 * limiter's lines carry the handler's `service`, `stage` and `correlation_id`: EMF metrics (namespace `MarketEdge`)
 * with dimensions `service`, `stage`, `tier`, `route` — tenantId is metadata, never a dimension — gated by the
 * `gateway_observability_enabled` flag; JSON logs for denied, shadow-denied, degraded and bypassed decisions.
 * Dimensions and metadata are added synchronously with the publish (which clears them), as `publishRequestMetrics`
 * does, so they never leak into the handler's own metrics.
 */
export class PowertoolsTelemetry implements RateLimitTelemetry {
  /**
   * @param flags flag reader (`gateway_observability_enabled`)
   * @param obs the handler's Powertools `logger` and `metrics`
   */
  constructor(
    private readonly flags: FlagReader,
    private readonly obs: { readonly logger: Logger; readonly metrics: Metrics },
  ) {}

  async record(d: Decision, ctx: DecisionContext = {}): Promise<void> {
    try {
      if (d.status !== 'allowed' || d.shadowDenied || d.degraded || d.bypassed) this.log(d, ctx);
      if (!(await this.flags.isEnabled('gateway_observability_enabled'))) return;
      const names = metricsFor(d);
      if (names.length === 0) return;
      const { metrics } = this.obs;
      metrics.addDimension('tier', d.tier);
      metrics.addDimension('route', d.route);
      metrics.addDimensions({}); // also as [service, stage]: the stage-wide series alarms sum
      metrics.addMetadata('tenantId', d.tenantId);
      for (const n of names) metrics.addMetric(n, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    } catch {
      // Telemetry must never fail a request.
    }
  }

  private log(d: Decision, ctx: DecisionContext): void {
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
    const extra = {
      ...(ctx.requestId !== undefined ? { correlation_id: ctx.requestId } : {}),
      rateLimit: decisionLog(d),
    };
    if (d.degraded) this.obs.logger.warn(msg, extra);
    else this.obs.logger.info(msg, extra);
  }
}
