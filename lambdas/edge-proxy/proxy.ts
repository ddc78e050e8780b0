import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FlagName } from '../../lib/config/flags';
import { METRIC } from '../../lib/config/metrics';
import { type HttpTarget, ROUTES, routeKey } from '../../lib/config/routes';
import { httpBackendSetting, SETTINGS } from '../../lib/config/settings';
import { flags as processFlags } from '../shared/flags';
import { type CallerRequest, createHttpHandler, requireCaller } from '../shared/http/handler';
import { problem, validationError } from '../shared/http/problem';
import type { Endpoint, ProxyHandler, ProxyResult, RequestStep } from '../shared/http/types';
import type { Observability } from '../shared/observability';
import { buildSecurityEvent, securityEventAttributes } from '../shared/security/event';
import { type UpstreamAgent, upstreamAgent } from './agent';
import { encodedLength, encodeResponseBody, requestBody } from './body';
import {
  clientResponseHeaders,
  eventHeaders,
  forwardableRequestHeaders,
  spoofedIdentityHeaders,
} from './headers';
import { upstreamTraceparent } from './traceparent';
import { buildUpstreamUrl, eventQuery, UnsafePathError } from './upstream-url';

/** Largest encoded response body, bytes: the Lambda synchronous payload limit (6 MiB) minus room for headers. */
export const DEFAULT_MAX_RESPONSE_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/** Dependencies and limits of the edge proxy. */
export interface EdgeProxyOptions {
  obs: Observability;
  /** Upstream connection pools (default: the container-wide keep-alive agent, {@link upstreamAgent}). */
  agent?: UpstreamAgent;
  /**
   * Base URL of an HTTP target (default: env `HTTP_BACKEND_<TARGET uppercased>`, e.g. `HTTP_BACKEND_MARKETDATA`).
   * @returns `undefined` when not configured (answered 500, logged)
   */
  backendUrl?: (target: HttpTarget) => string | undefined;
  /** Largest encoded response body, bytes (default {@link DEFAULT_MAX_RESPONSE_BYTES}); larger → 502. */
  maxResponseBytes?: number;
  /** Current X-Ray trace header (default: env `_X_AMZN_TRACE_ID`, set by Lambda). */
  xrayTraceHeader?: () => string | undefined;
  /** The rate-limit step (the Lambda passes the shared limiter's; default none). */
  rateLimit?: RequestStep;
  /**
   * Flag reader: `apm_monitoring_enabled` gates `UpstreamLatency`, `api_gateway_enabled` is the maintenance switch.
   * @default the process-wide `flags` (`lambdas/shared/flags.ts`)
   */
  flags?: { isEnabled(name: FlagName): Promise<boolean> };
}

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

/** Reads `HTTP_BACKEND_<TARGET>` (the contract's env var per HTTP target). */
export function backendUrlFromEnv(target: HttpTarget): string | undefined {
  return process.env[httpBackendSetting(target).name] || undefined;
}

type Outcome =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | string[] | undefined>;
      bytes: Buffer;
    }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'unreachable'; code: string };

