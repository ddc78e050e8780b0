/**
 * Rate limiting for the MarketEdge edge (issue 4, docs/rate-limiting.md): tenant, user and endpoint limits plus
 * calendar quotas, checked in one atomic store call; headers; fail modes; shadow mode; bypasses.
 *
 * Core (no AWS imports): `algorithms`, `keys`, `resolve`, `headers`, `decision`, `store`, `memory-store`,
 * `redis-store`, `breaker`, `limiter`, `policy-source`. Adapters: `dynamo-policy-source`, `telemetry` (Powertools),
 * `middleware`, `config`.
 */
import type { Tier } from '../../../lib/config/tier-names';
import { rateLimiter, rateLimitTelemetry } from './config';
import type { UsageEntry } from './limiter';
import { createWithRateLimit, type ProxyHandler } from './middleware';

export { gcra, gcraPeek, quota, quotaWindow } from './algorithms';
export { CircuitBreaker, CircuitOpenError, StoreTimeoutError } from './breaker';
export { configureRateLimiter, type RateLimiterOptions, rateLimiter, resetRateLimiter } from './config';
export type { Decision, DecisionStatus, RuleOutcome } from './decision';
export { DynamoPolicySource } from './dynamo-policy-source';
export { mostRestrictive, rateLimitHeaders } from './headers';
export {
  counterKey,
  encodeId,
  hashTag,
  keySlot,
  policyVersionKey,
  TIER_VERSIONS_KEY,
  tenantPrefix,
} from './keys';
export {
  type CheckRequest,
  type FlagReader,
  RateLimiter,
  type RateLimiterDeps,
  type UsageEntry,
} from './limiter';
export { MemoryStore } from './memory-store';
export { limitTarget, type ProxyHandler, rejectionResponse } from './middleware';
export { type PolicySource, StaticPolicySource, type TenantLimits } from './policy-source';
export { createRedisClient, LIMITER_SHA, RedisStore } from './redis-store';
export { applicableRules, type Bypass, bypassUntilMs, effectivePolicy, matchesRoute } from './resolve';
export type { EvaluateRequest, EvaluateResult, LimitCheck, LimiterStore } from './store';
export { metricsFor, PowertoolsTelemetry, RATE_LIMIT_METRICS, type RateLimitTelemetry } from './telemetry';

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
