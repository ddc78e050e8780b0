/**
 * Every environment variable a Lambda reads — its name, unit, default, parse rule and bound — declared once (in the
 * spirit of envoy ratelimit's `settings.go`), except the table names (`TABLES[*].envVar` in `data-model.ts`, next to
 * the tables they name) and `DEBUG`, which only ioredis' bundled stand-in for the `debug` package reads. CDK sets the variables with these names (`lib/stacks/`,
 * `lib/constructs/`), the Lambdas parse them with {@link readSetting} / {@link settingOrDefault}, the stage schema
 * (`stages.ts`) takes its bounds from here, and the local stack sets the same names. No other file under `lambdas/`,
 * `lib/` or `local/` spells a variable's name (test/unit/architecture/settings.test.ts).
 *
 * Pure data and parsing: no I/O, no AWS or CDK imports (Lambdas and the local stack bundle it).
 */

import { METRICS_NAMESPACE } from './metrics';

/** An environment as Lambdas see it (`process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A string-valued variable; unset or empty → `default` (or `undefined`). */
export interface TextSetting {
  readonly kind: 'text';
  /** The variable's name, e.g. `AUTH0_ISSUER`. */
  readonly name: string;
  /** What it holds. */
  readonly description: string;
  /** Value when unset or empty. */
  readonly default?: string;
}

/** An integer-valued variable in `[min, max]`; unset or empty → `default`. */
export interface IntSetting {
  readonly kind: 'int';
  /** The variable's name, e.g. `RATE_LIMIT_TIMEOUT_MS`. */
  readonly name: string;
  /** What it holds. */
  readonly description: string;
  /** Unit of the value. */
  readonly unit: 'ms' | 's' | 'count';
  /** Value when unset or empty. */
  readonly default: number;
  /** Smallest accepted value (inclusive). */
  readonly min: number;
  /** Largest accepted value (inclusive). */
  readonly max: number;
}

/** A boolean variable: exactly `true` is true; anything else (unset included) is false. */
export interface FlagSetting {
  readonly kind: 'flag';
  /** The variable's name, e.g. `REDIS_CLUSTER`. */
  readonly name: string;
  /** What it switches. */
  readonly description: string;
}

/** One environment variable of the catalog. */
export type Setting = TextSetting | IntSetting | FlagSetting;

function text(name: string, description: string): TextSetting;
function text(name: string, description: string, dflt: string): TextSetting & { readonly default: string };
function text(name: string, description: string, dflt?: string): TextSetting {
  return { kind: 'text', name, description, ...(dflt === undefined ? {} : { default: dflt }) };
}
const int = (
  name: string,
  description: string,
  unit: IntSetting['unit'],
  dflt: number,
  min: number,
  max: number,
): IntSetting => ({ kind: 'int', name, description, unit, default: dflt, min, max });
const flag = (name: string, description: string): FlagSetting => ({ kind: 'flag', name, description });