/**
 * The edge proxy for `http` routes of the route table (e.g. `ANY /v1/market/{proxy+}`), on the shared handler
 * wrapper (`lambdas/shared/http/handler.ts`: route resolved once, not an `http` route → 404, no tenant context → 401,
 * caller without one of the route's roles → 403, the optional rate-limit step). Per request it:
 * 1. forwards method, the `{proxy+}` remainder under the target's base URL (dot segments → 400), the query (all
 *    values of repeated keys), the body (binary-safe, `isBase64Encoded` honoured) and the safe client headers
 *    (see `headers.ts`), injecting `X-Tenant-Id`, `X-User-Id`, `X-User-Roles` (comma-joined), `X-Tier`,
 *    `X-Request-Id` (API Gateway request id) and a W3C `traceparent`;
 * 2. answers the upstream status, headers (hop-by-hop dropped) and body (text, or base64 for non-text types);
 *    upstream 5xx is passed through and counted (`Upstream5xx`).
 * A client-sent `X-Tenant-Id`/`X-User-Id`/`X-User-Roles`/`X-Tier` is stripped, logged (names only) and counted
 * (`IdentityHeaderSpoofAttempt`). Failures answer RFC 9457 problems that reveal nothing of the upstream: no answer within the route's `timeoutMs`
 * → 504 (`UpstreamTimeout`); connection refused/reset/DNS failure → 502 (`UpstreamUnavailable`); a body larger
 * than `maxResponseBytes` → 502 (`UpstreamResponseTooLarge`). `UpstreamLatency` (ms) is emitted only while
 * `apm_monitoring_enabled` is on. Metrics carry dimension `route`; tenantId is metadata.
 */
