import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Route } from '../../../lib/config/routes';
import type { TenantContext } from '../tenant-context';

/** An API Gateway REST proxy integration event (payload v1). */
export type ProxyEvent = APIGatewayProxyEvent;

/** The result a REST proxy integration returns. */
export type ProxyResult = APIGatewayProxyResult;

/** A REST proxy Lambda handler: what API Gateway (and the local gateway) invokes. */
export type ProxyHandler = (event: ProxyEvent, context: Context) => Promise<ProxyResult>;

/**
 * One request after the handler wrapper resolved it (once): the route-table entry, its key, the caller's tenant
 * context (from the authorizer only) and the request id. Passed unchanged to the rate-limit step and the endpoint.
 */
export interface HttpRequest {
  readonly event: ProxyEvent;
  readonly context: Context;
  /** The route-table entry (`lib/config/routes.ts`). */
  readonly route: Route;
  /** `"METHOD /path-template"`, e.g. `GET /v1/reports/{reportId}`. */
  readonly routeKey: string;
  /** The caller, from `requestContext.authorizer` only; `undefined` on public routes or without a context. */
  readonly tenant: TenantContext | undefined;
  /** API Gateway request id (`correlation_id` in logs, `requestId` in problem bodies). */
  readonly requestId: string;
}

/** An endpoint: the implementation of one route-table entry. Throw {@link HttpError} for client errors. */
export type Endpoint<R extends HttpRequest = HttpRequest> = (req: R) => Promise<ProxyResult>;

/**
 * A step between resolution and the endpoint (the rate limiter): answers itself (429/503) or calls `next` and may
 * decorate its result (rate-limit headers).
 */
export type RequestStep = (req: HttpRequest, next: () => Promise<ProxyResult>) => Promise<ProxyResult>;
