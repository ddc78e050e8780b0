/**
 * Keys of one access-log record, identical to the deployed stage's JSON access log (`ACCESS_LOG_FIELDS` in
 * `lib/constructs/rest-gateway.ts`, asserted by a test), so the same Logs Insights queries work on both.
 * As in AWS, every value is a string and `-` means "not applicable".
 */
export const ACCESS_LOG_KEYS = [
  'requestId',
  'extendedRequestId',
  'ip',
  'userAgent',
  'requestTime',
  'method',
  'route',
  'path',
  'status',
  'latency',
  'integrationLatency',
  'integrationStatus',
  'authorizerLatency',
  'authorizerStatus',
  'authorizerError',
  'tenantId',
  'userId',
  'tier',
  'principalType',
  'apiKeyId',
  'errorType',
  'wafStatus',
  'xrayTraceId',
  'responseLength',
] as const;

/** One access-log key. */
export type AccessLogKey = (typeof ACCESS_LOG_KEYS)[number];

/**
 * One access-log record: `requestTime` epoch ms; `latency`, `integrationLatency`, `authorizerLatency` in ms
 * (2 decimals locally); `path` with the stage prefix (`$context.path`); `authorizerError` says why the authorizer
 * step failed; `errorType` is the gateway response type (`THROTTLED`, `ACCESS_DENIED`, …). Never holds a token or an
 * API key value.
 */
export type AccessLogRecord = Record<AccessLogKey, string>;

/** Where access-log lines go (one JSON object per line). */
export type AccessLogSink = (line: string) => void;

/** A record with every field `-`. */
export function emptyAccessLog(): AccessLogRecord {
  return Object.fromEntries(ACCESS_LOG_KEYS.map((k) => [k, '-'])) as AccessLogRecord;
}

/** Milliseconds as an access-log value (2 decimals). */
export function ms(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

/** Serializes a record as one JSON line, keys in {@link ACCESS_LOG_KEYS} order. */
export function formatAccessLog(r: AccessLogRecord): string {
  const ordered: Record<string, string> = {};
  for (const k of ACCESS_LOG_KEYS) ordered[k] = r[k];
  return JSON.stringify(ordered);
}
