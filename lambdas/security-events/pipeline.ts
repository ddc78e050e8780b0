import { SECURITY_METRICS } from '../../lib/config/metrics';
import { SECURITY_DETAIL_TYPES, type SecurityConfig } from '../../lib/config/security';
import {
  type ActivityStore,
  ANOMALY_FIGURES,
  type AnomalyFigure,
  type BaselineStore,
  evaluateHour,
  figuresOf,
  hourStart,
} from '../shared/security/anomaly';
import { buildSecurityEvent, SECURITY_EVENT_LOG_KEY, type SecurityEventSink } from '../shared/security/event';
import { type SecurityEvent, securityEventSchema } from '../shared/security/event-schema';
import {
  type FailedAuthDetection,
  type FailedAuthDetector,
  isFailedAuth,
} from '../shared/security/failed-auth';
import type { SecurityPublisher } from '../shared/security/publisher';
import type { RecentEventStore } from '../shared/security/recent-events';
import type { SecurityMetric } from '../shared/security/telemetry';

/**
 * The security-events pipeline (one per container): reads log lines from the API access log and the Lambdas'
 * security events (CloudWatch Logs subscriptions), writes every security event to the security log group, counts
 * failed authentications in sliding windows and tenant activity per hour, and publishes detections (EventBridge →
 * responder, notifications). Nothing here acts on the WAF: that is the responder's job alone.
 */

/** Metric sink (count). */
export type PipelineMetric = SecurityMetric;

/** Dependencies of {@link SecurityPipeline}. */
export interface SecurityPipelineDeps {
  detector: FailedAuthDetector;
  activity: ActivityStore;
  baselines: BaselineStore;
  config: SecurityConfig;
  /** The security log group. */
  sink: SecurityEventSink;
  /** The window of recent events the console shows (written after each batch); none = not kept. */
  recent?: RecentEventStore;
  publish: SecurityPublisher;
  metric: PipelineMetric;
  /** Reports a line it could not use (never the line itself: it may hold personal data). */
  onSkipped?: (reason: string) => void;
}

/** Counts of one batch (returned by the handler; the drill reads them). */
export interface PipelineResult {
  lines: number;
  securityEvents: number;
  failedAuth: number;
  detections: FailedAuthDetection[];
  skipped: number;
}

type AccessRecord = Record<string, string>;

/** One tenant's figures for one hour, summed over the records of a batch. */
interface TenantActivity {
  tenantId: string;
  hourStartMs: number;
  figures: Record<AnomalyFigure, number>;
}

/** Adds one record's figures to the batch's sum for its tenant and hour. */
function addActivity(
  sums: Map<string, TenantActivity>,
  tenantId: string,
  hourStartMs: number,
  figures: Record<AnomalyFigure, number>,
): void {
  const key = `${hourStartMs} ${tenantId}`;
  const sum = sums.get(key);
  if (!sum) sums.set(key, { tenantId, hourStartMs, figures: { ...figures } });
  else for (const f of ANOMALY_FIGURES) sum.figures[f] += figures[f];
}

/** Runs the pipeline over log lines. */
export class SecurityPipeline {
  constructor(private readonly deps: SecurityPipelineDeps) {}

  /**
   * Processes log lines (JSON access-log records, or Lambda log lines carrying `security_event`); a line may also be
   * the object it encodes (the local stack hands over its access-log records so), read only.
   * @throws the Redis error (the subscription retries the batch)
   */
  async processLines(
    lines: readonly (string | Readonly<Record<string, unknown>>)[],
  ): Promise<PipelineResult> {
    const written: SecurityEvent[] = [];
    const sink = this.collecting(written);
    const activity = new Map<string, TenantActivity>();
    const result: PipelineResult = {
      lines: lines.length,
      securityEvents: 0,
      failedAuth: 0,
      detections: [],
      skipped: 0,
    };
    for (const line of lines) {
      let obj: unknown = line;
      try {
        if (typeof line === 'string') obj = JSON.parse(line);
      } catch {
        result.skipped++;
        this.deps.onSkipped?.('not_json');
        continue;
      }
      if (!obj || typeof obj !== 'object') {
        result.skipped++;
        continue;
      }
      const rec = obj as Record<string, unknown>;
      if (rec[SECURITY_EVENT_LOG_KEY] !== undefined) {
        const parsed = securityEventSchema.safeParse(rec[SECURITY_EVENT_LOG_KEY]);
        if (!parsed.success) {
          result.skipped++;
          this.deps.onSkipped?.('invalid_security_event');
          continue;
        }
        result.securityEvents++;
        result.detections.push(...(await this.onSecurityEvent(parsed.data, sink)));
        continue;
      }
      if (typeof rec.requestId === 'string' && typeof rec.status === 'string' && typeof rec.ip === 'string') {
        const detections = await this.onAccessRecord(rec as AccessRecord, sink, activity);
        if (detections) {
          result.failedAuth++;
          result.detections.push(...detections);
        }
        continue;
      }
      result.skipped++;
    }
    // One add per tenant and hour per batch (the sum of its records' figures), not three Redis round trips per record.
    for (const a of activity.values()) await this.deps.activity.add(a.tenantId, a.hourStartMs, a.figures);
    await this.deps.recent?.add(written);
    return result;
  }

