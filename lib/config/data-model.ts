/**
 * DynamoDB data model: the single source of table names, keys and TTL attributes, used by CDK (tables),
 * the Lambdas (env var names) and the local stack / tests (dynalite tables). Documented in docs/data-model.md.
 */

/** Attribute definition of a key. */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

/** A table's logical definition. */
export interface TableSpec {
  /** Logical id, also the CDK construct id. */
  id: string;
  /** Environment variable through which Lambdas receive the physical table name. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /** Attribute holding an epoch-seconds expiry (DynamoDB TTL), if any. */
  ttlAttribute?: string;
}

/**
 * Tables:
 * - `tenants`: one item per tenant (`tenantId`): name, tier, vertical, status, apiKeyId, apiKeyValue, version, branding.
 * - `limits`: tier policies (`pk=TIER#<tier>`, `sk=POLICY`), tenant overrides (`pk=TENANT#<id>`, `sk=LIMITS`),
 *   bypasses (`pk=TENANT#<id>`, `sk=BYPASS#<bypassId>`, TTL `expiresAt`).
 * - `audit`: append-only (`pk=TENANT#<id>` or `PLATFORM`, `sk=<ISO time>#<requestId>`).
 * - `reports`: reports service data (`tenantId`, `reportId`).
 * - `security`: the responder's state — active blocks (`pk=BLOCKS#IPV4|IPV6`, `sk=<cidr>`), processed event ids
 *   (`pk=EVENT#<id>`, `sk=EVENT`) and tenant clamps (`pk=CLAMP#<tenantId>`, `sk=CLAMP`, listed under
 *   `pk=CLAMPS`, `sk=<tenantId>`), each with TTL `expiresAt` ({@link securityKeys}).
 */
