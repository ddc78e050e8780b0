import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { header } from '../../lambdas/shared/http/headers';
import { BINARY_MEDIA_TYPES } from '../../lib/config/gateway';
import type { Route } from '../../lib/config/routes';

/** Fixed identity of the local "API" (used in method ARNs and `requestContext`). */
export const LOCAL_API = {
  region: 'us-east-1',
  accountId: '123456789012',
  apiId: 'local',
  resourceId: 'local',
} as const;

/** A request as the gateway received it. */
export interface IncomingRequest {
  method: string;
  /** Path without the query string, as sent (percent-encoding preserved). */
  rawPath: string;
  /** Query string without `?` (may be empty). */
  rawQuery: string;
  /** Node's `req.rawHeaders` (alternating name, value; names in the case the client sent). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** Local port the request arrived on (for `X-Forwarded-Port`). */
  port: number;
  /** Gateway request id (`requestContext.requestId`, `x-amzn-RequestId`). */
  requestId: string;
  /** Arrival time, epoch ms. */
  receivedAt: number;
  /** Stage name (`requestContext.stage`). */
  stage: string;
}

/** `headers` (last value wins) and `multiValueHeaders` of a REST proxy event; `null` when there are none. */
export function eventHeaders(rawHeaders: string[]): {
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
} {
  const multi = new Map<string, string[]>();
  const nameByLower = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const sent = rawHeaders[i]!;
    const lower = sent.toLowerCase();
    const name = nameByLower.get(lower) ?? sent;
    nameByLower.set(lower, name);
    pushTo(multi, name, rawHeaders[i + 1]!);
  }
  return nameByLower.size === 0
    ? { headers: null, multiValueHeaders: null }
    : { headers: lastValues(multi), multiValueHeaders: Object.fromEntries(multi) };
}

/**
 * `queryStringParameters` (last value wins) and `multiValueQueryStringParameters` of a REST proxy event,
 * percent-decoded (`+` is kept as is, as API Gateway does); `null` when the query string is empty.
 */
export function eventQuery(rawQuery: string): {
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
} {
  const multi = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pushTo(multi, decode(eq === -1 ? part : part.slice(0, eq)), eq === -1 ? '' : decode(part.slice(eq + 1)));
  }
  return multi.size > 0
    ? { queryStringParameters: lastValues(multi), multiValueQueryStringParameters: Object.fromEntries(multi) }
    : { queryStringParameters: null, multiValueQueryStringParameters: null };
}

/**
 * Appends to a name's list. A `Map`, not an object literal, so names such as `__proto__`, `constructor` or
 * `toString` are plain keys (`Object.fromEntries` then makes them own properties).
 */
function pushTo(m: Map<string, string[]>, name: string, value: string): void {
  const list = m.get(name);
  if (list) list.push(value);
  else m.set(name, [value]);
}

/** The last value of each name (REST `headers` / `queryStringParameters`), as own properties. */
function lastValues(m: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries([...m].map(([k, vs]) => [k, vs[vs.length - 1]!]));
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * `true` when `contentType` matches one of the stage's binary media types (`BINARY_MEDIA_TYPES` in
 * `lib/config/gateway.ts`; parameters such as `; charset` ignored): such a body reaches the integration base64-encoded.
 */
export function isBinaryMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return BINARY_MEDIA_TYPES.some((p) => (p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : type === p));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `dd/MMM/yyyy:HH:mm:ss +0000`, API Gateway's `requestContext.requestTime` (CLF format, UTC). */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const mon = MONTHS[d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * The `execute-api` ARN of a request, as API Gateway passes it to an authorizer:
 * `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path without leading slash>`.
 */
export function methodArn(stage: string, method: string, rawPath: string): string {
  return `arn:aws:execute-api:${LOCAL_API.region}:${LOCAL_API.accountId}:${LOCAL_API.apiId}/${stage}/${method}${rawPath}`;
}

