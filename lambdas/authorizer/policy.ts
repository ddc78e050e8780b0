import type { PolicyDocument } from 'aws-lambda';
import type { Role } from '../../lib/config/roles';
import { ROUTES, type Route } from '../../lib/config/routes';

/** The parts of an API Gateway method ARN (`arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`). */
export interface MethodArn {
  /** `arn:<partition>:execute-api:<region>:<account>` */
  prefix: string;
  apiId: string;
  stage: string;
  method: string;
  /** Request path without the leading `/` (may be empty). */
  path: string;
}

const METHOD_ARN = /^(arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}):([A-Za-z0-9]+)\/([^/]+)\/([A-Z*]+)\/?(.*)$/;

/**
 * Parses an execute-api method ARN as API Gateway sends it in `methodArn`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 * @throws {Error} when the ARN is not an execute-api method ARN (API Gateway always sends one: a 500 is right)
 */
export function parseMethodArn(methodArn: string): MethodArn {
  const m = METHOD_ARN.exec(methodArn);
  if (!m) throw new Error('methodArn is not an execute-api method ARN');
  return { prefix: m[1]!, apiId: m[2]!, stage: m[3]!, method: m[4]!, path: m[5]! };
}

/** `arn:…:<apiId>/<stage>/*\/*`: every method and path of the stage. */
export function wholeApiArn(arn: MethodArn): string {
  return `${arn.prefix}:${arn.apiId}/${arn.stage}/*/*`;
}

/**
 * The execute-api resource patterns of a route: method `ANY` → `*`, `{param}` and `{proxy+}` → `*`.
 * Both the path and the path with a trailing `/` are returned for paths not ending in a wildcard, so a trailing
 * slash cannot step around a Deny. (IAM `*` also matches `/`; routes are checked against this in the tests.)
 */
export function routeResources(arn: MethodArn, route: Pick<Route, 'method' | 'path'>): string[] {
  const method = route.method === 'ANY' ? '*' : route.method;
  const path = route.path.replace(/\{[^}]+\}/g, '*');
  const base = `${arn.prefix}:${arn.apiId}/${arn.stage}/${method}${path}`;
  return path.endsWith('*') ? [base] : [base, `${base}/`];
}

/**
 * Routes a set of roles may NOT call: authenticated routes whose `roles` share no role with `roles`
 * (public routes never reach the authorizer and are left alone).
 */
export function forbiddenRoutes(roles: readonly Role[], routes: readonly Route[] = ROUTES): Route[] {
  return routes.filter((r) => r.auth && !r.roles.some((role) => roles.includes(role)));
}

/**
 * Builds the whole-API policy for a caller: Allow `execute-api:Invoke` on `<apiId>/<stage>/*\/*` plus one Deny
 * statement listing every route the caller's roles do not allow. Because API Gateway caches the authorizer result
 * per token and reuses it for every method, the policy must be right for every route, not only the one called first.
 * @param methodArn the `methodArn` of the authorizer event
 * @param roles the caller's roles
 * @param routes the route table (default `ROUTES`)
 * @throws {Error} on a malformed `methodArn` (see {@link parseMethodArn})
 */
export function buildAllowPolicy(
  methodArn: string,
  roles: readonly Role[],
  routes: readonly Route[] = ROUTES,
): PolicyDocument {
  const arn = parseMethodArn(methodArn);
  const denied = [...new Set(forbiddenRoutes(roles, routes).flatMap((r) => routeResources(arn, r)))];
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowApi', Effect: 'Allow' as const, Action: 'execute-api:Invoke', Resource: wholeApiArn(arn) },
      ...(denied.length > 0
        ? [
            {
              Sid: 'DenyRoutesOutsideRoles',
              Effect: 'Deny' as const,
              Action: 'execute-api:Invoke',
              Resource: denied,
            },
          ]
        : []),
    ],
  };
}

/**
 * A Deny-everything policy for the whole stage (403 for every route while cached).
 * @throws {Error} on a malformed `methodArn`
 */
export function buildDenyPolicy(methodArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyApi',
        Effect: 'Deny',
        Action: 'execute-api:Invoke',
        Resource: wholeApiArn(parseMethodArn(methodArn)),
      },
    ],
  };
}
