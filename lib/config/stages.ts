import * as z from 'zod';
import { FLAG_NAMES } from './flags';
import { HTTP_TARGETS } from './routes';
import { securityConfigSchema } from './security';
import { type IntSetting, SETTINGS } from './settings';
import { isStageName, STAGE_NAMES, type StageName } from './stage-names';

/** CloudWatch Logs retention values accepted by `AWS::Logs::LogGroup` (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** An integer within a setting's bounds (`settings.ts`): the stage value CDK puts into that variable. */
const within = (s: IntSetting) => z.number().int().min(s.min).max(s.max);

const httpsUrlWithSlash = z
  .string()
  .url()
  .refine(
    (u) => u.startsWith('https://') && u.endsWith('/'),
    'must be an https URL ending with "/" (Auth0 issuer form)',
  );

/**
 * Who an SNS topic of the stage reaches (the alarm topic, the weekly analytics report's topic): CDK subscribes these
 * endpoints. At least one endpoint.
 */
const recipientsSchema = z
  .object({
    /** E-mail addresses (each confirms the SNS subscription once). */
    emails: z.array(z.string().email()).default([]),
    /** HTTPS webhooks (paging service, chat relay); SNS posts JSON notifications to them. */
    httpsEndpoints: z
      .array(
        z
          .string()
          .url()
          .refine((u) => u.startsWith('https://'), 'must be an https URL'),
      )
      .default([]),
  })
  .strict()
  .refine((n) => n.emails.length + n.httpsEndpoints.length > 0, 'at least one email or https endpoint');

