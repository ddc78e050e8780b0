import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { toAuthorizerContext } from '../../../lambdas/shared/tenant-context';
import type { Role } from '../../../lib/config/roles';
import type { Tier } from '../../../lib/config/tiers';

/** The caller as the authorizer would describe it. */
export interface Caller {
  tenantId: string;
  userId: string;
  roles: Role[];
  tier: Tier;
}

/** Demo callers (ids of local/fixtures/seed.json). */
export const callers = {
  acmeAlice: { tenantId: 'acme', userId: 'alice', roles: ['user'], tier: 'standard' },
  acmeBob: { tenantId: 'acme', userId: 'bob', roles: ['user'], tier: 'standard' },
  acmeAdmin: { tenantId: 'acme', userId: 'admin', roles: ['tenant-admin'], tier: 'standard' },
  globexAlice: { tenantId: 'globex', userId: 'alice', roles: ['user'], tier: 'premium' },
  globexAdmin: { tenantId: 'globex', userId: 'admin', roles: ['tenant-admin'], tier: 'premium' },
  initechAlice: { tenantId: 'initech', userId: 'alice', roles: ['user'], tier: 'free' },
  ops: { tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'], tier: 'enterprise' },
} satisfies Record<string, Caller>;

let seq = 0;

/** Builds an API Gateway REST proxy event as the gateway (or the local gateway) would deliver it. */
export function restEvent(opts: {
  method: string;
  resource: string;
  path: string;
  caller?: Caller | null;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  multiQuery?: Record<string, string[]>;
  headers?: Record<string, string>;
  multiHeaders?: Record<string, string[]>;
  body?: string | null;
  isBase64Encoded?: boolean;
}): APIGatewayProxyEvent {
  const requestId = `req-${++seq}`;
  const authorizer = opts.caller
    ? {
        ...toAuthorizerContext(
          {
            ...opts.caller,
            permissions: [],
            vertical: 'retail',
            principalType: 'user',
          },
          `key-${opts.caller.tenantId}`,
        ),
      }
    : null;
  const multiQuery =
    opts.multiQuery ??
    (opts.query ? Object.fromEntries(Object.entries(opts.query).map(([k, v]) => [k, [v]])) : null);
  const query =
    opts.query ??
    (opts.multiQuery
      ? Object.fromEntries(Object.entries(opts.multiQuery).map(([k, v]) => [k, v[v.length - 1]!]))
      : null);
  return {
    httpMethod: opts.method,
    resource: opts.resource,
    path: opts.path,
    pathParameters: opts.pathParameters ?? null,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    headers: opts.headers ?? {},
    multiValueHeaders:
      opts.multiHeaders ?? Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k, [v]])),
    body: opts.body ?? null,
    isBase64Encoded: opts.isBase64Encoded ?? false,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer,
      protocol: 'HTTP/1.1',
      httpMethod: opts.method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: opts.path,
      stage: 'dev',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'r',
      resourcePath: opts.resource,
    },
  };
}

/** A minimal Lambda context. */
export const lambdaContext = {
  awsRequestId: 'aws-req',
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/test',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;
