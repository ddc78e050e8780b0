import type { TenantStatus, Vertical } from '../../../lib/config/data-model';
import type { Tier } from '../../../lib/config/tiers';

/** A tenant item of the `tenants` table. */
export interface Tenant {
  tenantId: string;
  name: string;
  tier: Tier;
  vertical: Vertical;
  status: TenantStatus;
  /** API Gateway API key id (usage-plan membership). */
  apiKeyId: string;
  /** API key value, returned by the authorizer as `usageIdentifierKey`. Secret: never logged. */
  apiKeyValue: string;
  /** Optimistic-concurrency version, incremented on every write. */
  version: number;
  branding?: { displayName?: string; primaryColor?: string; logoUrl?: string };
  /** Tenant-wide analytics opt-out (admin API): when true, no product event of this tenant is stored. */
  analyticsOptOut?: boolean;
  createdAt: string;
  updatedAt: string;
}
