/**
 * Security monitoring facts: the stage `security` section schema, severity bands, the custom EventBridge source and
 * detail types, block durations and WAF IP-set limits. One home for CDK (rules, GuardDuty, trail), the Lambdas
 * (responder, detectors), the local stack and the drill (docs/security-runbooks.md).
 */
import { isIP } from 'node:net';
import * as z from 'zod';

/** Most addresses one WAF IP set holds (AWS WAFv2 quota). The responder evicts before exceeding it. */
export const IP_SET_CAPACITY = 10_000;

/** EventBridge `source` of the platform's own security events (detections and responder actions). */
export const SECURITY_EVENT_SOURCE = 'marketedge.security';

/** EventBridge `detail-type`s the platform emits on {@link SECURITY_EVENT_SOURCE}. */
export const SECURITY_DETAIL_TYPES = {
  /** Failed authentications from one source IP or for one tenant crossed the stage threshold (detector). */
  failedAuthThreshold: 'FailedAuthThresholdExceeded',
  /** A tenant's hourly activity deviates from its own baseline (anomaly detector). */
  tenantAnomaly: 'TenantActivityAnomaly',
  /** The responder acted (block, unblock, evict, clamp) or only alerted (monitoring off): for notification. */
  responderAction: 'SecurityResponderAction',
  /** A platform admin asks the responder to lift a block now (`POST /admin/security/unblock`). */
  unblockRequested: 'SecurityUnblockRequested',
  /** A platform admin asks the responder to lift a tenant clamp now (`DELETE /admin/security/clamps/{tenantId}`). */
  clampLiftRequested: 'SecurityClampLiftRequested',
} as const;

/** GuardDuty's EventBridge identity. */
export const GUARDDUTY_SOURCE = 'aws.guardduty';
/** GuardDuty finding `detail-type`. */
export const GUARDDUTY_DETAIL_TYPE = 'GuardDuty Finding';

/** Severity bands of GuardDuty findings (0.1–8.9 today; AWS documents 1–10 for future use). */
export const SEVERITY_BANDS = {
  /** ≥ 7: page, automated response. */
  high: { min: 7 },
  /** 4–6.9: ticket topic, no automated action. */
  medium: { min: 4 },
  /** < 4: logged and counted only. */
  low: { min: 0 },
} as const;

/** One severity band. */
export type SeverityBand = keyof typeof SEVERITY_BANDS;

/** Band of a finding severity (GuardDuty scale). */
export function severityBand(severity: number): SeverityBand {
  if (severity >= SEVERITY_BANDS.high.min) return 'high';
  if (severity >= SEVERITY_BANDS.medium.min) return 'medium';
  return 'low';
}

/** Severity the platform gives its own failed-auth detections (GuardDuty scale, "high"). */
export const BRUTE_FORCE_SEVERITY = 7;

/** An IPv4 or IPv6 address or CIDR (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`). */
export const cidrSchema = z.string().refine((s) => {
  const [addr, bits, ...rest] = s.split('/');
  const v = isIP(addr ?? '');
  if (v === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (v === 4 ? 32 : 128);
}, 'must be an IPv4/IPv6 address or CIDR');

/** Formats GuardDuty reads a threat-intel list in (`AWS::GuardDuty::ThreatIntelSet` `Format`). */
export const THREAT_INTEL_FORMATS = [
  'TXT',
  'STIX',
  'OTX_CSV',
  'ALIEN_VAULT',
  'PROOF_POINT',
  'FIRE_EYE',
] as const;

/** The repository's threat-intel list (plain text, one address or CIDR per line; `#` comments), reviewed quarterly. */
export const THREAT_INTEL_REPOSITORY_FILE = 'security/threat-intel.txt';

/** Longest `Location` GuardDuty accepts for a threat-intel set, characters. */
export const THREAT_INTEL_LOCATION_MAX = 300;

/** An S3 bucket name (3–63 characters, lowercase letters, digits, dots and hyphens; not IP-shaped; no `..`). */
export const s3BucketNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be an S3 bucket name (3-63 lowercase letters, digits, . -)',
  )
  .refine(
    (b) => !b.includes('..') && isIP(b) === 0,
    'must be an S3 bucket name (no "..", not an IP address)',
  );

