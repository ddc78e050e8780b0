/**
 * Child process for the multi-process exactness test: waits for a shared start time, then fires N concurrent limiter
 * decisions for one tenant/user on a fail-closed route against REDIS_URL, and prints a JSON summary line.
 * argv: redisUrl tenantId concurrency startAtEpochMs
 */

import { MemoryStore } from '../../../lambdas/shared/rate-limit/adapters/memory-store';
import { RedisStore } from '../../../lambdas/shared/rate-limit/adapters/redis-store';
import { RateLimiter } from '../../../lambdas/shared/rate-limit/core/limiter';
import { StaticPolicySource } from '../../../lambdas/shared/rate-limit/core/policy-source';
import { ROUTES } from '../../../lib/config/routes';

const [url, tenantId, n, startAt] = process.argv.slice(2);
const source = new StaticPolicySource();
source.setTierRules('standard', [
  { id: 'hundred', scope: 'tenant', kind: 'rate', limit: 100, periodSec: 3600 },
]);
const store = new RedisStore({ url: url! });
const limiter = new RateLimiter({
  store,
  fallback: new MemoryStore(),
  policySource: source,
  flags: { isEnabled: async () => true },
  timeoutMs: 5_000,
  overLimitCacheMs: 0,
});
const route = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/reports')!;
await store.client.ping();
// Warm the policy cache so all N decisions go out together.
await limiter.usage({ tenantId: tenantId!, tier: 'standard' });
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const decisions = await Promise.all(
  Array.from({ length: Number(n) }, (_, i) =>
    limiter.check({ tenantId: tenantId!, userId: `u${i % 7}`, tier: 'standard', route }),
  ),
);
const count = (s: string) => decisions.filter((d) => d.status === s).length;
console.log(
  JSON.stringify({
    allowed: count('allowed'),
    denied: count('denied'),
    unavailable: count('unavailable'),
    degraded: decisions.filter((d) => d.degraded).length,
    keys: [...new Set(decisions.flatMap((d) => d.outcomes.map((o) => o.key)))],
  }),
);
await store.close();
