/**
 * Rate limiting for the MarketEdge edge (issue 4, docs/rate-limiting.md): tenant, user and endpoint limits plus
 * calendar quotas, checked in one atomic store call; headers; fail modes; shadow mode; bypasses.
 *
 * `core/` (no I/O, no AWS or ioredis imports): algorithms, keys, policy resolution, the decision, headers, the store
 * interface. `adapters/`: Redis store + Lua, memory store, DynamoDB policy source, telemetry, middleware, wiring.
 */
import type { Tier } from '../../../lib/config/tier-names';
import { rateLimiter, rateLimitTelemetry } from './adapters/config';
import { createWithRateLimit, type ProxyHandler } from './adapters/middleware';
import type { UsageEntry } from './core/limiter';

export {
  configureRateLimiter,
  type RateLimiterOptions,
  rateLimiter,
  resetRateLimiter,
} from './adapters/config';
export { DynamoPolicySource } from './adapters/dynamo-policy-source';
export { MemoryStore } from './adapters/memory-store';
export { limitTarget, type ProxyHandler, rejectionResponse } from './adapters/middleware';
export { createRedisClient, LIMITER_SHA, RedisStore } from './adapters/redis-store';
export {
  metricsFor,
  PowertoolsTelemetry,
  RATE_LIMIT_METRICS,
  type RateLimitTelemetry,
} from './adapters/telemetry';
export { gcra, gcraPeek, quota, quotaWindow } from './core/algorithms';
export { CircuitBreaker, CircuitBreakers, CircuitOpenError, StoreTimeoutError } from './core/breaker';
export type { Decision, DecisionStatus, RuleOutcome } from './core/decision';
export { mostRestrictive, rateLimitHeaders } from './core/headers';
export {
  counterKey,
  encodeId,
  hashTag,
  keySlot,
  policyVersionKey,
  TIER_VERSIONS_KEY,
  tenantPrefix,
} from './core/keys';
export {
  type CheckRequest,
  type FlagReader,
  RateLimiter,
  type RateLimiterDeps,
  type UsageEntry,
} from './core/limiter';
export { type PolicySource, StaticPolicySource, type TenantLimits } from './core/policy-source';
export { applicableRules, type Bypass, bypassUntilMs, effectivePolicy, matchesRoute } from './core/resolve';
export type { EvaluateRequest, EvaluateResult, LimitCheck, LimiterStore } from './core/store';

/**
 * Wraps a REST proxy handler with the rate limiter. The route comes from `event.httpMethod` + `event.resource`
 * (`findRoute`), the tenant from the authorizer context (`tenantContextFromEvent`); public routes, `limitClass:
 * 'none'` routes and events without a tenant pass straight through. Over limit → 429 problem (RFC 9457) with
 * `Retry-After` and `violated-policies`; limiter down on a `failMode: 'closed'` route → 503 with `Retry-After`;
 * otherwise the handler's response with `X-RateLimit-*`, `RateLimit-Policy` and `RateLimit` headers added.
 * Every decision is recorded as metrics/logs (ARCHITECTURE §5).
 */
export const withRateLimit: (handler: ProxyHandler) => ProxyHandler = createWithRateLimit(
  rateLimiter,
  rateLimitTelemetry,
);

/**
 * Publishes a change of a tenant's limit overrides or bypasses (call after the DynamoDB write): running limiters
 * re-read the tenant's policy on their next decision for that tenant, and that decision already uses the new policy
 * (the script refuses a decision made on a stale version without counting it; docs/rate-limiting.md).
 * @throws store errors (Redis unreachable) — cached policies still refresh after 60 s
 */
export function bumpPolicyVersion(tenantId: string): Promise<void> {
  return rateLimiter().bumpPolicyVersion(tenantId);
}

/**
 * Publishes a change of a tier policy (`TIER#<tier>` item): limiters poll tier versions every 500 ms and re-read it.
 * @throws store errors
 */
export function bumpTierVersion(tier: Tier): Promise<void> {
  return rateLimiter().bumpTierVersion(tier);
}

/**
 * Read-only usage of each rule of a tenant's effective policy (tenant-scope rules, and user-scope rules when `userId`
 * is given): `{ ruleId, scope, kind, mode, limit, capacity, remaining, used, resetSec, periodSec?, burst?, window?,
 * match?, subject?, userId? }`. Counts nothing.
 * @throws store errors (timeout / circuit open) — answer 503
 */
export function getUsage(q: { tenantId: string; tier: Tier; userId?: string }): Promise<UsageEntry[]> {
  return rateLimiter().usage(q);
}
