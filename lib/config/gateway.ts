/**
 * The API Gateway contract of a stage, as pure data: binary media types, the JSON access-log fields, the customised
 * gateway responses (status, headers, RFC 9457 body template), CORS, stage throttle and names. CDK
 * (`lib/constructs/rest-gateway.ts`, `lib/constructs/gateway-responses.ts`) deploys it; the local gateway
 * (`local/gateway/`) imitates it from the same values. No `aws-cdk-lib` import here: the local stack loads this file.
 */

/**
 * Content types API Gateway treats as binary (`binaryMediaTypes`): request bodies of these types reach the Lambdas
 * base64-encoded (`isBase64Encoded: true`), and base64 responses of these types are decoded to bytes for the client —
 * so the edge proxy can carry images, archives and octet streams. JSON and text stay text (the reports and admin
 * handlers read them as UTF-8). Patterns may end in `/*`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html
 */
export const BINARY_MEDIA_TYPES = [
  'application/octet-stream',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-protobuf',
  'image/*',
  'audio/*',
  'video/*',
  'multipart/form-data',
] as const;

/**
 * Access-log fields (JSON, one object per request): name → API Gateway `$context` variable. All values are strings:
 * `$context.integrationLatency` is `-` when no integration ran, which a bare number would turn into invalid JSON.
 * The local gateway writes the same keys in the same order (`-` = not applicable). `tenantId`, `tier` and `vertical`
 * come from the authorizer context, so requests can be segmented by tier and vertical (and backfilled into analytics
 * events: `npm run analytics:backfill`); so do `principalType` and `userType` (`user`, `service`, `admin`:
 * `userTypeOf` in `lib/config/roles.ts`), the per-user-type segment.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  route: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integration.status',
  authorizerLatency: '$context.authorizer.latency',
  authorizerStatus: '$context.authorizer.status',
  authorizerError: '$context.authorizer.error',
  tenantId: '$context.authorizer.tenantId',
  userId: '$context.authorizer.userId',
  tier: '$context.authorizer.tier',
  vertical: '$context.authorizer.vertical',
  principalType: '$context.authorizer.principalType',
  userType: '$context.authorizer.userType',
  apiKeyId: '$context.identity.apiKeyId',
  errorType: '$context.error.responseType',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
  responseLength: '$context.responseLength',
} as const;

/** One access-log key. */
export type AccessLogKey = keyof typeof ACCESS_LOG_FIELDS;

/** Access-log keys in record order. */
export const ACCESS_LOG_KEYS = Object.keys(ACCESS_LOG_FIELDS) as readonly AccessLogKey[];

/**
 * One access-log value as data: `undefined` for a field that is absent, not a string, empty or `-` (API Gateway's
 * "not applicable"), else the value. Every reader of access-log lines (the local metric store, the analytics
 * backfill) reads fields through it.
 */
export function accessLogValue(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '-' && v !== '' ? v : undefined;
}

/** The access-log format string (a JSON object template). */
export function accessLogFormat(): string {
  return JSON.stringify(ACCESS_LOG_FIELDS);
}

/**
 * Stage-wide default method throttle (requests per second / burst) — the ceiling above the per-tier usage plans,
 * well below the account's regional 10 000 rps.
 */
export const STAGE_THROTTLE = { rateLimit: 2_000, burstLimit: 1_000 } as const;

/**
 * API Gateway REST's integration timeout, ms (the default, 29 s): a Lambda integration that has not answered by then
 * gets a 504 from the gateway. The local gateway applies the same value; Lambdas behind the API keep their timeout
 * under it (`ADMIN_TIMEOUT_SEC`, `lib/config/lambdas.ts`).
 */
export const INTEGRATION_TIMEOUT_MS = 29_000;

/** Headers the console sends cross-origin (CORS preflight and gateway responses). */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'] as const;

/** How long browsers may cache a CORS preflight answer, seconds. */
export const CORS_MAX_AGE_SEC = 3_600;

/** Name of a stage's REST API (`ApiName` metric dimension): `marketedge-<stage>`. */
export function restApiName(stage: string): string {
  return `marketedge-${stage}`;
}

/** Access-log group of a stage's REST API: `/aws/apigateway/marketedge-<stage>/access`. */
export function accessLogGroupName(stage: string): string {
  return `/aws/apigateway/marketedge-${stage}/access`;
}

