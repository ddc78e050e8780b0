import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PLATFORM_VERTICAL } from '../../../lib/config/data-model';
import { matchRoute } from '../../../lib/config/routes';
import { SETTINGS, settingOrDefault } from '../../../lib/config/settings';

/**
 * The authorizer context of a platform-admin service principal named `name` (tenant `marketedge`), as the admin API
 * sees — and audits — a trusted in-process caller such as the security responder's clamp or the local stack's
 * fault injection.
 */
export function platformServicePrincipal(name: string): Readonly<Record<string, string>> {
  return {
    tenantId: 'marketedge',
    userId: name,
    roles: 'platform-admin',
    permissions: '',
    tier: 'enterprise',
    vertical: PLATFORM_VERTICAL,
    principalType: 'service',
    apiKeyId: '-',
    principalId: name,
  };
}

/** One in-process call of a REST proxy handler. */
export interface InternalCall {
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /** Request path of the route table, e.g. `/admin/tenants/acme/limits`. */
  readonly path: string;
  /** JSON body (serialized here); absent = no body. */
  readonly body?: unknown;
  /** `If-Match` header value (optimistic concurrency), when given. */
  readonly ifMatch?: string;
  /** Authorizer context the handler sees, e.g. {@link platformServicePrincipal}. */
  readonly principal: Readonly<Record<string, string>>;
  readonly requestId: string;
  /** `requestContext.identity` source IP and user agent (audited). */
  readonly sourceIp: string;
  readonly userAgent: string;
}

/**
 * The API Gateway REST proxy event of an {@link InternalCall}: the route resolved from the route table (`resource`,
 * `pathParameters`), JSON content type, the stage from the settings module. What API Gateway would hand the handler
 * after the authorizer allowed `principal`.
 */
export function internalProxyEvent(c: InternalCall): APIGatewayProxyEvent {
  const m = matchRoute(c.method, c.path);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(c.ifMatch ? { 'if-match': c.ifMatch } : {}),
  };
  return {
    httpMethod: c.method,
    path: c.path,
    resource: m.route?.path ?? c.path,
    pathParameters: Object.keys(m.pathParameters).length ? m.pathParameters : null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: c.body === undefined ? null : JSON.stringify(c.body),
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: '-',
      apiId: '-',
      authorizer: { ...c.principal },
      httpMethod: c.method,
      identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
      path: c.path,
      protocol: 'HTTP/1.1',
      requestId: c.requestId,
      requestTimeEpoch: Date.now(),
      resourceId: '-',
      resourcePath: m.route?.path ?? c.path,
      stage: settingOrDefault(process.env, SETTINGS.stage),
    },
  } as unknown as APIGatewayProxyEvent;
}