/** Schema of one stage's configuration. Every field is validated at synth and at Lambda start. */
export const stageConfigSchema = z
  .object({
    name: z.enum(STAGE_NAMES),
    /** AWS account id; optional so `cdk synth` works without credentials (environment-agnostic stack). */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1')
      .optional(),
    auth0: z
      .object({
        /** Auth0 tenant issuer, exactly as in the token's `iss` (with trailing `/`). */
        issuer: httpsUrlWithSlash,
        /** Auth0 API identifier, the token's `aud`. */
        audience: z.string().min(1),
        /** Prefix of custom claims set by an Auth0 Action, e.g. `https://marketedge.io/` → `https://marketedge.io/tenant_id`. */
        claimsNamespace: httpsUrlWithSlash,
        /** Allowed clock skew for `exp`/`nbf`, seconds (`AUTH0_CLOCK_TOLERANCE_SEC`). */
        clockToleranceSec: within(SETTINGS.auth0ClockToleranceSec),
        /**
         * Longest accepted access-token lifetime (`exp − iat`), seconds, as set on the Auth0 API ("Maximum Access
         * Token Lifetime"). Longer-lived tokens are refused (401 `token_lifetime_exceeded`). Default 24 h.
         */
        maxAccessTokenLifetimeSec: within(SETTINGS.auth0MaxTokenLifetimeSec).default(
          SETTINGS.auth0MaxTokenLifetimeSec.default,
        ),
      })
      .strict(),
    authorizer: z
      .object({
        /** API Gateway authorizer result cache TTL, seconds (0 disables; max 3600). */
        cacheTtlSec: z.number().int().min(0).max(3600),
        /** Provisioned concurrency for the authorizer alias; 0 = none. */
        provisionedConcurrency: z.number().int().min(0).max(100),
        /** In-memory tenant lookup cache TTL in the authorizer, seconds (`TENANT_CACHE_TTL_SEC`). */
        tenantCacheTtlSec: within(SETTINGS.tenantCacheTtlSec),
      })
      .strict(),
    /** Rate limiter store settings; each defaults to its `settings.ts` default (unset in every stage today). */
    rateLimiter: z
      .object({
        /** Redis command timeout, ms (`RATE_LIMIT_TIMEOUT_MS`). A request never waits longer for a decision. */
        commandTimeoutMs: within(SETTINGS.rateLimitTimeoutMs).default(SETTINGS.rateLimitTimeoutMs.default),
        /** Consecutive failures that open the circuit breaker (`RATE_LIMIT_BREAKER_THRESHOLD`). */
        breakerFailureThreshold: within(SETTINGS.rateLimitBreakerThreshold).default(
          SETTINGS.rateLimitBreakerThreshold.default,
        ),
        /** How long the breaker stays open before a trial request, ms (`RATE_LIMIT_BREAKER_COOLDOWN_MS`). */
        breakerCooldownMs: within(SETTINGS.rateLimitBreakerCooldownMs).default(
          SETTINGS.rateLimitBreakerCooldownMs.default,
        ),
      })
      .strict()
      .prefault({}),
    /**
     * What CloudFormation does with stateful resources (tables, cache, log groups, buckets, keys, secrets) when
     * they leave the stack: `destroy` (dev: stacks come and go) or `retain` (staging/prod keep their data).
     */
    removalPolicy: z.enum(['destroy', 'retain']),
    /** DynamoDB deletion protection on every table (the table cannot be deleted until it is switched off). */
    deletionProtection: z.boolean(),
    /** DynamoDB point-in-time recovery (continuous backups, 35 days) on every table. */
    pointInTimeRecovery: z.boolean(),
    /** VPC: NAT gateways for the Lambdas' egress (1 = one shared by both AZs, 2 = one per AZ). */
    natGateways: z.number().int().min(1).max(2),
    /** ElastiCache Serverless rate-limit cache: usage limits and snapshots. */
    cache: z
      .object({
        /** Most data the cache may hold, GB. */
        maxDataStorageGb: z.number().int().min(1).max(5_000),
        /** Most ElastiCache Processing Units per second. */
        maxEcpuPerSecond: z.number().int().min(1_000).max(15_000_000),
        /** Daily snapshots kept, days (0 = no snapshots; then no snapshot window is set). */
        snapshotRetentionDays: z.number().int().min(0).max(35),
        /** Start of the daily snapshot window, `HH:MM` UTC (used when snapshots are kept). */
        dailySnapshotTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)'),
      })
      .strict(),
    /**
     * API Gateway execution logging (`INFO`) on the stage. Off → `OFF`, and cdk-nag's AwsSolutions-APIG6 is
     * acknowledged (request data must not reach logs; JSON access logs and X-Ray cover every request).
     */
    apiExecutionLogging: z.boolean(),
    /** How an AppConfig feature-flag change rolls out (the stage's deployment strategy). */
    flagRollout: z.discriminatedUnion('kind', [
      /** All at once, no bake. */
      z.object({ kind: z.literal('immediate') }).strict(),
      /** `growthPercent` of the targets per step over `durationMinutes`, then a bake of `bakeMinutes`. */
      z
        .object({
          kind: z.literal('linear'),
          growthPercent: z.number().min(1).max(100),
          durationMinutes: z.number().int().min(0).max(1_440),
          bakeMinutes: z.number().int().min(0).max(1_440),
        })
        .strict(),
    ]),
    /** Log group retention for Lambda and access logs, days. */
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      }),
    /** Powertools log level. */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    /** Alarm thresholds. */
    alarms: z
      .object({
        /** API p99 latency, ms. */
        p99LatencyMs: z.number().positive(),
        /**
         * Lowest p99 latency alarm threshold of a single route, ms: the floor of the per-route thresholds derived from
         * the measured baselines (`routeP99ThresholdMs`, lib/config/load-baselines.ts), so a route that is fast locally
         * does not alarm on the ordinary variance of a deployed stage (cold starts, network).
         */
        routeP99FloorMs: z.number().positive(),
        /** 5XX responses, percent of requests over 5 minutes. */
        error5xxPercent: z.number().positive().max(100),
        /** Authorizer failures per minute (security signal). */
        authFailuresPerMinute: z.number().int().positive(),
        /** 429s per minute across the stage. */
        rateLimitDeniedPerMinute: z.number().int().positive(),
        /** Degraded (Redis unavailable) limiter decisions per minute. */
        rateLimitDegradedPerMinute: z.number().int().positive(),
        /** Failed upstream calls of the edge proxy (timeouts, unreachable, 5xx, too large) per minute. */
        upstreamErrorsPerMinute: z.number().int().positive(),
        /** Unhandled errors (500) in the service Lambdas per 5 minutes above which the alarm fires (0 = any). */
        unhandledErrorsPer5Min: z.number().int().min(0),
        /**
         * Requests per 5 minutes (stage `Count`, resp. the upstream route's) from which missing request-path metrics
         * (`LimiterMetricsMissing`, `UpstreamMetricsMissing`) count as an incident rather than a quiet stage.
         */
        metricsGapMinRequests: z.number().int().positive(),
        /** Width of the anomaly-detection band of the request-count and 4XX/5XX-rate anomaly alarms, standard deviations. */
        anomalyBandStdDevs: z.number().positive().max(10),
      })
      .strict(),
    /**
     * Capacity limits the capacity alarms compare with (`lib/config/capacity-alarms.ts`), besides those set elsewhere
     * (`cache` usage limits, usage-plan quotas in `tiers.ts`, the stage throttle in `gateway.ts`). Account quotas are
     * per region: raise them in Service Quotas first, then here.
     */
    capacity: z
      .object({
        /** Share of a limit at which the capacity alarms fire, percent. */
        alarmPercent: z.number().min(50).max(100),
        /** Lambda concurrent executions quota of the account in the stage's region (Service Quotas L-B99A9384). */
        lambdaConcurrentExecutions: z.number().int().min(10),
        /** API Gateway account-level throttle in the region, requests per second (shared by every API). */
        apiGatewayAccountRps: z.number().int().positive(),
        /** DynamoDB on-demand throughput quota per table, read request units per second. */
        dynamoDbTableReadUnitsPerSec: z.number().int().positive(),
        /** DynamoDB on-demand throughput quota per table, write request units per second. */
        dynamoDbTableWriteUnitsPerSec: z.number().int().positive(),
      })
      .strict(),
    /**
     * Service level objectives (`lib/config/slos.ts` builds the SLOs, their burn-rate alarms and error-budget widgets).
     */
    slo: z
      .object({
        /** Compliance window (error-budget period), days. */
        windowDays: z.number().int().min(7).max(90),
        /** Availability: share of API requests answered without a 5XX, percent. */
        availabilityPercent: z.number().min(90).max(99.999),
        /** Latency: share of API requests answered within `alarms.p99LatencyMs`, percent. */
        latencyPercent: z.number().min(90).max(99.99),
      })
      .strict(),
    /**
     * Who the stage's alarms reach: every alarm and OK transition is published to the SNS topic
     * `marketedge-<stage>-alarms`, which CDK subscribes these endpoints to. At least one endpoint per stage.
     */
    notifications: recipientsSchema,
    /**
     * The stage's Synthetics canary (`lib/config/canary.ts`): it calls `/health` and `/v1/me` every minute with a
     * client-credentials token of an Auth0 machine-to-machine application of the platform tenant.
     */
    canary: z
      .object({
        /**
         * Secrets Manager name of that application's credentials, a JSON `{ "clientId", "clientSecret" }` created
         * outside CDK (docs/deploy.md); the canary reads it, nothing else does.
         */
        secretName: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name'),
      })
      .strict(),
    /** Real-user monitoring of the console (CloudWatch RUM app monitor `marketedge-<stage>-console`, `lib/config/rum.ts`). */
    rum: z
      .object({
        /** Share of browser sessions recorded, 0–1 (the app monitor's and the console sender's sample rate). */
        sessionSampleRate: z.number().min(0).max(1),
      })
      .strict(),
    /** Base URLs of HTTP backends reached through the edge proxy. */
    httpBackends: z.record(z.enum(HTTP_TARGETS), z.string().url()),
    /** Security monitoring: log retention, trail, GuardDuty, allowlist, detection thresholds, block durations. */
    security: securityConfigSchema,
    /** Product analytics pipeline (Firehose → S3 → Glue/Athena; docs/analytics.md). */
    analytics: z
      .object({
        /** Raw events kept in S3 (`events/`), days; then deleted by the bucket lifecycle. */
        rawRetentionDays: z.number().int().min(1).max(3650),
        /** Records Firehose could not deliver or convert (`errors/`), days. */
        errorRetentionDays: z.number().int().min(1).max(365),
        /** Athena query results and exports, days. */
        resultsRetentionDays: z.number().int().min(1).max(365),
        /** Firehose buffering interval, seconds (0–900). */
        bufferingIntervalSec: z.number().int().min(0).max(900),
        /** Firehose buffering size, MiB (64–128: the minimum with record-format conversion is 64). */
        bufferingSizeMiB: z.number().int().min(64).max(128),
        /** Athena workgroup per-query limit of bytes scanned, MiB (≥ 10). */
        bytesScannedCutoffMiB: z.number().int().min(10),
        /** Deleting the Athena workgroup also deletes its saved queries and history (else deletion fails). */
        workgroupRecursiveDelete: z.boolean(),
        /**
         * The scheduled weekly report (docs/analytics.md, "Weekly report"): who its SNS topic notifies, and how long
         * its HTML and CSV stay in the reports bucket, days.
         */
        weeklyReport: z
          .object({
            recipients: recipientsSchema,
            retentionDays: z.number().int().min(7).max(3650),
          })
          .strict(),
      })
      .strict(),
    /** Flag values that differ from the catalog default for this stage (see `flags.ts`). */
    flagOverrides: z.partialRecord(z.enum(FLAG_NAMES as [string, ...string[]]), z.boolean()).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(c.security.securityLogRetentionDays)) {
      ctx.addIssue({
        code: 'custom',
        path: ['security', 'securityLogRetentionDays'],
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      });
    }
    if (c.name === 'prod' && c.security.securityLogRetentionDays < 365) {
      ctx.addIssue({
        code: 'custom',
        path: ['security', 'securityLogRetentionDays'],
        message: 'prod keeps security events at least 365 days (audit)',
      });
    }
  });