/** An S3 object key of a list: printable, no leading `/`, no whitespace, at most 1,024 characters. */
export const s3ObjectKeySchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(
    /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()\-/]*$/,
    "must be an S3 object key (letters, digits, !_.*'()-/)",
  );

/**
 * Where GuardDuty loads the stage's threat-intel set from. Without `bucket`, the Security stack creates a bucket and
 * uploads the repository list ({@link THREAT_INTEL_REPOSITORY_FILE}, validated at synth) to `key`; with `bucket`, the
 * list is an object the security team maintains in that bucket (e.g. a commercial feed), read in `format`.
 */
export const threatIntelConfigSchema = z
  .object({
    /** Bucket of an externally maintained list; omitted = the stack's own bucket holding the repository list. */
    bucket: s3BucketNameSchema.optional(),
    /** Object key of the list. */
    key: s3ObjectKeySchema,
    format: z.enum(THREAT_INTEL_FORMATS),
    /** Account that must own `bucket` (GuardDuty refuses to read it otherwise); only with `bucket`. */
    expectedBucketOwner: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.bucket && t.format !== 'TXT')
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: 'the repository list is plain text: format must be TXT without a bucket',
      });
    if (!t.bucket && t.expectedBucketOwner)
      ctx.addIssue({ code: 'custom', path: ['expectedBucketOwner'], message: 'only with bucket' });
    // The stack's own bucket name is a token at synth: bound it by the longest name S3 allows (63).
    if (threatIntelLocation(t.bucket ?? 'x'.repeat(63), t.key).length > THREAT_INTEL_LOCATION_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: `the list's location must stay within ${THREAT_INTEL_LOCATION_MAX} characters`,
      });
  });

/** A validated threat-intel source. */
export type ThreatIntelConfig = z.output<typeof threatIntelConfigSchema>;

/** The `Location` of a threat-intel set: the object's path-style HTTPS URL (GuardDuty's documented form). */
export function threatIntelLocation(bucket: string, key: string): string {
  return `https://s3.amazonaws.com/${bucket}/${key}`;
}

/** Schema of a stage's `security` section (validated with the rest of the stage config). */
export const securityConfigSchema = z
  .object({
    /** Retention of the security log group, days (prod ≥ 365 for audit). */
    securityLogRetentionDays: z.number().int().min(1),
    /** How long CloudTrail log files are kept in S3, days (object lock in governance mode when `objectLock`). */
    trailRetentionDays: z.number().int().min(1),
    /** S3 Object Lock on the trail bucket (prod). */
    objectLock: z.boolean(),
    /** GuardDuty: `create` a detector in the stage account, or use the organization's detector by id. */
    guardDuty: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('create') }).strict(),
      z.object({ mode: z.literal('existing'), detectorId: z.string().regex(/^[a-z0-9]{32}$/) }).strict(),
    ]),
    /**
     * The threat-intel set of the stage's detector. Required with `guardDuty.mode: create`; with an existing
     * organization detector it may be omitted when the organization's administrator account manages the lists (only
     * the GuardDuty administrator can create threat-intel sets).
     */
    threatIntel: threatIntelConfigSchema.optional(),
    /** Addresses and CIDRs that are never blocked (office egress, monitoring probes, partners). */
    allowlist: z.array(cidrSchema).max(100),
    /** Failed-authentication detection (sliding windows in Redis). */
    failedAuth: z
      .object({
        /** Sliding window, seconds. */
        windowSec: z.number().int().min(10).max(3600),
        /** 401/403s from one source IP within the window that trigger an event, an alarm and a block. */
        perIpThreshold: z.number().int().min(2),
        /** 401/403s for one tenant within the window that trigger an event and an alarm (no block). */
        perTenantThreshold: z.number().int().min(2),
        /** Quiet time after an event for the same subject, seconds. */
        cooldownSec: z.number().int().min(1).max(86_400),
      })
      .strict(),
    /** Block durations, seconds: GuardDuty high-severity findings and failed-auth bursts. */
    blockTtlSec: z
      .object({
        finding: z
          .number()
          .int()
          .min(1)
          .max(30 * 86_400),
        bruteForce: z
          .number()
          .int()
          .min(1)
          .max(30 * 86_400),
      })
      .strict(),
    /** Tenant activity anomaly detection (EWMA and z-score over hourly figures). */
    anomaly: z
      .object({
        /** EWMA smoothing factor (weight of the newest hour). */
        alpha: z.number().gt(0).lt(1),
        /** z-score above which an hour is anomalous. */
        zThreshold: z.number().positive(),
        /** Minimum figure in the hour before it can be flagged (small tenants do not page). */
        minVolume: z.number().int().min(1),
        /** Hours of baseline required before flagging. */
        minHistoryHours: z.number().int().min(1),
        /** Quiet time per tenant after a flag, seconds. */
        cooldownSec: z.number().int().min(0),
      })
      .strict(),
    /** Emergency clamp of a tenant under attack: requests per minute and how long it lasts. */
    clamp: z
      .object({
        requestsPerMinute: z.number().int().min(1),
        ttlSec: z.number().int().min(60).max(86_400),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.guardDuty.mode === 'create' && !c.threatIntel)
      ctx.addIssue({
        code: 'custom',
        path: ['threatIntel'],
        message: 'a detector created by the stack needs its threat-intel set',
      });
  });

