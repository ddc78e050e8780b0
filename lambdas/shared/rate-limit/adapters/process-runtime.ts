import type { Tier } from '../../../../lib/config/tier-names';
import type { LoggerAndMetrics } from '../../logger-metrics';
import type { RateLimiter } from '../core/limiter';
import { rateLimitSettingsFromEnv } from '../core/settings';
import type { UsageEntry } from '../core/usage';
import { createRateLimitMiddleware, type RateLimitMiddleware } from './middleware';
import { type RateLimiterOptions, RateLimitRuntime } from './runtime';

/**
 * The process's rate limiting — the one place it is constructed: settings from the environment
 * (`rateLimitSettingsFromEnv(process.env)`, read on first use and again after `resetRateLimiter`). Every handler,
 * the admin API's usage view and policy-version bumps of one process share it (the local stack runs all of them in
 * one process).
 */
export const rateLimiting = new RateLimitRuntime(() => rateLimitSettingsFromEnv(process.env));

/**
 * (Re)configures the process's limiter (see {@link RateLimitRuntime.configure}).
 * @throws {Error} when `store: 'redis'` is asked for without a URL
 */
export function configureRateLimiter(opts: RateLimiterOptions = {}): RateLimiter {
  return rateLimiting.configure(opts);
}

/** Closes stores created by the current configuration and forgets it (the next use re-reads the environment). */
export function resetRateLimiter(): Promise<void> {
  return rateLimiting.reset();
}

/** The process-wide limiter (configured from the environment on first use). */
export function rateLimiter(): RateLimiter {
  return rateLimiting.limiter();
}

/**
 * The rate-limit step for callers that resolved the route and tenant context once per request (see
 * `RateLimitMiddleware`).
 * @param obs the handler's Powertools Logger and Metrics
 */
export function rateLimitMiddleware(obs: LoggerAndMetrics): RateLimitMiddleware {
  return createRateLimitMiddleware(rateLimiting, obs);
}

/**
 * Publishes a change of a tenant's limit overrides or bypasses (call after the DynamoDB write): running limiters
 * re-read the tenant's policy on their next decision for that tenant, and that decision already uses the new policy
 * (the script refuses a decision made on a stale version without counting it; docs/rate-limiting.md).
 * @throws store errors (Redis unreachable) — cached policies still refresh after 60 s
 */
export function bumpPolicyVersion(tenantId: string): Promise<void> {
  return rateLimiting.limiter().bumpPolicyVersion(tenantId);
}

/**
 * Publishes a change of a tier policy (`TIER#<tier>` item): limiters poll tier versions every 500 ms and re-read it.
 * @throws store errors
 */
export function bumpTierVersion(tier: Tier): Promise<void> {
  return rateLimiting.limiter().bumpTierVersion(tier);
}

/**
 * Read-only usage of each rule of a tenant's effective policy (tenant-scope rules, and user-scope rules when `userId`
 * is given): `{ ruleId, scope, kind, mode, limit, capacity, remaining, used, resetSec, periodSec?, burst?, window?,
 * match?, subject?, userId? }`. Counts nothing.
 * @throws store errors (timeout / circuit open) — answer 503
 */
export function getUsage(q: { tenantId: string; tier: Tier; userId?: string }): Promise<UsageEntry[]> {
  return rateLimiting.limiter().usage(q);
}
