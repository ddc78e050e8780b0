import { randomBytes } from 'node:crypto';
import { SETTINGS } from '../../lib/config/settings';
import { documentClient } from '../shared/aws/dynamodb';
import { flags } from '../shared/flags';
import { cursorKeySource } from '../shared/http/cursor-key';
import { createLoggerAndMetrics } from '../shared/logger-metrics';
import { bumpPolicyVersion, bumpTierVersion, getUsage } from '../shared/rate-limit';
import { analyticsReaderFromEnv } from './analytics-port';
import { apiKeyPortFromEnv } from './api-keys';
import type { AdminDeps } from './context';
import { dynamoProbe, elasticacheProbe, redisProbe } from './health';
import type { LimiterPort } from './limiter-port';
import { AdminRepository } from './repository';
import { securityPortFromEnv } from './security-port';

/** The process-wide limiter (`lambdas/shared/rate-limit`) behind the admin API's {@link LimiterPort}. */
export const sharedLimiter: LimiterPort = { bumpPolicyVersion, bumpTierVersion, getUsage };

/** A new bypass id: 16 random bytes, base64url (22 chars). */
export function newBypassId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Production/local adapters from the environment: tables from `*_TABLE` (`DYNAMODB_ENDPOINT` locally), API keys
 * on API Gateway when `REST_API_ID` is set (else in-memory), the shared limiter, probes for DynamoDB, `REDIS_URL`
 * and `ELASTICACHE_CACHE_NAME`, the cursor key of `CURSOR_SIGNING_KEY[_SECRET_NAME]`, the security port (`SECURITY_TABLE`,
 * the recent-events window in Redis, `SECURITY_EVENT_BUS`), the analytics reader (the installed local one; the admin Lambda's entry passes the Athena one). Call once per
 * container.
 * @param overrides replace any adapter (tests, the local stack)
 * @throws {Error} when `REST_API_ID` is set but `USAGE_PLAN_IDS` is missing or malformed
 */
export function defaultDeps(
  overrides: Partial<AdminDeps> = {},
  env: NodeJS.ProcessEnv = process.env,
): AdminDeps {
  // Tracer-free (like the authorizer): admin traces are Lambda's own segments (active tracing); keeping
  // aws-xray-sdk-core out holds the bundle within its 500 KiB budget (lib/config/budgets.ts).
  const { logger, metrics } = createLoggerAndMetrics('admin');
  const repo = overrides.repo ?? new AdminRepository({ client: documentClient });
  return {
    repo,
    apiKeys: overrides.apiKeys ?? apiKeyPortFromEnv(env),
    limiter: sharedLimiter,
    probes: [
      dynamoProbe(() => repo.ping()),
      redisProbe(env[SETTINGS.redisUrl.name]),
      elasticacheProbe(env[SETTINGS.elastiCacheCacheName.name]),
    ],
    flags,
    logger,
    metrics,
    now: () => new Date(),
    newId: newBypassId,
    cursorKey: overrides.cursorKey ?? cursorKeySource({ env }),
    security: overrides.security ?? securityPortFromEnv(env),
    analytics: overrides.analytics ?? analyticsReaderFromEnv(env),
    ...overrides,
  };
}
