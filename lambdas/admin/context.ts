import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Route } from '../../lib/config/routes';
import type { FlagProvider } from '../shared/flags';
import type { CursorKeySource } from '../shared/http/cursor-key';
import type { RequestStep } from '../shared/http/types';
import type { TenantContext } from '../shared/tenant-context';
import type { AnalyticsReader } from './analytics-port';
import type { ApiKeyPort } from './api-keys';
import type { AuditEntry } from './audit';
import type { HealthProbe } from './health';
import type { LimiterPort } from './limiter-port';
import type { AdminRepository } from './repository';
import type { SecurityPort } from './security-port';

/** Everything the admin operations use, injected so tests and the local stack swap adapters. */
export interface AdminDeps {
  repo: AdminRepository;
  apiKeys: ApiKeyPort;
  limiter: LimiterPort;
  /** Dependency probes of `GET /health/deep` (DynamoDB, Redis, ElastiCache). */
  probes: HealthProbe[];
  flags: FlagProvider;
  logger: Logger;
  metrics: Metrics;
  /** Clock (tests inject). */
  now: () => Date;
  /** New opaque id (bypass ids). */
  newId: () => string;
  /** The stage's cursor signing key of `nextToken` (`lambdas/shared/http/cursor-key.ts`). */
  cursorKey: CursorKeySource;
  /** The responder's records, the recent security events and the security bus (`GET/POST /admin/security…`). */
  security: SecurityPort;
  /** Analytics reads (`GET /admin/analytics/…`): DuckDB locally, Athena in AWS. */
  analytics: AnalyticsReader;
  /** The rate-limit step (the Lambda passes the shared limiter's; default none). */
  rateLimit?: RequestStep;
}

/** One admin request after routing and authorization. */
export interface AdminRequest {
  event: APIGatewayProxyEvent;
  /** The route table entry (`lib/config/routes.ts`). */
  route: Route;
  /** `"METHOD /path-template"`. */
  routeKey: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
  /** Single-value query parameters. */
  query: Record<string, string>;
  /** The caller (from the authorizer context only). */
  actor: TenantContext;
  /** `platform-admin` among the caller's roles. */
  isPlatformAdmin: boolean;
  /** API Gateway request id (correlation id, audit `requestId`). */
  requestId: string;
  /** Request time. */
  now: Date;
  deps: AdminDeps;
  /**
   * The parsed JSON body.
   * @throws {HttpError} the body rules of `lambdas/shared/http/body.ts` (413, 415, 400)
   */
  body(): unknown;
  /** Builds the audit record of a change made by this request. */
  audit(input: { action: string; partition: string; before: unknown; after: unknown }): AuditEntry;
}

/** An admin operation: one per admin route of the route table. */
export type Operation = (req: AdminRequest) => Promise<APIGatewayProxyResult>;
