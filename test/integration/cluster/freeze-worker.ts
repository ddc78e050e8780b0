/**
 * Child process of the freeze/thaw test: the production limiter on the cluster (`REDIS_CLUSTER=true` client, default
 * 25 ms store timeout). Makes one decision, prints it, then — after the parent has frozen (SIGSTOP) and thawed
 * (SIGCONT) this process — makes more on every stdin line and prints each as one JSON line.
 * argv: seedUrl tenantId [timeoutMs]
 */
import { createInterface } from 'node:readline';
import { MemoryStore, RateLimiter, RedisStore, StaticPolicySource } from '../../../lambdas/shared/rate-limit';
import { CLOSED_ROUTE } from '../../helpers/cluster-load';

const [url, tenantId, timeoutMs] = process.argv.slice(2) as [string, string, string | undefined];
const store = new RedisStore({ url, cluster: true });
const limiter = new RateLimiter({
  store,
  fallback: new MemoryStore(),
  policySource: new StaticPolicySource(),
  flags: { isEnabled: async () => true },
  ...(timeoutMs ? { timeoutMs: Number(timeoutMs) } : {}),
});

async function decide(): Promise<void> {
  const t0 = performance.now();
  const d = await limiter.check({ tenantId, userId: 'frozen', tier: 'standard', route: CLOSED_ROUTE });
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ status: d.status, degraded: d.degraded, error: d.error, ms })}\n`);
}

await decide();
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line === 'exit') {
    void store.close().then(() => process.exit(0));
    return;
  }
  void decide();
});
