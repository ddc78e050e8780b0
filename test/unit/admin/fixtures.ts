import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AnalyticsReader } from '../../../lambdas/admin/analytics-port';
import { InMemoryApiKeyPort } from '../../../lambdas/admin/api-keys';
import { createAdminApi } from '../../../lambdas/admin/app';
import type { AdminDeps } from '../../../lambdas/admin/context';
import type { HealthProbe } from '../../../lambdas/admin/health';
import type { LimiterPort, RuleUsage } from '../../../lambdas/admin/limiter-port';
import type { AdminRepository } from '../../../lambdas/admin/repository';
import { type SecurityPort, securityPort } from '../../../lambdas/admin/security-port';
import { MemoryBlockStore } from '../../../lambdas/security-responder/block-store';
import { flags } from '../../../lambdas/shared/flags';
import { processCursorKey } from '../../../lambdas/shared/http/cursor-key';
import { MemoryRecentEvents } from '../../../lambdas/shared/security/recent-events';
import { type AuthorizerContext, toAuthorizerContext } from '../../../lambdas/shared/tenant-context';
import type { Tenant } from '../../../lambdas/shared/tenants/tenant';
import type { Role } from '../../../lib/config/roles';
import { matchRoute } from '../../../lib/config/routes';
import type { Tier } from '../../../lib/config/tiers';

/** Callers of the role matrix (demo ids from the team contract). */
export const ACTORS = {
  platformAdmin: actor('marketedge', 'ops', ['platform-admin'], 'enterprise', 'platform'),
  acmeAdmin: actor('acme', 'admin', ['tenant-admin'], 'standard', 'retail'),
  globexAdmin: actor('globex', 'admin', ['tenant-admin'], 'premium', 'hospitality'),
  acmeUser: actor('acme', 'alice', ['user'], 'standard', 'retail'),
  acmeM2m: {
    ...actor('acme', 'svc123@clients', ['service'], 'standard', 'retail'),
    principalType: 'service' as const,
  },
} satisfies Record<string, AuthorizerContext>;

function actor(
  tenantId: string,
  userId: string,
  roles: Role[],
  tier: Tier,
  vertical: string,
): AuthorizerContext {
  return toAuthorizerContext(
    { tenantId, userId, roles, permissions: [], tier, vertical, principalType: 'user' },
    `key-${tenantId}`,
  );
}

let seq = 0;

/** Options of {@link restEvent}. */
export interface EventOptions {
  method: string;
  path: string;
  actor?: AuthorizerContext | null;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  requestId?: string;
}

/**
 * An API Gateway REST proxy (v1) event as API Gateway builds it for a Lambda proxy integration: `resource` and
 * `pathParameters` from the route table match, `requestContext.authorizer` in the AuthorizerContext shape.
 */