/** A validated `security` section. */
export type SecurityConfig = z.output<typeof securityConfigSchema>;

/**
 * An EventBridge event pattern (the subset the platform uses: exact values, `numeric` ranges, `prefix`, `suffix`, `exists`,
 * `anything-but`, nested objects). CDK writes it verbatim into `AWS::Events::Rule`; the local bus matches with it.
 */
export type EventPattern = { readonly [key: string]: EventPattern | readonly PatternValue[] };
/** One allowed value (or value test) of an {@link EventPattern} field. */
export type PatternValue =
  | string
  | number
  | boolean
  | null
  | { readonly numeric: readonly (string | number)[] }
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly exists: boolean }
  | { readonly 'anything-but': string | number | readonly (string | number)[] };

/** Where a matched event goes: the responder Lambda, the paging topic, the ticket topic. */
export type SecurityTarget = 'responder' | 'page' | 'ticket';

/** One EventBridge rule of the Security stack (also routed by the local bus). */
export interface SecurityRule {
  /** Construct id and local name (PascalCase). */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly targets: readonly SecurityTarget[];
}

const CLOUDTRAIL_API = 'AWS API Call via CloudTrail';

/**
 * The security EventBridge rules of every stage (docs/security-runbooks.md lists who is paged per rule):
 * GuardDuty by severity band (archived findings and updates without a severity match no band or are ignored by the
 * responder), the platform's own detections and responder actions, and CloudTrail alerts.
 */
