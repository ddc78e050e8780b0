/**
 * One access-log record per request, with the fields of the stage's API Gateway JSON access log
 * (`$context.requestId`, `$context.identity.sourceIp`, `$context.httpMethod`, `$context.resourcePath`,
 * `$context.status`, `$context.responseLatency`, `$context.integrationLatency`, `$context.authorizer.*`,
 * `$context.authorizer.error`, …) so the same Logs Insights queries work on both.
 * Never holds a token or an API key value.
 */
export interface AccessLogRecord {
  requestId: string;
  /** Client IP (`$context.identity.sourceIp`). */
  ip: string;
  /** CLF time (`$context.requestTime`). */
  requestTime: string;
  method: string;
  /** Route template (`$context.resourcePath`), `-` when no route matched. */
  route: string;
  /** Concrete request path (`$context.path` without the stage). */
  path: string;
  status: number;
  protocol: string;
  /** Response body bytes. */
  responseLength: number;
  /** Whole request, ms (`$context.responseLatency`). */
  latency: number;
  /** Integration (handler) time, ms; `-1` when the integration was not called. */
  integrationLatency: number;
  /** Authorizer time, ms (0 on a cache hit, `-1` when not called). */
  authorizerLatency: number;
  /** `$context.authorizer.error`: why the authorizer step failed, `-` otherwise. */
  authorizerError: string;
  /** Gateway-level error class (`$context.error.responseType`), `-` otherwise. */
  errorType: string;
  tenantId: string;
  userId: string;
  tier: string;
  apiKeyId: string;
  userAgent: string;
}

/** Where access-log lines go (one JSON object per line). */
export type AccessLogSink = (line: string) => void;

/** Serializes a record as one JSON line (latencies rounded to 0.01 ms). */
export function formatAccessLog(r: AccessLogRecord): string {
  const round = (n: number) => (n < 0 ? n : Math.round(n * 100) / 100);
  return JSON.stringify({
    ...r,
    latency: round(r.latency),
    integrationLatency: round(r.integrationLatency),
    authorizerLatency: round(r.authorizerLatency),
  });
}
