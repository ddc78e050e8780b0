import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type LambdaTarget, matchRoute, type Route } from '../../lib/config/routes';
import type { UsagePlanLimits } from '../../lib/config/tiers';
import { type AccessLogRecord, type AccessLogSink, formatAccessLog } from './access-log';
import type { AuthorizerStep } from './authorizer-step';
import { buildAuthorizerEvent, buildProxyEvent, clfTime, type IncomingRequest } from './event';
import { lambdaContext } from './lambda-context';
import type { UsagePlanThrottle } from './usage-plan';

/** A Lambda proxy-integration handler (REST API payload v1). */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The integrations: one handler per Lambda target, and the edge proxy for every `http` route. */
export interface Integrations {
  lambda: Record<LambdaTarget, ProxyHandler>;
  edgeProxy: ProxyHandler;
}

/** The usage plan an API key belongs to. */
export interface ApiKeyPlan {
  apiKeyId: string;
  plan: UsagePlanLimits;
}

/** What the gateway needs (all injected: the stack wires real modules, tests may wire fakes). */
export interface GatewayDeps {
  stage: string;
  integrations: Integrations;
  authorizer: AuthorizerStep;
  /**
   * Resolves the usage plan of an API key value returned as `usageIdentifierKey` for a tenant;
   * `undefined` when the key is unknown or not the tenant's (→ 403, as API Gateway answers an invalid key).
   */
  usagePlanOf: (apiKeyValue: string, tenantId: string) => Promise<ApiKeyPlan | undefined>;
  throttle: UsagePlanThrottle;
  /** Serves the OIDC documents (`/.well-known/*`); `undefined` → 404. */
  wellKnown: (path: string) => Record<string, unknown> | undefined;
  accessLog: AccessLogSink;
  /** Integration timeout, ms (API Gateway's 29 s by default). */
  integrationTimeoutMs?: number;
  /** Reports unexpected errors (handler crashes); never receives secrets. */
  onError?: (message: string) => void;
}

/** API Gateway's maximum payload, bytes. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

function jsonReply(
  status: number,
  body: unknown,
  errorType?: string,
  extra: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
      ...extra,
    },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/**
 * Creates the local API Gateway's request listener: route match (404 / 405 with `Allow`), REQUEST authorizer with
 * result cache and policy evaluation, API key → usage plan throttle and quota (429), the integration handler
 * invoked with a REST proxy v1 event, and one access-log line per request. `/.well-known/*` is the local OIDC issuer.
 */
export function createGateway(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const timeoutMs = deps.integrationTimeoutMs ?? 29_000;
  return (req, res) => {
    const receivedAt = Date.now();
    const t0 = performance.now();
    const requestId = randomUUID();
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const incoming: IncomingRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        rawPath: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        port: req.socket.localPort ?? 0,
        requestId,
        receivedAt,
        stage: deps.stage,
      };
      const log: AccessLogRecord = {
        requestId,
        ip: incoming.sourceIp,
        requestTime: clfTime(receivedAt),
        method: incoming.method,
        route: '-',
        path: incoming.rawPath,
        status: 0,
        protocol: `HTTP/${req.httpVersion}`,
        responseLength: 0,
        latency: 0,
        integrationLatency: -1,
        authorizerLatency: -1,
        authorizerError: '-',
        errorType: '-',
        tenantId: '-',
        userId: '-',
        tier: '-',
        apiKeyId: '-',
        userAgent: req.headers['user-agent'] ?? '-',
      };
      const handle = tooLarge
        ? Promise.resolve(jsonReply(413, { message: 'Request Too Long' }, 'RequestTooLarge'))
        : serve(deps, incoming, log, timeoutMs);
      handle
        .catch((e: unknown) => {
          deps.onError?.(`gateway error on ${incoming.method} ${incoming.rawPath}: ${errorMessage(e)}`);
          return jsonReply(500, { message: 'Internal server error' }, 'InternalServerErrorException');
        })
        .then((reply) => {
          reply.headers['x-amzn-RequestId'] = requestId;
          reply.headers['content-length'] = String(reply.body.length);
          res.writeHead(reply.status, reply.headers);
          res.end(incoming.method === 'HEAD' ? undefined : reply.body);
          log.status = reply.status;
          log.responseLength = reply.body.length;
          log.latency = performance.now() - t0;
          if (log.errorType === '-' && reply.headers['x-amzn-ErrorType']) {
            log.errorType = String(reply.headers['x-amzn-ErrorType']);
          }
          deps.accessLog(formatAccessLog(log));
        });
    });
  };
}

