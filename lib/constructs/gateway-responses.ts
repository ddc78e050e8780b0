import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** One customised API Gateway response. */
export interface GatewayResponseSpec {
  /** Construct id suffix and `ResponseType` key. */
  type: keyof typeof RESPONSE_TYPES;
  status: number;
  title: string;
}

const RESPONSE_TYPES = {
  UNAUTHORIZED: apigw.ResponseType.UNAUTHORIZED,
  EXPIRED_TOKEN: apigw.ResponseType.EXPIRED_TOKEN,
  ACCESS_DENIED: apigw.ResponseType.ACCESS_DENIED,
  INVALID_API_KEY: apigw.ResponseType.INVALID_API_KEY,
  MISSING_AUTHENTICATION_TOKEN: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
  WAF_FILTERED: apigw.ResponseType.WAF_FILTERED,
  THROTTLED: apigw.ResponseType.THROTTLED,
  QUOTA_EXCEEDED: apigw.ResponseType.QUOTA_EXCEEDED,
  AUTHORIZER_FAILURE: apigw.ResponseType.AUTHORIZER_FAILURE,
  AUTHORIZER_CONFIGURATION_ERROR: apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
  INTEGRATION_TIMEOUT: apigw.ResponseType.INTEGRATION_TIMEOUT,
  DEFAULT_4XX: apigw.ResponseType.DEFAULT_4XX,
  DEFAULT_5XX: apigw.ResponseType.DEFAULT_5XX,
} as const;

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
  { type: 'DEFAULT_4XX', status: 400, title: 'Request rejected by the gateway' },
  { type: 'DEFAULT_5XX', status: 500, title: 'Gateway error' },
];

/**
 * VTL body of a gateway response (RFC 9457): `{ type, title, status, detail, instance, requestId }`.
 * `$context.error.messageString` is already a quoted JSON string. DEFAULT_4XX/5XX cover several statuses, so
 * they carry `errorType` (`$context.error.responseType`) instead of a fixed `status` (optional in RFC 9457).
 */
export function problemTemplate(spec: GatewayResponseSpec): string {
  const dynamic = isDefault(spec);
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

function isDefault(spec: GatewayResponseSpec): boolean {
  return spec.type === 'DEFAULT_4XX' || spec.type === 'DEFAULT_5XX';
}

/** CORS and content headers on every gateway response (quoted static values, as API Gateway requires). */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': "'*'",
  'Access-Control-Allow-Headers': "'Authorization,Content-Type,Idempotency-Key'",
  'Content-Type': "'application/problem+json'",
  'Cache-Control': "'no-store'",
};

/** Adds {@link GATEWAY_RESPONSES} to `api`. */
export function addProblemGatewayResponses(api: apigw.RestApi): void {
  for (const spec of GATEWAY_RESPONSES) {
    api.addGatewayResponse(`Problem${spec.type}`, {
      type: RESPONSE_TYPES[spec.type],
      // DEFAULT_* keep the status of the error they stand for.
      ...(isDefault(spec) ? {} : { statusCode: String(spec.status) }),
      responseHeaders: { ...GATEWAY_RESPONSE_HEADERS },
      templates: { 'application/json': problemTemplate(spec) },
    });
  }
}
