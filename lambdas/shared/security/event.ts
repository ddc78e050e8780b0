import { SETTINGS, settingOrDefault } from '../../../lib/config/settings';
import type { SecurityEvent } from './event-schema';

/**
 * Building security events without zod (the authorizer's bundle budget): {@link buildSecurityEvent} fills every
 * field of the one schema (`event-schema.ts`, which the tests and the security-events Lambda validate against),
 * truncates long values and redacts anything token-shaped.
 */

/** Key under which a Lambda's JSON log line carries a security event (the subscription filter matches it). */
export const SECURITY_EVENT_LOG_KEY = 'security_event';

/** Input of {@link buildSecurityEvent}: type, outcome and reason are required; the rest default to `-`. */
export type SecurityEventInput = Pick<SecurityEvent, 'type' | 'outcome' | 'reason'> &
  Partial<Omit<SecurityEvent, 'type' | 'outcome' | 'reason' | 'details'>> & {
    details?: Record<string, string | number | boolean | undefined>;
  };

/** A JWS/JWT-looking run (`eyJ…`), or a bearer credential: never written to a security event. */
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*){1,2}|bearer\s+\S+/gi;

/** Limits per field (characters), as in the schema. */
const MAX: Record<string, number> = {
  reason: 64,
  tenantId: 64,
  principal: 256,
  sourceIp: 64,
  userAgent: 256,
  route: 256,
  requestId: 128,
  stage: 16,
};

/** Redacts token-shaped substrings and truncates to `max` characters; empty → `-`. */
export function scrub(value: string | undefined, max: number): string {
  if (value === undefined || value === null) return '-';
  const clean = String(value).replace(TOKEN_LIKE, '[redacted]').trim();
  if (clean === '') return '-';
  return clean.length > max ? clean.slice(0, max) : clean;
}

/**
 * Builds a security event: `time` now (or given), `stage` from `STAGE`, missing fields `-`, strings scrubbed.
 * `details` keeps numbers, booleans and short strings (512 chars), drops `undefined`.
 */
export function buildSecurityEvent(input: SecurityEventInput, now: Date = new Date()): SecurityEvent {
  const details: SecurityEvent['details'] = {};
  for (const [k, v] of Object.entries(input.details ?? {})) {
    if (v === undefined) continue;
    details[k] = typeof v === 'string' ? scrub(v, 512) : v;
  }
  const field = (k: keyof typeof MAX) => scrub(input[k as keyof SecurityEventInput] as string, MAX[k] ?? 256);
  return {
    time: input.time ?? now.toISOString(),
    type: input.type,
    outcome: input.outcome,
    reason: field('reason'),
    tenantId: field('tenantId'),
    principal: field('principal'),
    principalType: input.principalType ?? 'unknown',
    sourceIp: field('sourceIp'),
    userAgent: field('userAgent'),
    route: field('route'),
    requestId: field('requestId'),
    stage: scrub(input.stage ?? settingOrDefault(process.env, SETTINGS.stage), MAX.stage ?? 16),
    details,
  };
}

/** Where security events go: a structured log line in AWS (picked up by the subscription), a list in tests. */
export type SecurityEventSink = (event: SecurityEvent) => void;

/** A sink that writes each event to `primary`, then to `extra` when given (e.g. the local stack's tap). */
export function teeSink(primary: SecurityEventSink, extra?: SecurityEventSink): SecurityEventSink {
  return extra
    ? (e) => {
        primary(e);
        extra(e);
      }
    : primary;
}

/**
 * The stand-in for the log subscription of the Lambdas that log security events beside their work (authorizer, admin
 * API, edge proxy): unset in AWS, where the log group's subscription filter (`$.security_event.type`) delivers each
 * line to security-events; the local stack sets it to feed its security pipeline the same line.
 */
let lineTap: ((line: string) => void) | undefined;

/** Sets (or clears, `undefined`) the local stand-in of the security-event log subscription. */
export function tapSecurityEventLines(tap: ((line: string) => void) | undefined): void {
  lineTap = tap;
}

/**
 * Log attributes carrying a security event, `{ security_event: event }`, for a Lambda's own log line (the
 * subscription picks it up); also handed to the local tap when one is set ({@link tapSecurityEventLines}).
 */
export function securityEventAttributes(event: SecurityEvent): { [SECURITY_EVENT_LOG_KEY]: SecurityEvent } {
  lineTap?.(JSON.stringify({ message: 'security event', [SECURITY_EVENT_LOG_KEY]: event }));
  return { [SECURITY_EVENT_LOG_KEY]: event };
}

/** Minimal structured logger a sink writes through (a Powertools `Logger` fits). */
export interface SecurityLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A sink that logs `{ message: 'security event', security_event: {…} }` through `logger`. */
export function loggerSink(logger: SecurityLogger): SecurityEventSink {
  return (event) => logger.info('security event', { [SECURITY_EVENT_LOG_KEY]: event });
}
