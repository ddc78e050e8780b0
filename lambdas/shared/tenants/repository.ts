import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../aws/dynamodb';
import type { Tenant } from './tenant';

interface CacheEntry {
  tenant: Tenant | undefined;
  expiresAt: number;
}

const cache = new Map<string, CacheEntry>();

/**
 * Reads a tenant by id (strongly consistent `GetItem` on the `tenants` table), cached in memory per container.
 * Misses are cached too, so unknown ids cannot be used to hammer DynamoDB.
 * @param tenantId well-formed tenant id (validate before calling)
 * @param ttlMs cache time to live, ms (0 = no cache)
 * @returns the tenant, or `undefined` when it does not exist
 * @throws SDK errors (throttling, network) — callers decide whether that is a 5xx
 */
export async function getTenant(
  tenantId: string,
  ttlMs = 5_000,
  now = Date.now(),
): Promise<Tenant | undefined> {
  const hit = cache.get(tenantId);
  if (hit && hit.expiresAt > now) return hit.tenant;
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('tenants'), Key: { tenantId }, ConsistentRead: true }),
  );
  const tenant = out.Item as Tenant | undefined;
  if (ttlMs > 0) {
    if (cache.size > 10_000) cache.clear();
    cache.set(tenantId, { tenant, expiresAt: now + ttlMs });
  }
  return tenant;
}

/** Drops cached tenants (one id, or all) — after an admin write in the same process, and in tests. */
export function invalidateTenantCache(tenantId?: string): void {
  if (tenantId === undefined) cache.clear();
  else cache.delete(tenantId);
}
