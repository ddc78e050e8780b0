/**
 * Response shapes of the API, imported (types only, erased at build) from the modules that produce them, so the
 * console cannot drift from the Lambdas.
 */

import type { AuditEntry } from '../../../lambdas/admin/audit';
import type { Report, ReportPage, ReportSummary } from '../../../lambdas/reports/report';
import type { MeBody } from '../../../lambdas/reports/service';
import type { UsageEntry } from '../../../lambdas/shared/rate-limit/core/usage';
import type { Tenant as TenantItem } from '../../../lambdas/shared/tenants/tenant';
import type { Rule } from '../../../lib/config/policy';
import type { Role } from '../../../lib/config/roles';
import type { Tier } from '../../../lib/config/tiers';

export type { AuditEntry, Report, ReportPage, ReportSummary, Role, Rule, Tier, UsageEntry };

/**
 * `GET /v1/me`: the reports service's {@link MeBody} (tenant context, the tenant's name and branding, the caller's
 * experiment assignments), with `vertical` read as one of the catalog's verticals (the authorizer copies it from the
 * tenant item, which only holds those).
 */
export type Me = Omit<MeBody, 'vertical'> & { vertical: TenantItem['vertical'] };

/** A tenant as the admin API returns it (never the API key value). */
export type Tenant = Omit<TenantItem, 'apiKeyValue'>;

/** Tenant branding (`PATCH /admin/tenants/{id}` `branding`). */
export type Branding = NonNullable<TenantItem['branding']>;

/** `GET /admin/tenants` page. */
export interface TenantPage {
  items: Tenant[];
  nextToken?: string;
}

/** `GET /admin/tenants/{id}/limits`. */
export interface Limits {
  tenantId: string;
  tier: Tier;
  overrides: Rule[];
  effective: Rule[];
  tenantSpecificLimits: boolean;
  version: number;
  updatedAt?: string | null;
}

/** `GET /admin/tiers/{tier}`. */
export interface TierPolicy {
  tier: Tier;
  rules: Rule[];
  usagePlan: { rateLimit: number; burstLimit: number; quotaPerDay: number };
  version: number;
  updatedAt?: string | null;
}

/** An emergency bypass. */
export interface Bypass {
  bypassId: string;
  userId?: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** Epoch seconds. */
  expiresAt: number;
  expiresAtIso: string;
}

/** `GET /admin/tenants/{id}/usage`. */
export interface Usage {
  tenantId: string;
  tier: Tier;
  userId?: string;
  rules: UsageEntry[];
}

/** `GET /admin/audit` page (oldest first). */
export interface AuditPage {
  items: AuditEntry[];
  nextToken?: string;
}
