import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isRole, type Role, type UserType, userTypeOf } from '../../lib/config/roles';
import { isTier, type Tier } from '../../lib/config/tier-names';

/**
 * The authorizer's context as API Gateway passes it to integrations (`event.requestContext.authorizer`).
 * Values are strings/numbers/booleans only (an API Gateway constraint).
 */
export interface AuthorizerContext {
  tenantId: string;
  /** Auth0 `sub` (user id, or `<clientId>@clients` for service accounts). */
  userId: string;
  /** Roles, comma-separated (e.g. `tenant-admin,user`). */
  roles: string;
  /** Auth0 RBAC permissions, space-separated. */
  permissions: string;
  tier: Tier;
  vertical: string;
  principalType: 'user' | 'service';
  /** `user`, `service` or `admin` (`userTypeOf`): the access log's `userType`, for per-user-type views. */
  userType: UserType;
  /** API Gateway API key id of the tenant (never the key value). */
  apiKeyId: string;
}

/** Tenant context as handlers use it, parsed from {@link AuthorizerContext}. */
export interface TenantContext {
  tenantId: string;
  userId: string;
  roles: Role[];
  permissions: string[];
  tier: Tier;
  vertical: string;
  principalType: 'user' | 'service';
}

/** Serializes a {@link TenantContext} into the authorizer context shape (inverse of {@link tenantContextFromEvent}). */
export function toAuthorizerContext(ctx: TenantContext, apiKeyId: string): AuthorizerContext {
  return {
    tenantId: ctx.tenantId,
    userId: ctx.userId,
    roles: ctx.roles.join(','),
    permissions: ctx.permissions.join(' '),
    tier: ctx.tier,
    vertical: ctx.vertical,
    principalType: ctx.principalType,
    userType: userTypeOf(ctx.principalType, ctx.roles),
    apiKeyId,
  };
}

/**
 * Reads the tenant context that the authorizer attached to a REST proxy event. The tenant comes only from here —
 * never from the path, query, body or a client header.
 * @returns the context, or `undefined` when the event carries none (a public route, or a misconfigured integration)
 */
export function tenantContextFromEvent(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
): TenantContext | undefined {
  const a = event.requestContext?.authorizer as
    | Partial<Record<keyof AuthorizerContext, unknown>>
    | null
    | undefined;
  if (!a || typeof a.tenantId !== 'string' || typeof a.userId !== 'string' || !isTier(a.tier))
    return undefined;
  return {
    tenantId: a.tenantId,
    userId: a.userId,
    roles: typeof a.roles === 'string' ? a.roles.split(',').filter(isRole) : [],
    permissions: typeof a.permissions === 'string' ? a.permissions.split(' ').filter(Boolean) : [],
    tier: a.tier,
    vertical: typeof a.vertical === 'string' ? a.vertical : 'unknown',
    principalType: a.principalType === 'service' ? 'service' : 'user',
  };
}