/** A validated stage configuration. */
export type StageConfig = z.output<typeof stageConfigSchema>;

const common = {
  auth0Namespace: 'https://marketedge.io/',
  audience: 'https://api.marketedge.io',
  /** Account and table limits the capacity alarms measure against (same AWS quotas in every stage account). */
  capacityLimits: {
    alarmPercent: 80,
    apiGatewayAccountRps: 10_000,
    dynamoDbTableReadUnitsPerSec: 40_000,
    dynamoDbTableWriteUnitsPerSec: 40_000,
  },
  threatIntel: { key: 'threat-intel/ips.txt', format: 'TXT' },
  /** The VPC range: never blocked by the security responder. */
  allowlist: ['10.0.0.0/8'],
} as const;

/** Raw stage configuration (validated by {@link getStageConfig}). */
export const STAGES: Readonly<Record<StageName, z.input<typeof stageConfigSchema>>> = {
  dev: {
    name: 'dev',
    auth0: {
      issuer: 'https://marketedge-dev.eu.auth0.com/',
      audience: common.audience,
      claimsNamespace: common.auth0Namespace,
      clockToleranceSec: 30,
    },
    authorizer: { cacheTtlSec: 60, provisionedConcurrency: 0, tenantCacheTtlSec: 5 },
    removalPolicy: 'destroy',
    deletionProtection: false,
    pointInTimeRecovery: true,
    natGateways: 1,
    cache: {
      maxDataStorageGb: 2,
      maxEcpuPerSecond: 100_000,
      snapshotRetentionDays: 0,
      dailySnapshotTime: '03:00',
    },
    apiExecutionLogging: true,
    flagRollout: { kind: 'immediate' },
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    alarms: {
      p99LatencyMs: 1_500,
      routeP99FloorMs: 600,
      error5xxPercent: 5,
      authFailuresPerMinute: 200,
      rateLimitDeniedPerMinute: 1_000,
      rateLimitDegradedPerMinute: 50,
      upstreamErrorsPerMinute: 50,
      unhandledErrorsPer5Min: 5,
      metricsGapMinRequests: 20,
      anomalyBandStdDevs: 4,
    },
    capacity: { ...common.capacityLimits, lambdaConcurrentExecutions: 1_000 },
    slo: { windowDays: 30, availabilityPercent: 99, latencyPercent: 99 },
    notifications: { emails: ['platform-dev-alerts@marketedge.io'] },
    rum: { sessionSampleRate: 1 },
    canary: { secretName: 'marketedge/dev/canary-m2m-client' },
    httpBackends: { marketData: 'https://market-data.dev.internal.marketedge.io' },
    security: {
      securityLogRetentionDays: 30,
      trailRetentionDays: 90,
      objectLock: false,
      guardDuty: { mode: 'create' },
      threatIntel: common.threatIntel,
      allowlist: [...common.allowlist],
      failedAuth: { windowSec: 60, perIpThreshold: 20, perTenantThreshold: 100, cooldownSec: 300 },
      blockTtlSec: { finding: 3_600, bruteForce: 900 },
      anomaly: { alpha: 0.3, zThreshold: 4, minVolume: 50, minHistoryHours: 3, cooldownSec: 3_600 },
      clamp: { requestsPerMinute: 60, ttlSec: 900 },
    },
    analytics: {
      rawRetentionDays: 30,
      errorRetentionDays: 14,
      resultsRetentionDays: 7,
      bufferingIntervalSec: 60,
      bufferingSizeMiB: 64,
      bytesScannedCutoffMiB: 1_024,
      workgroupRecursiveDelete: true,
      weeklyReport: { recipients: { emails: ['analytics-dev@marketedge.io'] }, retentionDays: 30 },
    },
  },
  staging: {
    name: 'staging',
    auth0: {
      issuer: 'https://marketedge-staging.eu.auth0.com/',
      audience: common.audience,
      claimsNamespace: common.auth0Namespace,
      clockToleranceSec: 30,
    },
    authorizer: { cacheTtlSec: 300, provisionedConcurrency: 1, tenantCacheTtlSec: 10 },
    removalPolicy: 'retain',
    deletionProtection: false,
    pointInTimeRecovery: true,
    natGateways: 1,
    cache: {
      maxDataStorageGb: 2,
      maxEcpuPerSecond: 100_000,
      snapshotRetentionDays: 7,
      dailySnapshotTime: '03:00',
    },
    apiExecutionLogging: true,
    flagRollout: { kind: 'immediate' },
    logRetentionDays: 30,
    logLevel: 'INFO',
    alarms: {
      p99LatencyMs: 1_000,
      routeP99FloorMs: 400,
      error5xxPercent: 2,
      authFailuresPerMinute: 100,
      rateLimitDeniedPerMinute: 2_000,
      rateLimitDegradedPerMinute: 10,
      upstreamErrorsPerMinute: 20,
      unhandledErrorsPer5Min: 0,
      metricsGapMinRequests: 20,
      anomalyBandStdDevs: 3,
    },
    capacity: { ...common.capacityLimits, lambdaConcurrentExecutions: 1_000 },
    slo: { windowDays: 30, availabilityPercent: 99.5, latencyPercent: 99 },
    notifications: {
      emails: ['platform-alerts@marketedge.io'],
      httpsEndpoints: ['https://hooks.marketedge.io/alerts/staging'],
    },
    rum: { sessionSampleRate: 1 },
    canary: { secretName: 'marketedge/staging/canary-m2m-client' },
    httpBackends: { marketData: 'https://market-data.staging.internal.marketedge.io' },
    security: {
      securityLogRetentionDays: 90,
      trailRetentionDays: 365,
      objectLock: false,
      guardDuty: { mode: 'create' },
      threatIntel: common.threatIntel,
      allowlist: [...common.allowlist],
      failedAuth: { windowSec: 60, perIpThreshold: 20, perTenantThreshold: 200, cooldownSec: 300 },
      blockTtlSec: { finding: 86_400, bruteForce: 3_600 },
      anomaly: { alpha: 0.2, zThreshold: 4, minVolume: 200, minHistoryHours: 24, cooldownSec: 3_600 },
      clamp: { requestsPerMinute: 120, ttlSec: 3_600 },
    },
    analytics: {
      rawRetentionDays: 90,
      errorRetentionDays: 30,
      resultsRetentionDays: 14,
      bufferingIntervalSec: 300,
      bufferingSizeMiB: 64,
      bytesScannedCutoffMiB: 10_240,
      workgroupRecursiveDelete: false,
      weeklyReport: { recipients: { emails: ['analytics-staging@marketedge.io'] }, retentionDays: 90 },
    },
  },
  prod: {
    name: 'prod',
    auth0: {
      issuer: 'https://marketedge.eu.auth0.com/',
      audience: common.audience,
      claimsNamespace: common.auth0Namespace,
      clockToleranceSec: 10,
    },
    authorizer: { cacheTtlSec: 300, provisionedConcurrency: 5, tenantCacheTtlSec: 10 },
    removalPolicy: 'retain',
    deletionProtection: true,
    pointInTimeRecovery: true,
    natGateways: 2,
    cache: {
      maxDataStorageGb: 20,
      maxEcpuPerSecond: 1_000_000,
      snapshotRetentionDays: 7,
      dailySnapshotTime: '03:00',
    },
    apiExecutionLogging: false,
    flagRollout: { kind: 'linear', growthPercent: 25, durationMinutes: 4, bakeMinutes: 5 },
    logRetentionDays: 365,
    logLevel: 'INFO',
    alarms: {
      p99LatencyMs: 800,
      routeP99FloorMs: 300,
      error5xxPercent: 1,
      authFailuresPerMinute: 100,
      rateLimitDeniedPerMinute: 5_000,
      rateLimitDegradedPerMinute: 1,
      upstreamErrorsPerMinute: 20,
      unhandledErrorsPer5Min: 0,
      metricsGapMinRequests: 50,
      anomalyBandStdDevs: 3,
    },
    capacity: { ...common.capacityLimits, lambdaConcurrentExecutions: 3_000 },
    slo: { windowDays: 30, availabilityPercent: 99.9, latencyPercent: 99 },
    notifications: {
      emails: ['platform-alerts@marketedge.io', 'oncall@marketedge.io'],
      httpsEndpoints: ['https://hooks.marketedge.io/alerts/prod', 'https://hooks.marketedge.io/pager/prod'],
    },
    rum: { sessionSampleRate: 0.25 },
    canary: { secretName: 'marketedge/prod/canary-m2m-client' },
    httpBackends: { marketData: 'https://market-data.internal.marketedge.io' },
    security: {
      securityLogRetentionDays: 731,
      trailRetentionDays: 2_557,
      objectLock: true,
      guardDuty: { mode: 'create' },
      threatIntel: common.threatIntel,
      allowlist: [...common.allowlist],
      failedAuth: { windowSec: 60, perIpThreshold: 30, perTenantThreshold: 500, cooldownSec: 600 },
      blockTtlSec: { finding: 86_400, bruteForce: 3_600 },
      anomaly: { alpha: 0.1, zThreshold: 4, minVolume: 1_000, minHistoryHours: 72, cooldownSec: 6 * 3_600 },
      clamp: { requestsPerMinute: 300, ttlSec: 3_600 },
    },
    analytics: {
      rawRetentionDays: 395,
      errorRetentionDays: 30,
      resultsRetentionDays: 30,
      bufferingIntervalSec: 300,
      bufferingSizeMiB: 128,
      bytesScannedCutoffMiB: 102_400,
      workgroupRecursiveDelete: false,
      weeklyReport: { recipients: { emails: ['analytics-reports@marketedge.io'] }, retentionDays: 395 },
    },
  },
};

/** Thrown when a stage configuration is invalid; the message names every bad field path. */
export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

/**
 * Validates and returns a stage's configuration.
 * @param stage stage name (`dev` | `staging` | `prod`)
 * @param raw raw config to validate (defaults to {@link STAGES}`[stage]`; tests pass broken ones)
 * @throws {StageConfigError} unknown stage, or any invalid field — e.g. `stage "prod": auth0.issuer: must be an https URL…`
 */
export function getStageConfig(
  stage: string,
  raw: unknown = isStageName(stage) ? STAGES[stage] : undefined,
): StageConfig {
  if (!isStageName(stage)) {
    throw new StageConfigError(`unknown stage "${stage}": expected one of ${STAGE_NAMES.join(', ')}`);
  }
  const parsed = stageConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new StageConfigError(`stage "${stage}" config invalid: ${fields}`);
  }
  if (parsed.data.name !== stage) {
    throw new StageConfigError(`stage "${stage}" config invalid: name: must be "${stage}"`);
  }
  return parsed.data;
}
