/**
 * Roles a token can carry in `<namespace>roles` (Auth0 RBAC roles assigned to the user).
 * Machine-to-machine (client-credentials) tokens are given the `service` role by the authorizer.
 *
 * - `platform-admin`: MarketEdge operators; every route, every tenant.
 * - `tenant-admin`: administers one tenant (its users' limits, its reports).
 * - `user`: an ordinary member of a tenant.
 * - `service`: a tenant's service account (Auth0 client-credentials grant).
 */
export const ROLES = ['platform-admin', 'tenant-admin', 'user', 'service'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Type guard: `true` when `value` is a known {@link Role}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * User types the operations views and the access log (`userType`) segment requests by: service accounts
 * (client-credentials tokens), administrators (`platform-admin` or `tenant-admin`) and ordinary users.
 */
export const USER_TYPES = ['user', 'service', 'admin'] as const;

/** One of {@link USER_TYPES}. */
export type UserType = (typeof USER_TYPES)[number];

/**
 * The user type of a caller: `service` for a service principal (or the `service` role), `admin` for a holder of an
 * admin role, else `user`.
 */
export function userTypeOf(principalType: 'user' | 'service', roles: readonly string[]): UserType {
  if (principalType === 'service' || roles.includes('service')) return 'service';
  if (roles.includes('platform-admin') || roles.includes('tenant-admin')) return 'admin';
  return 'user';
}
