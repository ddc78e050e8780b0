/**
 * Rate limiting for the MarketEdge edge (docs/rate-limiting.md): tenant, user and endpoint limits plus calendar
 * quotas, checked in one atomic store call; headers; fail modes; shadow mode; bypasses. This barrel only re-exports.
 *
 * `core/` (no I/O, no AWS or ioredis imports): algorithms, keys, policy resolution, the policy cache, the decision,
 * the over-limit cache, headers, settings, the store interface. `adapters/`: Redis store + Lua, memory store,
 * DynamoDB policy source, telemetry, middleware, the runtime and the process's instance of it.
 */

export { DynamoPolicySource } from './adapters/dynamo-policy-source';
export { MemoryStore } from './adapters/memory-store';
export {
  type LimitTarget,
  limitTargetOf,
  type RateLimitMiddleware,
  rejectionResponse,
} from './adapters/middleware';
export {
  bumpPolicyVersion,
  bumpTierVersion,
  configureRateLimiter,
  getUsage,
  rateLimiter,
  rateLimiting,
  rateLimitMiddleware,
  resetRateLimiter,
} from './adapters/process-runtime';
export { createRedisClient, LIMITER_SHA, RedisStore } from './adapters/redis-store';
export { type RateLimiterOptions, RateLimitRuntime } from './adapters/runtime';
export {
  type DecisionContext,
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
  tenantKeyPrefix,
  tenantPrefix,
} from './core/keys';
export { type CheckRequest, type FlagReader, RateLimiter, type RateLimiterDeps } from './core/limiter';
export { PolicyCache } from './core/policy-cache';
export { type PolicySource, StaticPolicySource, type TenantLimits } from './core/policy-source';
export { applicableRules, type Bypass, bypassUntilMs, effectivePolicy, matchesRoute } from './core/resolve';
export { LIMITER_DEFAULTS, type RateLimitSettings, rateLimitSettingsFromEnv } from './core/settings';
export type { EvaluateRequest, EvaluateResult, LimitCheck, LimiterStore } from './core/store';
export type { UsageEntry } from './core/usage';
