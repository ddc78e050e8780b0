import * as z from 'zod';
import { logoUrlSchema } from '../../lib/config/branding';
import { TENANT_ID_PATTERN, VERTICALS } from '../../lib/config/data-model';
import { policySchema } from '../../lib/config/policy';
import { cidrSchema } from '../../lib/config/security';
import { TIERS } from '../../lib/config/tiers';
import { safeText, userIdSchema } from '../shared/http/text';

/** Longest emergency bypass, seconds (24 h). */
export const MAX_BYPASS_TTL_SEC = 24 * 3600;

const tenantId = z.string().regex(TENANT_ID_PATTERN, 'must match ^[a-z][a-z0-9-]{1,63}$');
const tier = z.enum(TIERS, { error: `must be one of ${TIERS.join(', ')}` });
const vertical = z.enum(VERTICALS, { error: `must be one of ${VERTICALS.join(', ')}` });
const status = z.enum(['active', 'suspended']);

/** Path parameters. */
export const tierParamSchema = z.object({ tier });
export const tenantParamSchema = z.object({ tenantId });
export const bypassParamSchema = z.object({
  tenantId,
  bypassId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a bypass id'),
});

/** API Gateway usage-plan numbers of a tier (`rateLimit` requests per second, `burstLimit` requests, `quotaPerDay`). */
export const usagePlanSchema = z
  .object({
    rateLimit: z.number().positive().max(10_000),
    burstLimit: z.number().int().positive().max(5_000),
    quotaPerDay: z.number().int().positive().max(1_000_000_000),
  })
  .strict();

/** `PUT /admin/tiers/{tier}` body. */
export const tierPutSchema = z.object({ rules: policySchema, usagePlan: usagePlanSchema }).strict();

/** `PUT /admin/tenants/{tenantId}/limits` body. */
export const limitsPutSchema = z.object({ rules: policySchema }).strict();

const branding = z
  .object({
    displayName: z.optional(safeText({ max: 120 })),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be #RRGGBB')
      .optional(),
    logoUrl: logoUrlSchema.optional(),
  })
  .strict();

/** `POST /admin/tenants` body. */
export const tenantCreateSchema = z
  .object({
    tenantId,
    name: safeText({ max: 200 }),
    tier,
    vertical,
    status: status.default('active'),
    branding: branding.optional(),
  })
  .strict();

/** `PATCH /admin/tenants/{tenantId}` body (JSON merge patch, RFC 7396: `branding: null` removes it). */
export const tenantPatchSchema = z
  .object({
    name: z.optional(safeText({ max: 200 })),
    tier: tier.optional(),
    status: status.optional(),
    branding: branding.nullable().optional(),
    /** Tenant-wide product-analytics opt-out (docs/analytics.md): `true` stops storing the tenant's events. */
    analyticsOptOut: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, {
    message: 'at least one of name, tier, status, branding, analyticsOptOut',
  });

/** `POST /admin/tenants/{tenantId}/bypass` body. */
export const bypassCreateSchema = z
  .object({
    userId: z.optional(userIdSchema),
    reason: safeText({ min: 3, max: 500, minMessage: 'must say why (at least 3 characters)' }),
    ttlSec: z
      .number({ error: 'is required (seconds)' })
      .int()
      .min(60)
      .max(MAX_BYPASS_TTL_SEC, `must be at most ${MAX_BYPASS_TTL_SEC} (24 h)`),
  })
  .strict();

const pageLimit = z.coerce.number().int().min(1).max(100).default(25);

/** `GET /admin/tenants` query. */
export const tenantListQuerySchema = z
  .object({
    tier: tier.optional(),
    vertical: vertical.optional(),
    status: status.optional(),
    limit: pageLimit,
    nextToken: z.string().max(4096).optional(),
  })
  .strict();

/** `GET /admin/audit` query. */
export const auditQuerySchema = z
  .object({
    tenantId: tenantId.optional(),
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
    limit: pageLimit,
    nextToken: z.string().max(4096).optional(),
  })
  .strict();

/** `GET /admin/tenants/{tenantId}/usage` query. */
export const usageQuerySchema = z.object({ userId: z.optional(userIdSchema) }).strict();

/** Most recent security events `GET /admin/security` returns. */
export const MAX_SECURITY_EVENTS = 200;

/** `GET /admin/security` query: how many recent events (default 50). */
export const securityQuerySchema = z
  .object({ events: z.coerce.number().int().min(0).max(MAX_SECURITY_EVENTS).default(50) })
  .strict();

/** `POST /admin/security/unblock` body: the blocked address or CIDR, and why it is lifted early. */
export const unblockSchema = z
  .object({
    cidr: cidrSchema,
    reason: safeText({ min: 3, max: 500, minMessage: 'must say why (at least 3 characters)' }),
  })
  .strict();
