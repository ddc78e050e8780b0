import type { SecurityConfig } from '../../../lib/config/security';
import type { SlidingWindowStore } from './sliding-window';

/**
 * Failed-authentication detection: sliding-window counts per source IP and per tenant. Above the stage thresholds
 * a {@link FailedAuthDetection} is returned exactly once per cool-down; the caller turns it into a security event,
 * a metric (alarm) and, for an IP, an automated block.
 */

/** One failed authentication or authorization, from the access log or a security event. */
export interface FailedAuthObservation {
  /** Caller's source IP (`-` or empty when unknown: not counted per IP). */
  ip?: string;
  /** Tenant, when known (403 for a known tenant, admin refusals). */
  tenantId?: string;
}

/** A window that crossed its threshold. */
export interface FailedAuthDetection {
  subject: 'ip' | 'tenant';
  /** The address or tenant id. */
  value: string;
  /** Sliding count when it tripped (rounded down). */
  count: number;
  threshold: number;
  windowSec: number;
}

/** Access-log `errorType`s that are failed authentication/authorization (WAF blocks and unknown routes are not). */
const AUTH_ERROR_TYPES = new Set([
  'UNAUTHORIZED',
  'ACCESS_DENIED',
  'INVALID_API_KEY',
  'EXPIRED_TOKEN',
  'INVALID_SIGNATURE',
  'AUTHORIZER_FAILURE',
]);

/** Fields of a JSON access-log record this module reads (every value a string, `-` = not applicable). */
export interface AccessLogFields {
  ip?: string;
  status?: string;
  errorType?: string;
  tenantId?: string;
  route?: string;
}

/**
 * Whether an access-log record is a failed authentication: a 401, or a 403 that the authorizer, the API key check
 * or an integration (admin API refusal, `errorType` `-`) answered. WAF blocks (`WAF_FILTERED`) and unknown routes
 * (`MISSING_AUTHENTICATION_TOKEN`) are not counted.
 */
export function isFailedAuth(r: AccessLogFields): boolean {
  const errorType = r.errorType && r.errorType !== '-' ? r.errorType : undefined;
  if (r.status === '401') return true;
  if (r.status !== '403') return false;
  return errorType === undefined || AUTH_ERROR_TYPES.has(errorType);
}

/** Options of {@link FailedAuthDetector}. */
export interface FailedAuthDetectorOptions {
  store: SlidingWindowStore;
  config: SecurityConfig['failedAuth'];
}

/** Counts failed authentications per IP and per tenant in sliding windows (every key with a TTL). */
export class FailedAuthDetector {
  constructor(private readonly opts: FailedAuthDetectorOptions) {}

  /**
   * Counts one failure against the IP's and the tenant's window.
   * @returns the detections this failure tripped (0–2)
   * @throws the store's error (the caller decides: the subscription Lambda lets the batch retry)
   */
  async observe(o: FailedAuthObservation): Promise<FailedAuthDetection[]> {
    const { config, store } = this.opts;
    const windowMs = config.windowSec * 1000;
    const cooldownMs = config.cooldownSec * 1000;
    const out: FailedAuthDetection[] = [];
    const checks: [FailedAuthDetection['subject'], string | undefined, number][] = [
      ['ip', o.ip, config.perIpThreshold],
      ['tenant', o.tenantId, config.perTenantThreshold],
    ];
    const results = await Promise.all(
      checks.map(async ([subject, value, threshold]) => {
        if (!value || value === '-') return undefined;
        const hit = await store.hit(`${subject}:${value}`, { windowMs, threshold, cooldownMs });
        return hit.tripped
          ? { subject, value, count: Math.floor(hit.count), threshold, windowSec: config.windowSec }
          : undefined;
      }),
    );
    for (const r of results) if (r) out.push(r);
    return out;
  }
}
