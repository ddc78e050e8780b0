import { ACCESS_LOG_KEYS, type AccessLogKey } from '../../lib/config/gateway';

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