export const TABLES = {
  tenants: { id: 'Tenants', envVar: 'TENANTS_TABLE', partitionKey: { name: 'tenantId', type: 'S' } },
  limits: {
    id: 'Limits',
    envVar: 'LIMITS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  audit: {
    id: 'Audit',
    envVar: 'AUDIT_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  reports: {
    id: 'Reports',
    envVar: 'REPORTS_TABLE',
    partitionKey: { name: 'tenantId', type: 'S' },
    sortKey: { name: 'reportId', type: 'S' },
  },
  security: {
    id: 'Security',
    envVar: 'SECURITY_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;

/** Logical table names. */
export type TableName = keyof typeof TABLES;

/** A DynamoDB primary key of the `limits` or `audit` table (`pk`, `sk`). */
export type TableKey = { readonly pk: string; readonly sk: string };

const TENANT_PREFIX = 'TENANT#';
const TIER_PREFIX = 'TIER#';

/**
 * Key builders of the `limits` table — the only place its key strings are spelled (a test greps for others):
 * - {@link limitsKeys.tierPolicy}: `pk=TIER#<tier>`, `sk=POLICY` (a tier's stored policy);
 * - {@link limitsKeys.tenantLimits}: `pk=TENANT#<id>`, `sk=LIMITS` (a tenant's override rules);
 * - {@link limitsKeys.bypass}: `pk=TENANT#<id>`, `sk=BYPASS#<bypassId>` (an emergency bypass, TTL `expiresAt`);
 * - {@link limitsKeys.tenantPartition}: `TENANT#<id>`, the partition holding a tenant's limits and bypasses
 *   (one `Query` reads them all); {@link limitsKeys.bypassPrefix}: the `sk` prefix of bypasses.
 */
export const limitsKeys = {
  tenantPartition: (tenantId: string): string => `${TENANT_PREFIX}${tenantId}`,
  tierPolicy: (tier: string): TableKey => ({ pk: `${TIER_PREFIX}${tier}`, sk: 'POLICY' }),
  tenantLimits: (tenantId: string): TableKey => ({ pk: limitsKeys.tenantPartition(tenantId), sk: 'LIMITS' }),
  bypass: (tenantId: string, bypassId: string): TableKey => ({
    pk: limitsKeys.tenantPartition(tenantId),
    sk: `${limitsKeys.bypassPrefix}${bypassId}`,
  }),
  bypassPrefix: 'BYPASS#',
  /** `sk` of a tenant's override rules item. */
  tenantLimitsSortKey: 'LIMITS',
  /** The bypass id in a bypass item's `sk`, or `undefined` when `sk` is not a bypass key. */
  bypassIdOf: (sk: string): string | undefined =>
    sk.startsWith(limitsKeys.bypassPrefix) ? sk.slice(limitsKeys.bypassPrefix.length) : undefined,
} as const;

/**
 * Partition keys of the append-only `audit` table: `TENANT#<id>` for a tenant's resources, `PLATFORM` for
 * platform-wide changes (tiers). The sort key is `<ISO time>#<requestId>`.
 */
export const auditKeys = {
  tenantPartition: (tenantId: string): string => `${TENANT_PREFIX}${tenantId}`,
  platformPartition: 'PLATFORM',
  sortKey: (at: string, requestId: string): string => `${at}#${requestId}`,
} as const;

/**
 * Key builders of the `security` table (the security responder's state), the only place its keys are spelled:
 * - {@link securityKeys.blocksPartition}: `BLOCKS#IPV4` / `BLOCKS#IPV6`, one item per blocked CIDR (`sk=<cidr>`);
 * - {@link securityKeys.event}: `pk=EVENT#<id>`, `sk=EVENT` (a processed EventBridge event id, for idempotency);
 * - {@link securityKeys.clamp}: `pk=CLAMP#<tenantId>`, `sk=CLAMP` (an active tenant clamp);
 * - {@link securityKeys.clampIndex}: `pk=CLAMPS`, `sk=<tenantId>` (the sparse list of clamped tenants, one `Query`).
 */
export const securityKeys = {
  blocksPartition: (version: 4 | 6): string => `BLOCKS#IPV${version}`,
  event: (eventId: string): TableKey => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
  clamp: (tenantId: string): TableKey => ({ pk: `CLAMP#${tenantId}`, sk: 'CLAMP' }),
  clampIndexPartition: 'CLAMPS',
  clampIndex: (tenantId: string): TableKey => ({ pk: securityKeys.clampIndexPartition, sk: tenantId }),
} as const;

/** Tenant lifecycle status: suspended tenants are denied by the authorizer. */
export type TenantStatus = 'active' | 'suspended';

/** Industry verticals tenants come from. */
export const VERTICALS = ['retail', 'hospitality', 'leisure', 'finance', 'platform'] as const;
export type Vertical = (typeof VERTICALS)[number];

/**
 * The vertical of the platform's own tenant (MarketEdge's operators: `marketedge` locally, its platform admins, users
 * and the canary's machine client), not a customer segment: product analytics does not count its accounts
 * (docs/analytics.md, "Platform operators").
 */
export const PLATFORM_VERTICAL = 'platform' satisfies Vertical;

/**
 * Well-formed tenant id: lowercase letters, digits and `-`, 2–64 chars, starting with a letter. The `-` is escaped so
 * that the same source is valid with the `v` flag, which browsers use for an input's `pattern` attribute
 * ({@link TENANT_ID_HTML_PATTERN}).
 */
// biome-ignore lint/complexity/noUselessEscapeInRegex: the escape is required with the `v` flag (HTML pattern).
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9\-]{1,63}$/;

/** {@link TENANT_ID_PATTERN} as an HTML `pattern` attribute (implicitly anchored, compiled with the `v` flag). */
export const TENANT_ID_HTML_PATTERN = TENANT_ID_PATTERN.source.slice(1, -1);

/**
 * Well-formed user id (an Auth0 `sub`: `auth0|…`, `google-oauth2|…`, `<client>@clients`): 1–256 of `A-Z a-z 0-9`
 * and `| @ . _ : + -`, starting alphanumeric. Everywhere a user id enters (bypasses, usage queries, rule subjects).
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9|@._:+-]{0,255}$/;