/** The catalog: every environment variable a Lambda of this repository reads. */
export const SETTINGS = {
  // --- every Lambda ------------------------------------------------------------------------------------------------
  stage: text(
    'STAGE',
    'Stage name (`dev` | `staging` | `prod`): log key, metric dimension, flag defaults.',
    'dev',
  ),
  awsRegion: text(
    'AWS_REGION',
    'AWS region (set by the Lambda runtime; the local stack sets it).',
    'us-east-1',
  ),
  serviceName: text('POWERTOOLS_SERVICE_NAME', 'Powertools service name (the Lambda name; CDK sets it).'),
  metricsNamespace: text(
    'POWERTOOLS_METRICS_NAMESPACE',
    'Powertools metrics namespace (CDK sets it; unset → `METRICS_NAMESPACE` of `metrics.ts`).',
    METRICS_NAMESPACE,
  ),
  logLevel: text('POWERTOOLS_LOG_LEVEL', "Powertools log level (the stage's `logLevel`)."),
  logEvent: text('POWERTOOLS_LOGGER_LOG_EVENT', 'Powertools: log the incoming event (`false` everywhere).'),
  tracerCaptureResponse: text('POWERTOOLS_TRACER_CAPTURE_RESPONSE', 'Powertools Tracer: record responses.'),
  metricsDisabled: text(
    'POWERTOOLS_METRICS_DISABLED',
    'Powertools: `true` = emit no EMF (unit tests; the local stack keeps it `false` and reads the EMF lines).',
  ),
  traceEnabled: text('POWERTOOLS_TRACE_ENABLED', 'Powertools Tracer on/off (`false` in the local stack).'),
  nodeOptions: text('NODE_OPTIONS', 'Node.js options (CDK: `--enable-source-maps`).'),
  dynamodbEndpoint: text('DYNAMODB_ENDPOINT', 'DynamoDB endpoint override (dynalite locally); unset in AWS.'),
  // --- feature flags (lambdas/shared/flags.ts) ---------------------------------------------------------------------
  featureFlags: text(
    'FEATURE_FLAGS',
    'JSON object flag name → boolean over the catalog defaults of `STAGE`.',
  ),
  appConfigApplication: text(
    'APPCONFIG_APPLICATION',
    'AppConfig application of the flags (`marketedge-<stage>`).',
  ),
  appConfigEnvironment: text('APPCONFIG_ENVIRONMENT', 'AppConfig environment of the flags (`<stage>`).'),
  appConfigProfile: text(
    'APPCONFIG_PROFILE',
    'AppConfig `AWS.AppConfig.FeatureFlags` profile (`feature-flags`).',
  ),
  // --- rate limiter (lambdas/shared/rate-limit/core/settings.ts) ---------------------------------------------------
  redisUrl: text('REDIS_URL', '`redis://` / `rediss://` URL of the limiter store; unset → in-memory store.'),
  redisCluster: flag(
    'REDIS_CLUSTER',
    '`true` → ioredis cluster client (ElastiCache Serverless is cluster mode).',
  ),
  rateLimitTimeoutMs: int(
    'RATE_LIMIT_TIMEOUT_MS',
    'Store call timeout: a request never waits longer for a decision.',
    'ms',
    25,
    1,
    1_000,
  ),
  rateLimitBreakerThreshold: int(
    'RATE_LIMIT_BREAKER_THRESHOLD',
    'Consecutive store failures that open the circuit breaker.',
    'count',
    5,
    1,
    100,
  ),
  rateLimitBreakerCooldownMs: int(
    'RATE_LIMIT_BREAKER_COOLDOWN_MS',
    'How long the breaker stays open before a trial call.',
    'ms',
    2_000,
    100,
    60_000,
  ),
  // --- authorizer (lambdas/authorizer/config.ts) -------------------------------------------------------------------
  auth0Issuer: text('AUTH0_ISSUER', 'Exact `iss`: `https://` with the trailing `/`.'),
  auth0Audience: text('AUTH0_AUDIENCE', 'API identifier(s), comma-separated.'),
  auth0ClaimsNamespace: text('AUTH0_CLAIMS_NAMESPACE', 'Custom-claim prefix ending with `/`.'),
  auth0ClockToleranceSec: int(
    'AUTH0_CLOCK_TOLERANCE_SEC',
    'Allowed clock skew for `exp`/`nbf`/`iat`.',
    's',
    10,
    0,
    300,
  ),
  tenantCacheTtlSec: int(
    'TENANT_CACHE_TTL_SEC',
    'In-memory tenant lookup cache TTL (0 = no cache).',
    's',
    5,
    0,
    300,
  ),
  auth0MaxTokenLifetimeSec: int(
    'AUTH0_MAX_TOKEN_LIFETIME_SEC',
    'Longest accepted token lifetime `exp − iat` (Auth0 default maximum: 24 h).',
    's',
    86_400,
    60,
    2_592_000,
  ),
  // --- HTTP toolkit (lambdas/shared/http/settings.ts) --------------------------------------------------------------
  cursorSigningKey: text(
    'CURSOR_SIGNING_KEY',
    'Pagination cursor HMAC key inline (local stack, tests), ≥ 32 bytes.',
  ),
  cursorSigningKeySecretName: text(
    'CURSOR_SIGNING_KEY_SECRET_NAME',
    'Secrets Manager name of the stage cursor key (AWS).',
  ),
  // --- admin API (lambdas/admin/) ----------------------------------------------------------------------------------
  restApiId: text(
    'REST_API_ID',
    'The REST API whose keys the admin API manages; unset → in-memory key port.',
  ),
  usagePlanIds: text('USAGE_PLAN_IDS', 'JSON object tier → usage plan id.'),
  elastiCacheCacheName: text('ELASTICACHE_CACHE_NAME', 'The serverless cache probed by `GET /health/deep`.'),
  // --- security monitoring (lambdas/security-*/) -------------------------------------------------------------------
  securityEventBus: text('SECURITY_EVENT_BUS', 'EventBridge bus of security events.', 'default'),
  wafIpSetV4Arn: text('WAF_IPSET_V4_ARN', 'The auto-block WAF IP set (IPv4).'),
  wafIpSetV6Arn: text('WAF_IPSET_V6_ARN', 'The auto-block WAF IP set (IPv6).'),
  // --- analytics (lambdas/shared/analytics/runtime.ts) -------------------------------------------------------------
  analyticsSink: text('ANALYTICS_SINK', '`log` (stdout → Firehose), `file` (local layout) or `none`.', 'log'),
  analyticsDir: text('ANALYTICS_DIR', 'Root of the local analytics layout (`ANALYTICS_SINK=file`).'),
  analyticsHashSecret: text('ANALYTICS_HASH_SECRET', 'User-id hashing secret inline (local stack).'),
  analyticsHashSecretName: text(
    'ANALYTICS_HASH_SECRET_NAME',
    'Secrets Manager name of the hashing secret (AWS).',
  ),
  analyticsWorkgroup: text('ANALYTICS_WORKGROUP', 'Athena workgroup (AWS analytics reads).'),
  analyticsDatabase: text('ANALYTICS_DATABASE', 'Glue database of the analytics events (AWS).'),
  analyticsReportBucket: text(
    'ANALYTICS_REPORT_BUCKET',
    'S3 bucket the weekly analytics report is written to (`lambdas/analytics-report/`).',
  ),
  analyticsReportTopicArn: text(
    'ANALYTICS_REPORT_TOPIC_ARN',
    'SNS topic notified with links to each weekly analytics report.',
  ),
  // --- synthetics canary (canary/index.ts) -------------------------------------------------------------------------
  canaryApiUrl: text('CANARY_API_URL', 'Base URL of the API stage the canary calls (no trailing `/`).'),
  canarySecretName: text(
    'CANARY_SECRET_NAME',
    "Secrets Manager name of the canary's client credentials (`{ clientId, clientSecret }`).",
  ),
  // --- provided by the Lambda runtime ------------------------------------------------------------------------------
  lambdaFunctionName: text(
    'AWS_LAMBDA_FUNCTION_NAME',
    'Set by the Lambda runtime (tells code it runs in Lambda).',
  ),
  traceId: text('_X_AMZN_TRACE_ID', 'X-Ray trace header of the current invocation (Lambda runtime).'),
} as const satisfies Readonly<Record<string, Setting>>;

