import type { Operation } from '../context';
import { exportAnalytics, queryAnalytics } from './analytics';
import { createBypass, deleteBypass, listBypasses } from './bypass';
import { getLimits, putLimits } from './limits';
import { deepHealth, getAudit, getUsage } from './observe';
import { getSecurity, liftClamp, unblock } from './security';
import { createTenant, getTenant, listTenants, patchTenant } from './tenants';
import { getTier, listTiers, putTier } from './tiers';

/**
 * The implementation of each admin route, keyed by route key (`"METHOD /path-template"` from
 * `lib/config/routes.ts`). The app checks at start-up that this table and the route table's admin routes agree.
 */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'GET /health/deep': deepHealth,
  'GET /admin/tiers': listTiers,
  'GET /admin/tiers/{tier}': getTier,
  'PUT /admin/tiers/{tier}': putTier,
  'GET /admin/tenants': listTenants,
  'POST /admin/tenants': createTenant,
  'GET /admin/tenants/{tenantId}': getTenant,
  'PATCH /admin/tenants/{tenantId}': patchTenant,
  'GET /admin/tenants/{tenantId}/limits': getLimits,
  'PUT /admin/tenants/{tenantId}/limits': putLimits,
  'GET /admin/tenants/{tenantId}/bypass': listBypasses,
  'POST /admin/tenants/{tenantId}/bypass': createBypass,
  'DELETE /admin/tenants/{tenantId}/bypass/{bypassId}': deleteBypass,
  'GET /admin/tenants/{tenantId}/usage': getUsage,
  'GET /admin/audit': getAudit,
  'GET /admin/security': getSecurity,
  'POST /admin/security/unblock': unblock,
  'DELETE /admin/security/clamps/{tenantId}': liftClamp,
  'GET /admin/analytics/export': exportAnalytics,
  'GET /admin/analytics/{query}': queryAnalytics,
};
