/**
 * Saved CloudWatch Logs Insights queries of a stage (`AWS::Logs::QueryDefinition`, CloudWatch → Logs Insights →
 * Queries, folder `MarketEdge/<stage>`): the questions on-call asks per tenant, user type and tier without tenantId
 * ever being a metric dimension. Pure data: CDK saves them (`lib/monitoring/log-queries.ts`), the dashboard shows two
 * of them (`lib/monitoring/segment-widgets.ts`), docs/runbooks.md and docs/troubleshooting.md name them, tests check
 * the fields they read exist in the access log (`ACCESS_LOG_FIELDS`).
 *
 * Access-log values are strings (`"$context.status"`); Logs Insights compares and aggregates numeric strings as
 * numbers, and API Gateway writes `-` for an empty context variable (no tenant on an unauthenticated request).
 */
import type { LambdaHandlerName } from './budgets';
import { accessLogGroupName } from './gateway';
import { lambdaLogGroupName } from './lambdas';
import type { StageConfig } from './stages';

/** Where a query reads: the stage's access log, or a Lambda's log group. */
export type LogSource = 'access' | LambdaHandlerName;

/** One saved query. */
export interface LogQuerySpec {
  /** Short id: the saved query is `MarketEdge/<stage>/<id>`. */
  readonly id: string;
  /** The question it answers (one line, for docs and the dashboard). */
  readonly question: string;
  readonly sources: readonly LogSource[];
  /** Logs Insights query text (lines joined with newlines). */
  readonly query: string;
}

/** The service Lambdas behind the API (their Powertools JSON logs: `level`, `message`, `service`, `correlation_id`). */
const SERVICE_LAMBDAS = ['authorizer', 'reports', 'edge-proxy', 'admin', 'health'] as const;

const q = (...lines: string[]): string => lines.join('\n| ');

/** Query ids, for references in code (runbooks and troubleshooting name them as `MarketEdge/<stage>/<id>`). */
export const LOG_QUERY = {
  tenantLatency: 'tenant-latency',
  tenantErrors: 'tenant-errors',
  tenant429s: 'tenant-429s',
  slowRequests: 'slow-requests',
  serverErrors: 'server-errors',
  authFailures: 'auth-failures',
  userTypes: 'user-types',
  tiers: 'tiers',
  lambdaErrors: 'lambda-errors',
  requestTrace: 'request-trace',
} as const;

/** Placeholder of the `request-trace` query: replace it with the request id (`requestId` of a problem body). */
export const REQUEST_ID_PLACEHOLDER = 'REQUEST_ID';

/** The saved queries of a stage (the `slow-requests` threshold is the stage's `alarms.p99LatencyMs`). */
export function logQueries(config: StageConfig): LogQuerySpec[] {
  return [
    {
      id: LOG_QUERY.tenantLatency,
      question: 'Which tenants see the slowest responses (p50, p99, max per tenant)?',
      sources: ['access'],
      query: q(
        'filter tenantId != "-"',
        'stats count(*) as requests, pct(latency, 50) as p50Ms, pct(latency, 99) as p99Ms, max(latency) as maxMs by tenantId',
        'sort p99Ms desc',
        'limit 50',
      ),
    },
    {
      id: LOG_QUERY.tenantErrors,
      question: 'Which tenants get errors (4XX but 429, and 5XX), on which route, of which kind?',
      sources: ['access'],
      query: q(
        'filter tenantId != "-" and status >= 400 and status != 429',
        'stats count(*) as errors by tenantId, route, status, errorType',
        'sort errors desc',
        'limit 50',
      ),
    },
    {
      id: LOG_QUERY.tenant429s,
      question:
        'Which tenants are throttled, by tier and user type (errorType THROTTLED/QUOTA_EXCEEDED: usage plan; "-": the limiter)?',
      sources: ['access'],
      query: q(
        'filter status = 429',
        'stats count(*) as throttled by tenantId, tier, userType, errorType',
        'sort throttled desc',
        'limit 50',
      ),
    },
    {
      id: LOG_QUERY.slowRequests,
      question: `Which routes and tenants have requests slower than the p99 alarm (${config.alarms.p99LatencyMs} ms), and where is the time spent?`,
      sources: ['access'],
      query: q(
        `filter latency > ${config.alarms.p99LatencyMs}`,
        'stats count(*) as slow, pct(latency, 99) as p99Ms, pct(integrationLatency, 99) as integrationP99Ms, pct(authorizerLatency, 99) as authorizerP99Ms by route, tenantId',
        'sort slow desc',
        'limit 50',
      ),
    },
    {
      id: LOG_QUERY.serverErrors,
      question:
        'Which routes answer 5XX, and is it the gateway (errorType) or the integration (integrationStatus)?',
      sources: ['access'],
      query: q(
        'filter status >= 500',
        'stats count(*) as errors by route, status, errorType, integrationStatus',
        'sort errors desc',
        'limit 50',
      ),
    },
    {
      id: LOG_QUERY.authFailures,
      question:
        'Why does the authorizer refuse tokens (reason: expired, bad signature, audience, unknown tenant, …)?',
      sources: ['authorizer'],
      query: q(
        'filter message = "authorization failed"',
        'stats count(*) as failures by reason',
        'sort failures desc',
      ),
    },
    {
      id: LOG_QUERY.userTypes,
      question: 'Requests, p50/p99 latency and statuses per user type (user, service/M2M, admin)',
      sources: ['access'],
      query: q(
        'filter userType != "-"',
        'stats count(*) as requests, pct(latency, 50) as p50Ms, pct(latency, 99) as p99Ms by userType, status',
        'sort requests desc',
      ),
    },
    {
      id: LOG_QUERY.tiers,
      question: 'Requests, p50/p99 latency and statuses per tier',
      sources: ['access'],
      query: q(
        'filter tier != "-"',
        'stats count(*) as requests, pct(latency, 50) as p50Ms, pct(latency, 99) as p99Ms by tier, status',
        'sort requests desc',
      ),
    },
    {
      id: LOG_QUERY.lambdaErrors,
      question:
        'Which errors do the service Lambdas log (unhandled errors with their stack, by service and message)?',
      sources: SERVICE_LAMBDAS,
      query: q(
        'filter level = "ERROR"',
        'stats count(*) as errors by service, message',
        'sort errors desc',
        'limit 50',
      ),
    },
    {
      id: LOG_QUERY.requestTrace,
      question: `Every line of one request: the access log and the Lambdas (replace ${REQUEST_ID_PLACEHOLDER} with the request id)`,
      sources: ['access', ...SERVICE_LAMBDAS],
      query: q(
        'fields @timestamp, @log, status, route, level, message',
        `filter requestId = "${REQUEST_ID_PLACEHOLDER}" or correlation_id = "${REQUEST_ID_PLACEHOLDER}"`,
        'sort @timestamp asc',
      ),
    },
  ];
}

/** Full saved-query name: `MarketEdge/<stage>/<id>` (a folder per stage in the console). */
export function logQueryName(stage: string, id: string): string {
  return `MarketEdge/${stage}/${id}`;
}

/** The log group of a {@link LogSource} in a stage. */
export function logSourceGroupName(stage: string, source: LogSource): string {
  return source === 'access' ? accessLogGroupName(stage) : lambdaLogGroupName(stage, source);
}