/**
 * API Gateway response types the stage customises (`AWS::ApiGateway::GatewayResponse` `ResponseType`).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'EXPIRED_TOKEN'
  | 'ACCESS_DENIED'
  | 'INVALID_API_KEY'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'WAF_FILTERED'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'INTEGRATION_TIMEOUT'
  | 'REQUEST_TOO_LARGE'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

/** One customised API Gateway response. */
export interface GatewayResponseSpec {
  /** Response type (also the CDK construct id suffix). */
  readonly type: GatewayResponseType;
  /** HTTP status; `DEFAULT_4XX`/`DEFAULT_5XX` keep the status of the error they stand for. */
  readonly status: number;
  /** RFC 9457 `title`. */
  readonly title: string;
}

/**
 * Gateway-generated errors answered as RFC 9457 problems, like the Lambdas' own (`lambdas/shared/http/problem.ts`).
 * `MISSING_AUTHENTICATION_TOKEN` is what API Gateway returns for an unknown path: answered 404. Authorizer failures
 * (the authorizer threw something other than `Unauthorized`) are 503, never a client's fault.
 */
export const GATEWAY_RESPONSES: readonly GatewayResponseSpec[] = [
  { type: 'UNAUTHORIZED', status: 401, title: 'Unauthorized' },
  { type: 'EXPIRED_TOKEN', status: 401, title: 'Unauthorized' },
  { type: 'ACCESS_DENIED', status: 403, title: 'Forbidden' },
  { type: 'INVALID_API_KEY', status: 403, title: 'Forbidden' },
  { type: 'WAF_FILTERED', status: 403, title: 'Forbidden' },
  { type: 'MISSING_AUTHENTICATION_TOKEN', status: 404, title: 'Not Found' },
  { type: 'THROTTLED', status: 429, title: 'Too Many Requests' },
  { type: 'QUOTA_EXCEEDED', status: 429, title: 'Too Many Requests' },
  { type: 'AUTHORIZER_FAILURE', status: 503, title: 'Service Unavailable' },
  { type: 'AUTHORIZER_CONFIGURATION_ERROR', status: 503, title: 'Service Unavailable' },
  { type: 'INTEGRATION_TIMEOUT', status: 504, title: 'Gateway Timeout' },
  { type: 'REQUEST_TOO_LARGE', status: 413, title: 'Content Too Large' },
  { type: 'DEFAULT_4XX', status: 400, title: 'Request rejected by the gateway' },
  { type: 'DEFAULT_5XX', status: 500, title: 'Gateway error' },
];

/** `true` for `DEFAULT_4XX`/`DEFAULT_5XX`, which cover several statuses and so carry no fixed status. */
export function isDefaultResponse(spec: GatewayResponseSpec): boolean {
  return spec.type === 'DEFAULT_4XX' || spec.type === 'DEFAULT_5XX';
}

/**
 * VTL body of a gateway response (RFC 9457): `{ type, title, status, detail, instance, requestId }`.
 * `$context.error.messageString` is already a quoted JSON string. DEFAULT_4XX/5XX cover several statuses, so
 * they carry `errorType` (`$context.error.responseType`) instead of a fixed `status` (optional in RFC 9457).
 */
export function problemTemplate(spec: GatewayResponseSpec): string {
  const dynamic = isDefaultResponse(spec);
  const body = [
    `"type":"https://docs.marketedge.io/problems/${dynamic ? 'gateway' : spec.status}"`,
    `"title":"${spec.title}"`,
    dynamic ? '"errorType":"$context.error.responseType"' : `"status":${spec.status}`,
    '"detail":$context.error.messageString',
    '"instance":"$context.path"',
    '"requestId":"$context.requestId"',
  ];
  return `{${body.join(',')}}`;
}

/**
 * CORS and content headers on every gateway response, as plain values (CDK quotes them as API Gateway's static
 * mapping values require: `'…'`).
 */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS.join(','),
  'Content-Type': 'application/problem+json',
  'Cache-Control': 'no-store',
};

/**
 * The maintenance switch (`api_gateway_enabled` off, `lib/config/flags.ts`): every route except these answers 503
 * with `Retry-After: retryAfterSec` and an RFC 9457 problem (type `…/problems/maintenance`). Route keys are
 * `"METHOD /path-template"`. Lambdas read the flag from AppConfig (cache `maxAgeSec`, so a change reaches every
 * container within `maxAgeSec` + one request), the local stack from `PUT /_local/flags` (at once).
 */
export const MAINTENANCE = {
  exemptRouteKeys: ['GET /health'] as readonly string[],
  retryAfterSec: 120,
  /** Longest time a flag change takes to reach a warm Lambda, seconds (the AppConfig provider's `maxAgeSec`). */
  flagMaxAgeSec: 30,
} as const;
