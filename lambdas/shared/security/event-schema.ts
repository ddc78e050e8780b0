import * as z from 'zod';

/**
 * Security event types (one schema for all): authentication/authorization outcomes, admin access and changes,
 * spoofed identity headers, detections and responder actions. Documented per type in docs/security-runbooks.md.
 */
export const SECURITY_EVENT_TYPES = [
  /** Authorizer Allow. */
  'AuthAllowed',
  /** Authorizer 401 (bad, missing, expired token …) or a 401 answered by API Gateway itself. */
  'AuthFailed',
  /** Authorizer Deny (403: unknown/suspended tenant, no roles) or a cached Deny. */
  'AuthDenied',
  /** Admin API refused an authenticated caller (role or tenant scope). */
  'AdminAccessDenied',
  /** A client sent identity headers (`x-tenant-id` …) that the edge strips. */
  'IdentityHeaderSpoof',
  /** Admin API changed tenants, tiers, limits, bypasses or API keys (audit entry written). */
  'AdminChange',
  /** Failed authentications from one IP or for one tenant crossed the threshold. */
  'FailedAuthThresholdExceeded',
  /** A tenant's hourly figures deviate from its own baseline. */
  'TenantActivityAnomaly',
  /** A GuardDuty finding reached the responder. */
  'GuardDutyFinding',
  /** The responder added an address to a WAF IP set. */
  'IpBlocked',
  /** The responder removed an address (expiry or manual unblock). */
  'IpUnblocked',
  /** The responder removed an address to stay under the IP-set cap. */
  'IpEvicted',
  /** An emergency limit override was applied to a tenant (or lifted). */
  'TenantClamped',
  /** An action was due but only alerted (`security_monitoring_enabled` off, allowlisted address). */
  'ResponseSuppressed',
] as const;

/** One security event type. */
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** Outcome of a security event. */
export const SECURITY_OUTCOMES = [
  'allowed',
  'unauthorized',
  'forbidden',
  'detected',
  'blocked',
  'unblocked',
  'evicted',
  'clamped',
  'unclamped',
  'suppressed',
  'ignored',
  'changed',
] as const;

/** Principal types: Auth0 user, machine-to-machine client, the platform's own responder, or unknown. */
export const PRINCIPAL_TYPES = ['user', 'service', 'system', 'unknown'] as const;

/** `-` or a value: like the access log, "not applicable" is `-` so Logs Insights filters stay simple. */
const text = (max: number) => z.string().min(1).max(max);

/**
 * The security-event schema: every field always present (`-` when not applicable), no token or secret ever
 * (`principal` is the token subject, `sourceIp` the caller's address). `details` holds numbers and short codes
 * (thresholds, counts, z-scores, finding ids, expiry) — never free text from a request.
 */
export const securityEventSchema = z
  .object({
    /** ISO-8601 UTC time of the event. */
    time: z.iso.datetime(),
    type: z.enum(SECURITY_EVENT_TYPES),
    outcome: z.enum(SECURITY_OUTCOMES),
    /** Machine reason code (`token_expired`, `tenant_suspended`, `per_ip`, `guardduty_high` …). */
    reason: text(64),
    /** Tenant id or `-`. */
    tenantId: text(64),
    /** Principal id (Auth0 `sub`, `security-responder`) or `-`. */
    principal: text(256),
    principalType: z.enum(PRINCIPAL_TYPES),
    /** Caller's source IP or `-`. */
    sourceIp: text(64),
    /** Caller's User-Agent (truncated to 256 characters) or `-`. */
    userAgent: text(256),
    /** Route template (`/v1/reports/{reportId}`) or `-`. */
    route: text(256),
    /** API Gateway request id (correlation id) or the EventBridge event id, or `-`. */
    requestId: text(128),
    /** Stage (`dev` | `staging` | `prod`). */
    stage: text(16),
    details: z.record(z.string(), z.union([z.string().max(512), z.number(), z.boolean()])),
  })
  .strict();

/** A validated security event. */
export type SecurityEvent = z.output<typeof securityEventSchema>;
