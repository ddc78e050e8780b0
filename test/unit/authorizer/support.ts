import type { APIGatewayRequestAuthorizerEvent, PolicyDocument, Statement } from 'aws-lambda';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const API_ID = 'a1b2c3d4e5';
export const STAGE = 'dev';

/** `arn:aws:execute-api:…/<stage>/<METHOD>/<path without leading slash>` as API Gateway builds `methodArn`. */
export function methodArn(method: string, path: string): string {
  return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/${method}/${path.replace(/^\//, '')}`;
}

/**
 * A REST API REQUEST authorizer event shaped exactly as API Gateway sends it (payload of a `type: REQUEST` authorizer:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
 * `authorization` values: one value → `headers.Authorization` + `multiValueHeaders.Authorization: [v]`; several → all in
 * `multiValueHeaders`, the last in `headers` (what API Gateway does with repeated headers).
 */
export function authorizerEvent(opts: {
  method?: string;
  resource?: string;
  path?: string;
  authorization?: string | string[];
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  requestId?: string;
}): APIGatewayRequestAuthorizerEvent {
  const method = opts.method ?? 'GET';
  const resource = opts.resource ?? '/v1/reports';
  const path = opts.path ?? resource;
  const auth = opts.authorization === undefined ? [] : [opts.authorization].flat();
  const headers: Record<string, string> = {
    accept: 'application/json',
    Host: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
    'User-Agent': 'vitest',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...(auth.length > 0 ? { Authorization: auth[auth.length - 1] as string } : {}),
    ...opts.headers,
  };
  const multiValueHeaders: Record<string, string[]> = {
    ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    ...(auth.length > 0 ? { Authorization: auth } : {}),
    ...opts.multiValueHeaders,
  };
  const requestId = opts.requestId ?? 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';
  return {
    type: 'REQUEST',
    methodArn: methodArn(method, path),
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    pathParameters: {},
    stageVariables: {},
    requestContext: {
      path: `/${STAGE}${path}`,
      accountId: ACCOUNT,
      resourceId: 'abc123',
      stage: STAGE,
      requestId,
      identity: {
        apiKey: null,
        apiKeyId: null,
        accessKey: null,
        accountId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      resourcePath: resource,
      httpMethod: method,
      apiId: API_ID,
      protocol: 'HTTP/1.1',
      requestTimeEpoch: 1_764_500_000_000,
      authorizer: undefined,
    },
  } as APIGatewayRequestAuthorizerEvent;
}

function resources(s: Statement): string[] {
  const r = 'Resource' in s ? s.Resource : undefined;
  return r === undefined ? [] : Array.isArray(r) ? r : [r as string];
}

/** IAM resource-pattern match: `*` any run of characters (including `/`), `?` one character, case-sensitive. */
export function arnMatches(pattern: string, arn: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(arn);
}

/**
 * Evaluates an identity policy for `execute-api:Invoke` on `arn` the IAM way: an explicit Deny wins, else an Allow
 * grants, else implicit deny. Returns `true` when access is allowed.
 */
export function isAllowed(policy: PolicyDocument, arn: string): boolean {
  let allowed = false;
  for (const s of policy.Statement) {
    const actions = 'Action' in s ? [s.Action].flat() : [];
    if (!actions.some((a) => a === 'execute-api:Invoke' || a === 'execute-api:*' || a === '*')) continue;
    if (!resources(s).some((p) => arnMatches(p, arn))) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/** A concrete request path for a route template (`{x}` → a sample segment, `{proxy+}` → several segments). */
export function samplePath(template: string): string {
  return template.replace(/\{[^}]+\+\}/g, 'quotes/eu/latest').replace(/\{[^}]+\}/g, 'sample-1');
}
