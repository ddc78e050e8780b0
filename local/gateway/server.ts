import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { attachRoute, allowedMethods as methodsAt } from '../../lambdas/shared/http/route';
import type { ProxyHandler } from '../../lambdas/shared/http/types';
import { INTEGRATION_TIMEOUT_MS } from '../../lib/config/gateway';
import { type LambdaTarget, matchRoute, type Route } from '../../lib/config/routes';
import type { UsagePlanLimits } from '../../lib/config/tiers';
import { type AccessLogRecord, type AccessLogSink, emptyAccessLog, formatAccessLog, ms } from './access-log';
import type { AuthorizerStep } from './authorizer-step';
import { buildAuthorizerEvent, buildProxyEvent, type IncomingRequest } from './event';
import { corsPreflight, type GatewayErrorType, gatewayError } from './gateway-responses';
import { lambdaContext } from './lambda-context';
import type { UsagePlanThrottle } from './usage-plan';

export type { ProxyHandler };

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
  /** The WAF's automated-block IP sets: a blocked source address gets 403 `WAF_FILTERED` before anything else. */
  waf?: { blocks(sourceIp: string): boolean };
}

/** Largest request body, bytes: Lambda's 6 MB synchronous invocation payload (API Gateway itself allows 10 MB). */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

function jsonReply(status: number, body: unknown, extra: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...extra },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** A gateway-generated error, rendered like the deployed stage's gateway responses; records the type in the log. */
async function errorReply(
  req: IncomingRequest,
  log: AccessLogRecord,
  type: GatewayErrorType,
  message: string,
  extra: Record<string, string> = {},
): Promise<Reply> {
  log.errorType = type;
  const r = gatewayError(type, message, {
    path: `/${req.stage}${req.rawPath}`,
    requestId: req.requestId,
  });
  return { status: r.status, headers: { ...r.headers, ...extra }, body: r.body };
}

/**
 * Creates the local API Gateway's request listener: route match (404 / 405 with `Allow`), REQUEST authorizer with
 * result cache and policy evaluation, API key → usage plan throttle and quota (429), the integration handler
 * invoked with a REST proxy v1 event, and one access-log line per request. `/.well-known/*` is the local OIDC issuer.
 */