/** Headers API Gateway adds before the integration sees the request (`X-Forwarded-*`, `X-Amzn-Trace-Id`). */
function withGatewayHeaders(req: IncomingRequest): string[] {
  const raw = [...req.rawHeaders];
  const xffIndex = raw.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === 'x-forwarded-for');
  if (xffIndex >= 0) raw[xffIndex + 1] = `${raw[xffIndex + 1]}, ${req.sourceIp}`;
  else raw.push('X-Forwarded-For', req.sourceIp);
  raw.push('X-Forwarded-Port', String(req.port), 'X-Forwarded-Proto', 'http');
  if (!raw.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'x-amzn-trace-id')) {
    raw.push('X-Amzn-Trace-Id', traceId(req.receivedAt, req.requestId));
  }
  return raw;
}

function traceId(epochMs: number, requestId: string): string {
  const hex = requestId.replace(/-/g, '').slice(0, 24).padEnd(24, '0');
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${hex}`;
}

function baseRequestContext(req: IncomingRequest, route: Route, headers: Record<string, string> | null) {
  const userAgent = header(headers, 'user-agent') ?? null;
  return {
    accountId: LOCAL_API.accountId,
    apiId: LOCAL_API.apiId,
    domainName: header(headers, 'host') ?? `localhost:${req.port}`,
    domainPrefix: 'localhost',
    extendedRequestId: req.requestId,
    httpMethod: req.method,
    path: `/${req.stage}${req.rawPath}`,
    protocol: 'HTTP/1.1',
    requestId: req.requestId,
    requestTime: clfTime(req.receivedAt),
    requestTimeEpoch: req.receivedAt,
    resourceId: LOCAL_API.resourceId,
    resourcePath: route.path,
    stage: req.stage,
    identity: {
      accessKey: null,
      accountId: null,
      apiKey: null as string | null,
      apiKeyId: null as string | null,
      caller: null,
      clientCert: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: req.sourceIp,
      user: null,
      userAgent,
      userArn: null,
    },
  };
}

/**
 * The REQUEST authorizer event API Gateway sends for a request (payload of a `REQUEST` Lambda authorizer, REST API).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
 */
export function buildAuthorizerEvent(
  req: IncomingRequest,
  route: Route,
  pathParameters: Record<string, string>,
): APIGatewayRequestAuthorizerEvent {
  const { headers, multiValueHeaders } = eventHeaders(withGatewayHeaders(req));
  const query = eventQuery(req.rawQuery);
  return {
    type: 'REQUEST',
    methodArn: methodArn(req.stage, req.method, req.rawPath),
    resource: route.path,
    path: req.rawPath,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    ...query,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    requestContext: { ...baseRequestContext(req, route, headers), authorizer: undefined },
  };
}

/** What the authorizer step hands to the integration. */
export interface IntegrationAuth {
  /** Authorizer context (values stringified, as API Gateway passes them) plus `principalId`/`integrationLatency`. */
  authorizer: Record<string, string | number | boolean>;
  /** The tenant API key value (`usageIdentifierKey`) and its id. */
  apiKey?: string;
  apiKeyId?: string;
}

/**
 * The Lambda proxy integration event (REST API payload v1) API Gateway builds for a matched route.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
export function buildProxyEvent(
  req: IncomingRequest,
  route: Route,
  pathParameters: Record<string, string>,
  auth?: IntegrationAuth,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = eventHeaders(withGatewayHeaders(req));
  const query = eventQuery(req.rawQuery);
  const binary = isBinaryMediaType(header(headers, 'content-type'));
  const hasBody = req.body.length > 0;
  const ctx = baseRequestContext(req, route, headers);
  if (auth?.apiKey) {
    ctx.identity.apiKey = auth.apiKey;
    ctx.identity.apiKeyId = auth.apiKeyId ?? null;
  }
  return {
    resource: route.path,
    path: req.rawPath,
    httpMethod: req.method,
    headers: headers ?? {},
    multiValueHeaders: multiValueHeaders ?? {},
    queryStringParameters: query.queryStringParameters,
    multiValueQueryStringParameters: query.multiValueQueryStringParameters,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    requestContext: {
      ...ctx,
      authorizer: auth ? auth.authorizer : null,
    } as APIGatewayProxyEvent['requestContext'],
    body: hasBody ? req.body.toString(binary ? 'base64' : 'utf8') : null,
    isBase64Encoded: hasBody && binary,
  };
}