export function restEvent(o: EventOptions): APIGatewayProxyEvent {
  const m = matchRoute(o.method, o.path);
  const body = o.body === undefined ? null : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  const headers: Record<string, string> = {
    Host: 'api.example.test',
    'X-Forwarded-Proto': 'https',
    ...(body !== null ? { 'Content-Type': 'application/json' } : {}),
    ...o.headers,
  };
  const requestId = o.requestId ?? `req-${++seq}`;
  return {
    httpMethod: o.method,
    path: o.path,
    resource: m.route?.path ?? o.path,
    pathParameters: Object.keys(m.pathParameters).length ? m.pathParameters : null,
    queryStringParameters: o.query ?? null,
    multiValueQueryStringParameters: o.query
      ? Object.fromEntries(Object.entries(o.query).map(([k, v]) => [k, [v]]))
      : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api123',
      authorizer: o.actor === null ? null : { ...(o.actor ?? ACTORS.platformAdmin), principalId: 'x' },
      domainName: 'api.example.test',
      httpMethod: o.method,
      identity: {
        sourceIp: '203.0.113.7',
        userAgent: 'vitest',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/dev${o.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'res',
      resourcePath: m.route?.path ?? o.path,
      stage: 'dev',
    },
  } as APIGatewayProxyEvent;
}

/** A Lambda context for tests. */
export const lambdaContext = {
  functionName: 'admin',
  awsRequestId: 'lambda-req',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** A limiter fake recording bumps. */
export class FakeLimiter implements LimiterPort {
  readonly tenantBumps: string[] = [];
  readonly tierBumps: Tier[] = [];
  usage: RuleUsage[] = [];
  fail = false;
  async bumpPolicyVersion(tenantId: string): Promise<void> {
    if (this.fail) throw new Error('redis down');
    this.tenantBumps.push(tenantId);
  }
  async bumpTierVersion(tier: Tier): Promise<void> {
    if (this.fail) throw new Error('redis down');
    this.tierBumps.push(tier);
  }
  async getUsage(): Promise<RuleUsage[]> {
    if (this.fail) throw new Error('redis down');
    return this.usage;
  }
}

/** Silent Powertools logger and metrics. */
export function quietObservability(): Pick<AdminDeps, 'logger' | 'metrics'> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return {
    logger: new Logger({ serviceName: 'admin', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'MarketEdge', serviceName: 'admin' }),
  };
}

/** Test deps around a repository. */
/** The admin API's security port over memory stores, recording the requests it puts on the bus. */
export interface FakeSecurity extends SecurityPort {
  store: MemoryBlockStore;
  recent: MemoryRecentEvents;
  requests: { detailType: string; detail: Record<string, unknown> }[];
  /** When set, the bus refuses requests with this error. */
  failWith?: Error;
}

/** A {@link FakeSecurity}. */
export function fakeSecurity(): FakeSecurity {
  const store = new MemoryBlockStore();
  const recent = new MemoryRecentEvents();
  const fake: FakeSecurity = {
    ...securityPort(store, recent, async (detailType, detail) => {
      if (fake.failWith) throw fake.failWith;
      fake.requests.push({ detailType, detail });
    }),
    store,
    recent,
    requests: [],
  };
  return fake;
}

/** An analytics reader with no data: empty rows, one fake export link (tests that do not look at analytics). */
export const emptyAnalytics: AnalyticsReader = {
  engine: 'duckdb',
  query: async () => [],
  exportEvents: async (_scope, _format, now) => ({
    files: [{ url: 'http://localhost/_local/analytics/exports/x.csv', bytes: 0 }],
    expiresAt: new Date(now.getTime() + 900_000),
    rows: 0,
  }),
};

export function testDeps(
  repo: AdminRepository,
  extra: Partial<AdminDeps> = {},
): AdminDeps & {
  apiKeys: InMemoryApiKeyPort;
  limiter: FakeLimiter;
  security: FakeSecurity;
} {
  let n = 0;
  return {
    repo,
    apiKeys: new InMemoryApiKeyPort(),
    limiter: new FakeLimiter(),
    probes: [] as HealthProbe[],
    flags,
    ...quietObservability(),
    now: () => new Date(),
    newId: () => `bp${++n}`,
    cursorKey: processCursorKey,
    security: fakeSecurity(),
    analytics: emptyAnalytics,
    ...extra,
  } as AdminDeps & { apiKeys: InMemoryApiKeyPort; limiter: FakeLimiter; security: FakeSecurity };
}

/** Calls an admin API and returns status, headers and parsed body. */
export async function call(
  api: (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>,
  o: EventOptions,
): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const res = await api(restEvent(o), lambdaContext);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let body: Record<string, unknown> = {};
  if (res.body) {
    try {
      body = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      body = { raw: res.body };
    }
  }
  return { status: res.statusCode, headers, body };
}

/** A demo tenant item. */
export function tenantItem(
  tenantId: string,
  tier: Tier,
  vertical: Tenant['vertical'],
  extra: Partial<Tenant> = {},
): Tenant {
  return {
    tenantId,
    name: tenantId.toUpperCase(),
    tier,
    vertical,
    status: 'active',
    apiKeyId: `key-${tenantId}`,
    apiKeyValue: `secret-value-${tenantId}`,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

export { createAdminApi };