export function createEdgeProxy(opts: EdgeProxyOptions): ProxyHandler {
  const { logger, metrics } = opts.obs;
  const backendUrl = opts.backendUrl ?? backendUrlFromEnv;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const xray = opts.xrayTraceHeader ?? (() => process.env[SETTINGS.traceId.name]);
  const flagReader = opts.flags ?? processFlags;

  const forward: Endpoint<CallerRequest> = async ({ event, route, tenant, requestId }) => {
    if (route.backend.kind !== 'http') throw new Error('edge proxy given a non-http route');
    const { target, timeoutMs } = route.backend;
    const base = parseBase(backendUrl(target));
    if (!base) {
      logger.error('HTTP backend base URL is not configured or invalid', { target });
      return problem(500, 'Internal Server Error', { detail: 'The service is misconfigured.', requestId });
    }
    let url: string;
    try {
      url = buildUpstreamUrl(
        base,
        event.pathParameters?.proxy ?? '',
        eventQuery(event.queryStringParameters, event.multiValueQueryStringParameters),
      );
    } catch (err) {
      if (err instanceof UnsafePathError) throw validationError([{ path: 'path', message: err.message }]);
      throw err;
    }
    const client = eventHeaders(event.headers, event.multiValueHeaders);
    const spoofed = spoofedIdentityHeaders(client);
    if (spoofed.length > 0) {
      metrics.addMetric(METRIC.IdentityHeaderSpoofAttempt, MetricUnit.Count, 1);
      logger.warn('client-sent identity headers stripped', {
        headers: spoofed,
        ...securityEventAttributes(
          buildSecurityEvent({
            type: 'IdentityHeaderSpoof',
            outcome: 'ignored',
            reason: 'identity_headers_stripped',
            tenantId: tenant.tenantId,
            principal: tenant.userId,
            principalType: tenant.principalType,
            sourceIp: event.requestContext.identity?.sourceIp ?? undefined,
            userAgent: client['user-agent']?.[0],
            route: route.path,
            requestId,
            details: { headers: spoofed.join(',') },
          }),
        ),
      });
    }
    const headers: Record<string, string | string[]> = {
      ...forwardableRequestHeaders(client),
      'accept-encoding': 'identity',
      'x-tenant-id': tenant.tenantId,
      'x-user-id': tenant.userId,
      'x-user-roles': tenant.roles.join(','),
      'x-tier': tenant.tier,
      'x-request-id': requestId,
      traceparent: upstreamTraceparent(xray() ?? client['x-amzn-trace-id']?.[0], client.traceparent?.[0]),
    };
    const method = event.httpMethod.toUpperCase();
    const body = NO_BODY_METHODS.has(method) ? undefined : requestBody(event);

    const started = performance.now();
    const outcome = await send(
      opts.agent ?? upstreamAgent(),
      url,
      method,
      headers,
      body,
      timeoutMs,
      maxBytes,
    );
    const upstreamMs = performance.now() - started;
    if (await flagReader.isEnabled('apm_monitoring_enabled')) {
      metrics.addMetric(METRIC.UpstreamLatency, MetricUnit.Milliseconds, upstreamMs);
    }

    if (outcome.kind === 'timeout') {
      metrics.addMetric(METRIC.UpstreamTimeout, MetricUnit.Count, 1);
      logger.warn('upstream timeout', { target, timeoutMs });
      return problem(504, 'Gateway Timeout', {
        detail: 'The upstream service did not answer in time.',
        requestId,
      });
    }
    if (outcome.kind === 'unreachable') {
      metrics.addMetric(METRIC.UpstreamUnavailable, MetricUnit.Count, 1);
      logger.warn('upstream unreachable', { target, code: outcome.code });
      return problem(502, 'Bad Gateway', { detail: 'The upstream service is unavailable.', requestId });
    }
    if (outcome.kind === 'too-large') {
      metrics.addMetric(METRIC.UpstreamResponseTooLarge, MetricUnit.Count, 1);
      logger.warn('upstream response too large', { target, maxBytes });
      return problem(502, 'Bad Gateway', { detail: 'The upstream response is too large.', requestId });
    }
    if (outcome.status >= 500) {
      metrics.addMetric(METRIC.Upstream5xx, MetricUnit.Count, 1);
      logger.warn('upstream 5xx', { target, status: outcome.status });
    }
    const h = clientResponseHeaders(outcome.headers);
    const enc = encodeResponseBody(
      outcome.bytes,
      single(outcome.headers['content-type']),
      single(outcome.headers['content-encoding']),
    );
    if (encodedLength(enc) > maxBytes) {
      metrics.addMetric(METRIC.UpstreamResponseTooLarge, MetricUnit.Count, 1);
      logger.warn('upstream response too large once encoded', { target, maxBytes });
      return problem(502, 'Bad Gateway', { detail: 'The upstream response is too large.', requestId });
    }
    const result: ProxyResult = {
      statusCode: outcome.status,
      headers: h.headers,
      body: enc.body,
      isBase64Encoded: enc.isBase64Encoded,
    };
    if (Object.keys(h.multiValueHeaders).length > 0) result.multiValueHeaders = h.multiValueHeaders;
    return result;
  };

  return createHttpHandler({
    obs: opts.obs,
    serves: (r) => r.backend.kind === 'http',
    endpoints: Object.fromEntries(
      ROUTES.filter((r) => r.backend.kind === 'http').map((r) => [routeKey(r), forward]),
    ),
    authorize: requireCaller,
    flags: flagReader,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseBase(raw: string | undefined): URL | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Error codes meaning "no usable connection to the upstream" (→ 502). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * One upstream exchange over `node:http(s)` bounded by `timeoutMs` (connect, headers and body together) and
 * `maxBytes` (raw body).
 */
async function send(
  agent: UpstreamAgent,
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body: Buffer | undefined,
  timeoutMs: number,
  maxBytes: number,
): Promise<Outcome> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, timeoutMs);
  try {
    const tls = url.startsWith('https:');
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      // Looked up on the module object at call time: Powertools Tracer's `captureHTTPsGlobal` patches
      // `http.request`/`https.request` there, so each upstream call becomes an X-Ray subsegment.
      const req = (tls ? https.request : http.request)(url, {
        method,
        headers,
        agent: tls ? agent.https : agent.http,
        signal: ac.signal,
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res) {
      const b = chunk as Buffer;
      total += b.length;
      if (total > maxBytes) {
        res.destroy();
        return { kind: 'too-large' };
      }
      chunks.push(b);
    }
    return {
      kind: 'response',
      status: res.statusCode ?? 502,
      headers: res.headersDistinct,
      bytes: Buffer.concat(chunks, total),
    };
  } catch (err) {
    if (timedOut) return { kind: 'timeout' };
    const code = errorCode(err);
    if (code && UNREACHABLE.has(code)) return { kind: 'unreachable', code };
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