export const SECURITY_RULES: readonly SecurityRule[] = [
  {
    id: 'GuardDutyHigh',
    description: 'GuardDuty findings with severity >= 7: page and automated response',
    pattern: {
      source: [GUARDDUTY_SOURCE],
      'detail-type': [GUARDDUTY_DETAIL_TYPE],
      detail: { severity: [{ numeric: ['>=', SEVERITY_BANDS.high.min] }] },
    },
    targets: ['page', 'responder'],
  },
  {
    id: 'GuardDutyMedium',
    description: 'GuardDuty findings with severity 4-6.9: ticket',
    pattern: {
      source: [GUARDDUTY_SOURCE],
      'detail-type': [GUARDDUTY_DETAIL_TYPE],
      detail: { severity: [{ numeric: ['>=', SEVERITY_BANDS.medium.min, '<', SEVERITY_BANDS.high.min] }] },
    },
    targets: ['ticket'],
  },
  {
    id: 'FailedAuthThreshold',
    description:
      'Failed authentications over the stage threshold: page; block the source IP or clamp the tenant',
    pattern: { source: [SECURITY_EVENT_SOURCE], 'detail-type': [SECURITY_DETAIL_TYPES.failedAuthThreshold] },
    targets: ['page', 'responder'],
  },
  {
    id: 'UnblockRequested',
    description: 'A platform admin lifts a block: responder',
    pattern: { source: [SECURITY_EVENT_SOURCE], 'detail-type': [SECURITY_DETAIL_TYPES.unblockRequested] },
    targets: ['responder'],
  },
  {
    id: 'ClampLiftRequested',
    description: 'A platform admin lifts a tenant clamp: responder',
    pattern: { source: [SECURITY_EVENT_SOURCE], 'detail-type': [SECURITY_DETAIL_TYPES.clampLiftRequested] },
    targets: ['responder'],
  },
  {
    id: 'TenantAnomaly',
    description: "A tenant's hourly activity left its baseline: ticket",
    pattern: { source: [SECURITY_EVENT_SOURCE], 'detail-type': [SECURITY_DETAIL_TYPES.tenantAnomaly] },
    targets: ['ticket'],
  },
  {
    id: 'ResponderAction',
    description: 'Every responder action or alert-only decision: ticket (audit trail of automated response)',
    pattern: { source: [SECURITY_EVENT_SOURCE], 'detail-type': [SECURITY_DETAIL_TYPES.responderAction] },
    targets: ['ticket'],
  },
  {
    id: 'RootAccountUse',
    description: 'CloudTrail: the root user signed in or called an API: page',
    pattern: {
      'detail-type': ['AWS Console Sign In via CloudTrail', CLOUDTRAIL_API],
      detail: { userIdentity: { type: ['Root'] } },
    },
    targets: ['page'],
  },
  {
    id: 'ConsoleLoginWithoutMfa',
    description: 'CloudTrail: console sign-in without MFA: page',
    pattern: {
      source: ['aws.signin'],
      'detail-type': ['AWS Console Sign In via CloudTrail'],
      detail: { eventName: ['ConsoleLogin'], additionalEventData: { MFAUsed: ['No'] } },
    },
    targets: ['page'],
  },
  {
    id: 'AccessKeyCreated',
    description: 'CloudTrail: an IAM access key was created: ticket',
    pattern: {
      source: ['aws.iam'],
      'detail-type': [CLOUDTRAIL_API],
      detail: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateAccessKey'] },
    },
    targets: ['ticket'],
  },
  {
    id: 'WafChanged',
    description: 'CloudTrail: a change to a WAF web ACL, rule group or IP set: ticket',
    pattern: {
      source: ['aws.wafv2'],
      'detail-type': [CLOUDTRAIL_API],
      detail: {
        eventSource: ['wafv2.amazonaws.com'],
        eventName: [
          { prefix: 'Create' },
          { prefix: 'Update' },
          { prefix: 'Delete' },
          { prefix: 'Put' },
          { prefix: 'Associate' },
          { prefix: 'Disassociate' },
        ],
      },
    },
    targets: ['ticket'],
  },
  {
    id: 'GatewayAuthChanged',
    description: 'CloudTrail: an API Gateway authorizer or usage plan (or its keys) changed: ticket',
    pattern: {
      source: ['aws.apigateway'],
      'detail-type': [CLOUDTRAIL_API],
      detail: {
        eventSource: ['apigateway.amazonaws.com'],
        eventName: [
          'CreateAuthorizer',
          'UpdateAuthorizer',
          'DeleteAuthorizer',
          'CreateUsagePlan',
          'UpdateUsagePlan',
          'DeleteUsagePlan',
          'CreateUsagePlanKey',
          'DeleteUsagePlanKey',
        ],
      },
    },
    targets: ['ticket'],
  },
  {
    id: 'AuthorizerFunctionChanged',
    description: "CloudTrail: the authorizer Lambda's code or configuration changed: ticket",
    pattern: {
      source: ['aws.lambda'],
      'detail-type': [CLOUDTRAIL_API],
      detail: {
        eventSource: ['lambda.amazonaws.com'],
        eventName: [{ prefix: 'UpdateFunctionCode' }, { prefix: 'UpdateFunctionConfiguration' }],
        requestParameters: { functionName: [{ suffix: '-authorizer' }] },
      },
    },
    targets: ['ticket'],
  },
];

/** Schedules of the security Lambdas (EventBridge schedule rules in AWS, timers or drill calls locally). */
export const SECURITY_SCHEDULES = {
  /** Lifts expired blocks and clamps (responder). */
  expirySweep: { expression: 'rate(1 minute)', target: 'responder' },
  /** Evaluates the previous hour's tenant figures against their baselines (security-events). */
  anomalyHourly: { expression: 'cron(5 * * * ? *)', target: 'security-events' },
} as const;

/** One schedule name. */
export type SecurityScheduleName = keyof typeof SECURITY_SCHEDULES;
