/**
 * Contributor Insights rules over the JSON access log (`lib/config/gateway.ts` `ACCESS_LOG_FIELDS`): the per-tenant
 * views that keep tenantId out of metric dimensions (docs/architecture.md, observability conventions). Pure data: CDK
 * builds the rules (`lib/monitoring/contributors.ts`, `MarketEdge-<stage>-<id>`), the alarm catalog reads them
 * (`INSIGHT_RULE_METRIC`), tests check every key is an access-log field.
 */
import type { AccessLogKey } from './gateway';
import { USER_TYPES, type UserType } from './roles';
import { TIERS, type Tier } from './tier-names';

/** One access-log filter of a rule: the field's value is one of `in`. */
export interface ContributorFilter {
  readonly field: AccessLogKey;
  readonly in: readonly string[];
}

/** One Contributor Insights rule: top `keys` (access-log fields) among the requests matching every filter. */
export interface ContributorRuleSpec {
  /** Rule id: the rule is `MarketEdge-<stage>-<id>`. */
  readonly id: string;
  readonly keys: readonly AccessLogKey[];
  readonly filters?: readonly ContributorFilter[];
}

/** 5XX statuses the failure rules count. */
const SERVER_ERRORS = ['500', '502', '503', '504'];

/**
 * The id of the rule counting the requests of each tenant of one tier (the tenant's usage-plan quota use: its
 * `MaxContributorValue` over a day is the busiest tenant's daily requests).
 */
export function tierTenantsRuleId(tier: Tier): string {
  return `TenantsOfTier-${tier}`;
}

/**
 * The id of the rule counting the requests of each tenant made as one user type (`user`, `service` for M2M clients,
 * `admin`): its `SampleCount` is the user type's requests, `UniqueContributors` its active tenants, the dashboard's
 * user-type row (tenantId stays out of metric dimensions).
 */
export function userTypeTenantsRuleId(userType: UserType): string {
  return `TenantsOfUserType-${userType}`;
}

/**
 * The rules of every stage: top tenants by requests, by 429s, by 5XX; top users within tenants by 429s; top tenant ×
 * route by 5XX; one rule per tier counting its tenants' requests ({@link tierTenantsRuleId}); one per user type
 * ({@link userTypeTenantsRuleId}); top throttled user type × tenant and tier × tenant.
 */
export const CONTRIBUTOR_RULES: readonly ContributorRuleSpec[] = [
  { id: 'TopTenants', keys: ['tenantId'] },
  { id: 'TopThrottledTenants', keys: ['tenantId'], filters: [{ field: 'status', in: ['429'] }] },
  { id: 'TopThrottledUsers', keys: ['tenantId', 'userId'], filters: [{ field: 'status', in: ['429'] }] },
  {
    id: 'TopFailingTenantRoutes',
    keys: ['tenantId', 'route'],
    filters: [{ field: 'status', in: SERVER_ERRORS }],
  },
  ...TIERS.map((tier) => ({
    id: tierTenantsRuleId(tier),
    keys: ['tenantId'] as const,
    filters: [{ field: 'tier', in: [tier] }] as const,
  })),
  ...USER_TYPES.map((userType) => ({
    id: userTypeTenantsRuleId(userType),
    keys: ['tenantId'] as const,
    filters: [{ field: 'userType', in: [userType] }] as const,
  })),
  { id: 'ThrottledByUserType', keys: ['userType', 'tenantId'], filters: [{ field: 'status', in: ['429'] }] },
  { id: 'ThrottledByTier', keys: ['tier', 'tenantId'], filters: [{ field: 'status', in: ['429'] }] },
];

/** Full rule name of a stage: `MarketEdge-<stage>-<id>`. */
export function contributorRuleName(stage: string, id: string): string {
  return `MarketEdge-${stage}-${id}`;
}