  /** The security log sink that also collects what it wrote (for the recent-events window). */
  private collecting(written: SecurityEvent[]): SecurityEventSink {
    return (e) => {
      this.deps.sink(e);
      written.push(e);
    };
  }

  private async onSecurityEvent(e: SecurityEvent, sink: SecurityEventSink): Promise<FailedAuthDetection[]> {
    sink(e);
    this.deps.metric(SECURITY_METRICS.securityEvent, ['type', e.type], 1);
    // Per-tenant windows: refusals that name the tenant (authorizer Deny, admin API refusal).
    if ((e.type === 'AuthDenied' || e.type === 'AdminAccessDenied') && e.tenantId !== '-') {
      return this.report(await this.deps.detector.observe({ tenantId: e.tenantId }), e, sink);
    }
    return [];
  }

  /** `undefined` when the record is not a failed authentication. */
  private async onAccessRecord(
    r: AccessRecord,
    sink: SecurityEventSink,
    activity: Map<string, TenantActivity>,
  ): Promise<FailedAuthDetection[] | undefined> {
    const tenantId = r.tenantId && r.tenantId !== '-' ? r.tenantId : undefined;
    if (tenantId) {
      const t = Number(r.requestTime);
      addActivity(activity, tenantId, hourStart(Number.isFinite(t) && t > 0 ? t : Date.now()), figuresOf(r));
    }
    if (!isFailedAuth(r)) return undefined;
    // Per-IP windows come from the access log: it also sees what the authorizer never does (missing header,
    // cached Deny), see docs/authorizer.md.
    const detections = await this.deps.detector.observe({ ip: r.ip });
    return this.report(
      detections,
      { sourceIp: r.ip, userAgent: r.userAgent, route: r.route, requestId: r.requestId },
      sink,
    );
  }

  private async report(
    detections: FailedAuthDetection[],
    ctx: Partial<Pick<SecurityEvent, 'sourceIp' | 'userAgent' | 'route' | 'requestId' | 'tenantId'>>,
    sink: SecurityEventSink,
  ): Promise<FailedAuthDetection[]> {
    for (const d of detections) {
      this.deps.metric(SECURITY_METRICS.failedAuthThreshold, ['subject', d.subject], 1);
      sink(
        buildSecurityEvent({
          type: 'FailedAuthThresholdExceeded',
          outcome: 'detected',
          reason: d.subject === 'ip' ? 'per_ip' : 'per_tenant',
          sourceIp: d.subject === 'ip' ? d.value : ctx.sourceIp,
          tenantId: d.subject === 'tenant' ? d.value : ctx.tenantId,
          userAgent: ctx.userAgent,
          route: ctx.route,
          requestId: ctx.requestId,
          principal: 'security-events',
          principalType: 'system',
          details: { count: d.count, threshold: d.threshold, windowSec: d.windowSec },
        }),
      );
      await this.deps.publish(SECURITY_DETAIL_TYPES.failedAuthThreshold, { ...d });
    }
    return detections;
  }

  /**
   * Evaluates every tenant's figures of the hour starting at `hourStartMs` against its baseline (EWMA/z-score);
   * flags become `TenantActivityAnomaly` events, metrics and notifications.
   * @returns the tenants flagged
   */
  async evaluateHour(hourStartMs: number): Promise<{ tenantId: string; figures: string[] }[]> {
    const written: SecurityEvent[] = [];
    const sink = this.collecting(written);
    const flagged: { tenantId: string; figures: string[] }[] = [];
    for (const hour of await this.deps.activity.drain(hourStartMs)) {
      const prior = await this.deps.baselines.get(hour.tenantId);
      const verdict = evaluateHour(hour, prior, this.deps.config.anomaly);
      await this.deps.baselines.put(hour.tenantId, verdict.next);
      if (verdict.anomalies.length === 0) continue;
      flagged.push({ tenantId: hour.tenantId, figures: verdict.anomalies.map((a) => a.figure) });
      for (const a of verdict.anomalies)
        this.deps.metric(SECURITY_METRICS.tenantAnomaly, ['figure', a.figure], 1);
      const details: Record<string, number | string> = { hour: new Date(hourStartMs).toISOString() };
      for (const a of verdict.anomalies) {
        details[`${a.figure}.value`] = a.value;
        details[`${a.figure}.mean`] = a.mean;
        details[`${a.figure}.std`] = a.std;
        details[`${a.figure}.z`] = a.z;
      }
      sink(
        buildSecurityEvent({
          type: 'TenantActivityAnomaly',
          outcome: 'detected',
          reason: verdict.anomalies.map((a) => `${a.figure}_jump`).join(','),
          tenantId: hour.tenantId,
          principal: 'security-events',
          principalType: 'system',
          details,
        }),
      );
      await this.deps.publish(SECURITY_DETAIL_TYPES.tenantAnomaly, {
        tenantId: hour.tenantId,
        hourStart: new Date(hourStartMs).toISOString(),
        anomalies: verdict.anomalies,
      });
    }
    await this.deps.recent?.add(written);
    return flagged;
  }
}