export function createGateway(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const timeoutMs = deps.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
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
        sourceIp: clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']),
        port: req.socket.localPort ?? 0,
        requestId,
        receivedAt,
        stage: deps.stage,
      };
      const log = emptyAccessLog();
      log.requestId = requestId;
      log.extendedRequestId = requestId;
      log.ip = incoming.sourceIp;
      log.userAgent = req.headers['user-agent'] ?? '-';
      log.requestTime = String(receivedAt);
      log.method = incoming.method;
      log.path = `/${deps.stage}${incoming.rawPath}`;
      const handle = tooLarge
        ? errorReply(incoming, log, 'REQUEST_TOO_LARGE', 'Request Too Long')
        : serve(deps, incoming, log, timeoutMs);
      handle
        .catch((e: unknown) => {
          deps.onError?.(`gateway error on ${incoming.method} ${incoming.rawPath}: ${errorMessage(e)}`);
          return errorReply(incoming, log, 'INTEGRATION_FAILURE', 'Internal server error');
        })
        .then((reply) => {
          reply.headers['x-amzn-RequestId'] = requestId;
          reply.headers['content-length'] = String(reply.body.length);
          res.writeHead(reply.status, reply.headers);
          res.end(incoming.method === 'HEAD' ? undefined : reply.body);
          log.status = String(reply.status);
          log.responseLength = String(reply.body.length);
          log.latency = ms(performance.now() - t0);
          deps.accessLog(formatAccessLog(log), log);
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
    if (doc) return jsonReply(200, doc, { 'cache-control': 'public, max-age=60' });
    return jsonReply(404, { message: 'Not Found' });
  }
  if (deps.waf?.blocks(req.sourceIp)) return errorReply(req, log, 'WAF_FILTERED', 'Forbidden');
  const match = matchRoute(req.method, req.rawPath);
  if (req.method === 'OPTIONS' && match.pathExists) {
    log.route = '-';
    return corsPreflight(allowedMethods(req.rawPath));
  }
  if (!match.route) {
    if (match.pathExists) {
      const allow = allowedMethods(req.rawPath);
      return errorReply(req, log, 'METHOD_NOT_ALLOWED', 'Method Not Allowed', { Allow: allow });
    }
    return errorReply(req, log, 'MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');
  }
  const route = match.route;
  log.route = route.path;
  log.xrayTraceId = `1-${Math.floor(req.receivedAt / 1000).toString(16)}-${req.requestId.replace(/-/g, '').slice(0, 24)}`;
  let auth: Parameters<typeof buildProxyEvent>[3];
  if (route.auth) {
    const authEvent = buildAuthorizerEvent(req, route, match.pathParameters);
    const outcome = await deps.authorizer.run(
      authEvent,
      lambdaContext('marketedge-local-authorizer', req.requestId, 10_000),
    );
    log.authorizerLatency = ms(outcome.latencyMs);
    const result = outcome.result;
    const ctx = (result?.context ?? {}) as Record<string, unknown>;
    log.tenantId = stringOr(ctx.tenantId);
    log.userId = stringOr(ctx.userId);
    log.tier = stringOr(ctx.tier);
    log.vertical = stringOr(ctx.vertical);
    log.principalType = stringOr(ctx.principalType);
    log.userType = stringOr(ctx.userType);
    log.authorizerStatus = outcome.ok
      ? '200'
      : outcome.type === 'UNAUTHORIZED'
        ? '401'
        : outcome.type === 'ACCESS_DENIED'
          ? '403'
          : '500';
    if (!outcome.ok) {
      log.authorizerError = outcome.error;
      return errorReply(req, log, outcome.type, outcome.message);
    }
    const key = outcome.result.usageIdentifierKey;
    const plan = key ? await deps.usagePlanOf(key, String(ctx.tenantId ?? '')) : undefined;
    if (!key || !plan) return errorReply(req, log, 'INVALID_API_KEY', 'Forbidden');
    log.apiKeyId = plan.apiKeyId;
    const rejected = deps.throttle.take(key, plan.plan);
    if (rejected === 'throttle') return errorReply(req, log, 'THROTTLED', 'Too Many Requests');
    if (rejected === 'quota') return errorReply(req, log, 'QUOTA_EXCEEDED', 'Limit Exceeded');
    const authorizer: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(ctx)) if (v !== undefined && v !== null) authorizer[k] = String(v);
    authorizer.principalId = outcome.result.principalId;
    authorizer.integrationLatency = Math.round(outcome.latencyMs);
    auth = { authorizer, apiKey: key, apiKeyId: plan.apiKeyId };
  }
  const event = buildProxyEvent(req, route, match.pathParameters, auth);
  attachRoute(event, route); // resolved once here; the Lambda's handler wrapper does not look it up again
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
    log.integrationLatency = ms(performance.now() - ti);
    if (e instanceof IntegrationTimeout) {
      return errorReply(req, log, 'INTEGRATION_TIMEOUT', 'Endpoint request timed out');
    }
    deps.onError?.(`${fn} handler threw on ${req.method} ${route.path}: ${errorMessage(e)}`);
    return errorReply(req, log, 'INTEGRATION_FAILURE', 'Internal server error');
  } finally {
    clearTimeout(timer);
  }
  log.integrationLatency = ms(performance.now() - ti);
  log.integrationStatus = '200';
  const reply = toReply(result);
  if (reply) return reply;
  deps.onError?.(`${fn} returned a malformed proxy result on ${req.method} ${route.path}`);
  return errorReply(req, log, 'INTEGRATION_FAILURE', 'Internal server error');
}

class IntegrationTimeout extends Error {}

function integrationOf(integrations: Integrations, route: Route): ProxyHandler {
  return route.backend.kind === 'http' ? integrations.edgeProxy : integrations.lambda[route.backend.target];
}

/** Maps a proxy result to the HTTP reply; `undefined` for a malformed result (API Gateway answers 502). */
function toReply(result: APIGatewayProxyResult): Reply | undefined {
  if (
    !result ||
    typeof result.statusCode !== 'number' ||
    result.statusCode < 100 ||
    result.statusCode > 599
  ) {
    return undefined;
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
  return methodsAt(path).join(', ');
}

/**
 * The caller's address: the TCP peer, except that a loopback peer may name the client it stands for in the first
 * `X-Forwarded-For` entry (a valid IPv4/IPv6 address; anything else is ignored). Locally one machine plays many
 * clients (the security drill replays attackers from documentation ranges); a remote peer can never choose its
 * address. IPv4-mapped IPv6 is shown as IPv4.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
  const unmap = (a: string) => a.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const self = unmap(peer ?? '127.0.0.1');
  const loopback = self === '::1' || /^127\./.test(self);
  const first = (Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor)?.split(',')[0]?.trim();
  if (!loopback || !first) return self;
  const claimed = unmap(first);
  return isIP(claimed) ? claimed : self;
}

function stringOr(v: unknown): string {
  return v === undefined || v === null || v === '' ? '-' : String(v);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
