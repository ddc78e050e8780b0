import {
  CORS_ALLOW_HEADERS,
  CORS_MAX_AGE_SEC,
  GATEWAY_RESPONSE_HEADERS,
  GATEWAY_RESPONSES,
  type GatewayResponseSpec,
  problemTemplate,
} from '../../lib/config/gateway';

/**
 * API Gateway response types the local gateway produces (`$context.error.responseType`).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export type GatewayErrorType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'INVALID_API_KEY'
  | 'WAF_FILTERED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'METHOD_NOT_ALLOWED'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'INTEGRATION_TIMEOUT'
  | 'INTEGRATION_FAILURE'
  | 'REQUEST_TOO_LARGE';

/** A rendered gateway response. */
export interface GatewayErrorReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** AWS's default status of response types the stage does not customise. */
const DEFAULT_STATUS: Partial<Record<GatewayErrorType, number>> = {
  INTEGRATION_FAILURE: 502,
  REQUEST_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
};

/**
 * Renders a gateway-generated error exactly as the deployed stage does: the stage's customised gateway responses
 * (`GATEWAY_RESPONSES` in `lib/config/gateway.ts`: RFC 9457 `application/problem+json` bodies, CORS headers) with the
 * `$context` variables filled in; types the stage does not customise fall back to its `DEFAULT_4XX`/`DEFAULT_5XX`
 * template with AWS's default status. `METHOD_NOT_ALLOWED` is a local addition (API Gateway answers a missing method
 * like a missing path): 405 with the same body shape.
 * @param message `$context.error.message` (AWS's wording, e.g. `Too Many Requests`)
 * @param ctx `$context.path` (with the stage prefix) and `$context.requestId`
 */
export function gatewayError(
  type: GatewayErrorType,
  message: string,
  ctx: { path: string; requestId: string },
): GatewayErrorReply {
  const spec = specFor(type);
  const body = problemTemplate(spec)
    .replace('$context.error.messageString', JSON.stringify(message))
    .replace('$context.error.responseType', type)
    .replace('$context.path', escapeJsonString(ctx.path))
    .replace('$context.requestId', ctx.requestId);
  const headers: Record<string, string> = { ...GATEWAY_RESPONSE_HEADERS, 'x-amzn-ErrorType': type };
  return { status: spec.status, headers, body: Buffer.from(body) };
}

function specFor(type: GatewayErrorType): GatewayResponseSpec {
  if (type === 'METHOD_NOT_ALLOWED') {
    return { type: 'MISSING_AUTHENTICATION_TOKEN', status: 405, title: 'Method Not Allowed' };
  }
  const custom = GATEWAY_RESPONSES.find((s) => s.type === type);
  if (custom) return custom;
  const status = DEFAULT_STATUS[type] ?? 500;
  const fallback = GATEWAY_RESPONSES.find((s) => s.type === (status < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX'));
  return { ...(fallback ?? { type: 'DEFAULT_5XX', title: 'Gateway error' }), status };
}

function escapeJsonString(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/**
 * The CORS preflight answer of the deployed stage (CDK `addCorsPreflight` on every route path, mock integration):
 * 204 with `Access-Control-Allow-Origin: *`, the stage's allowed headers, the path's methods plus `OPTIONS`, and a
 * max age of 1 h.
 * @param methods the methods the path's routes declare, e.g. `GET, POST`
 */
export function corsPreflight(methods: string): GatewayErrorReply {
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS.join(','),
      'Access-Control-Allow-Methods': [...methods.split(', ').filter(Boolean), 'OPTIONS'].join(','),
      'Access-Control-Max-Age': String(CORS_MAX_AGE_SEC),
    },
    body: Buffer.alloc(0),
  };
}