/** Prefix of the edge proxy's backend URL variables: `HTTP_BACKEND_<TARGET uppercased>`. */
const HTTP_BACKEND_PREFIX = 'HTTP_BACKEND_';

/** Env var of an HTTP backend base URL (edge proxy): `HTTP_BACKEND_<TARGET uppercased>`, e.g. `HTTP_BACKEND_MARKETDATA`. */
export function httpBackendSetting(target: string): TextSetting {
  return text(`${HTTP_BACKEND_PREFIX}${target.toUpperCase()}`, `Base URL of the HTTP backend "${target}".`);
}

/** The outcome of reading one setting: its value, or why the raw value was refused (`problem`). */
export type SettingRead<T> =
  | { readonly value: T; readonly problem?: undefined }
  | { readonly value: T; readonly problem: string };

/** The type a setting parses to. */
export type SettingValue<S extends Setting> = S extends IntSetting
  ? number
  : S extends FlagSetting
    ? boolean
    : S extends { readonly default: string }
      ? string
      : string | undefined;

/**
 * Reads one setting from `env`: unset or empty → its default; an int outside `[min, max]` or not an integer →
 * the default with a `problem` (`"NAME: must be an integer 0–300 (s)"`), for callers that refuse bad configuration.
 */
export function readSetting<S extends Setting>(env: Env, s: S): SettingRead<SettingValue<S>> {
  const raw = env[s.name];
  if (s.kind === 'flag') return { value: (raw === 'true') as SettingValue<S> };
  if (raw === undefined || raw.trim() === '') {
    return { value: ('default' in s ? s.default : undefined) as SettingValue<S> };
  }
  if (s.kind === 'text') return { value: raw as SettingValue<S> };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < s.min || n > s.max) {
    return { value: s.default as SettingValue<S>, problem: `${s.name}: ${intRule(s)}` };
  }
  return { value: n as SettingValue<S> };
}

/** Reads one setting, falling back to its default when the raw value is invalid (no error). */
export function settingOrDefault<S extends Setting>(env: Env, s: S): SettingValue<S> {
  return readSetting(env, s).value;
}

/** The parse rule of an int setting, e.g. `must be an integer 1–1000 (ms)`. */
export function intRule(s: IntSetting): string {
  return `must be an integer ${s.min}–${s.max} (${s.unit})`;
}

/** The text of a setting as CDK sets it: `[name, value]` for an `environment` record. */
export function settingEntry(s: Setting, value: string | number | boolean): [string, string] {
  return [s.name, String(value)];
}