async function serve(
  deps: GatewayDeps,
  req: IncomingRequest,
  log: AccessLogRecord,
  timeoutMs: number,
): Promise<Reply> {
  if (req.rawPath.startsWith('/.well-known/')) {
    const doc = req.method === 'GET' ? deps.wellKnown(req.rawPath) : undefined;
    if (doc) return jsonReply(200, doc, undefined, { 'cache-control': 'public, max-age=60' });
    return jsonReply(404, { message: 'Not Found' }, 'ResourceNotFound');
  }
  const match = matchRoute(req.method, req.rawPath);
  if (!match.route) {
    if (match.pathExists) {
      const allow = allowedMethods(req.rawPath);
      return jsonReply(405, { message: 'Method Not Allowed' }, 'MethodNotAllowed', { allow });
    }
    return jsonReply(404, { message: 'Not Found' }, 'ResourceNotFound');
  }
  const route = match.route;
  log.route = route.path;
  let auth: Parameters<typeof buildProxyEvent>[3];
  if (route.auth) {
    const authEvent = buildAuthorizerEvent(req, route, match.pathParameters);
    const outcome = await deps.authorizer.run(
      authEvent,
      lambdaContext('marketedge-local-authorizer', req.requestId, 10_000),
    );
    log.authorizerLatency = outcome.latencyMs;
    const result = outcome.result;
    const ctx = result?.context ?? {};
    log.tenantId = stringOr(ctx.tenantId);
    log.userId = stringOr(ctx.userId);
    log.tier = stringOr(ctx.tier);
    log.apiKeyId = stringOr(ctx.apiKeyId);
    if (!outcome.ok) {
      log.authorizerError = outcome.error;
      return jsonReply(outcome.status, outcome.body, outcome.errorType);
    }
    const key = outcome.result.usageIdentifierKey;
    const plan = key ? await deps.usagePlanOf(key, String(ctx.tenantId ?? '')) : undefined;
    if (!key || !plan) {
      log.errorType = 'INVALID_API_KEY';
      return jsonReply(403, { message: 'Forbidden' }, 'ForbiddenException');
    }
    log.apiKeyId = plan.apiKeyId;
    const rejected = deps.throttle.take(key, plan.plan);
    if (rejected === 'throttle') {
      log.errorType = 'THROTTLED';
      return jsonReply(429, { message: 'Too Many Requests' }, 'TooManyRequestsException');
    }
    if (rejected === 'quota') {
      log.errorType = 'QUOTA_EXCEEDED';
      return jsonReply(429, { message: 'Limit Exceeded' }, 'LimitExceededException');
    }
    const authorizer: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(ctx)) if (v !== undefined && v !== null) authorizer[k] = String(v);
    authorizer.principalId = outcome.result.principalId;
    authorizer.integrationLatency = Math.round(outcome.latencyMs);
    auth = { authorizer, apiKey: key, apiKeyId: plan.apiKeyId };
  }
  const event = buildProxyEvent(req, route, match.pathParameters, auth);
  const handler = integrationOf(deps.integrations, route);
  const fn = route.backend.kind === 'http' ? 'edge-proxy' : route.backend.target;
  const ti = performance.now();
  let result: APIGatewayProxyResult;
  let timer: NodeJS.Timeout | undefined;
  try {
    result = await Promise.race([
      handler(event, lambdaContext(`marketedge-local-${fn}`, req.requestId, timeoutMs)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new IntegrationTimeout()), timeoutMs);
      }),
    ]);
  } catch (e) {
    log.integrationLatency = performance.now() - ti;
    if (e instanceof IntegrationTimeout) {
      return jsonReply(504, { message: 'Endpoint request timed out' }, 'IntegrationTimeout');
    }
    deps.onError?.(`${fn} handler threw on ${req.method} ${route.path}: ${errorMessage(e)}`);
    return jsonReply(502, { message: 'Internal server error' }, 'IntegrationFailure');
  } finally {
    clearTimeout(timer);
  }
  log.integrationLatency = performance.now() - ti;
  return toReply(result, fn, deps);
}

class IntegrationTimeout extends Error {}

function integrationOf(integrations: Integrations, route: Route): ProxyHandler {
  return route.backend.kind === 'http' ? integrations.edgeProxy : integrations.lambda[route.backend.target];
}

/** Maps a proxy result to the HTTP reply; malformed results are 502, as in API Gateway. */
function toReply(result: APIGatewayProxyResult, fn: string, deps: GatewayDeps): Reply {
  if (
    !result ||
    typeof result.statusCode !== 'number' ||
    result.statusCode < 100 ||
    result.statusCode > 599
  ) {
    deps.onError?.(`${fn} returned a malformed proxy result`);
    return jsonReply(502, { message: 'Internal server error' }, 'IntegrationFailure');
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-length') delete headers[k];
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return { status: result.statusCode, headers, body };
}

function allowedMethods(path: string): string {
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => matchRoute(m, path).route);
  return methods.join(', ');
}

function stringOr(v: unknown): string {
  return v === undefined || v === null || v === '' ? '-' : String(v);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
