import * as z from 'zod/mini';
import { TENANT_ID_PATTERN } from '../../lib/config/data-model';
import { isRole, type Role } from '../../lib/config/roles';
import { UnauthorizedError } from './reasons';

/** Who is calling, as established from a verified token (before the tenant lookup). */
export interface Principal {
  /** Auth0 `sub`: the user id, or `<clientId>@clients` for a service account. */
  userId: string;
  tenantId: string;
  /** Known roles only (unknown role names are dropped); `['service']` for client-credentials tokens. */
  roles: Role[];
  /** RBAC `permissions` (array claim); for service tokens without it, the `scope` entries. */
  permissions: string[];
  principalType: 'user' | 'service';
}

/** Auth0's client-credentials grant marker (`gty`) and `sub` suffix of machine-to-machine tokens. */
export const M2M_GRANT = 'client-credentials';
export const M2M_SUB_SUFFIX = '@clients';

const stringList = z.array(z.string().check(z.maxLength(256))).check(z.maxLength(256));

/**
 * The zod (mini) schema of the claims this API needs, with the namespaced claims under their short names
 * (`tenant_id`, `roles`; see {@link createPrincipalParser}). Standard claims (`iss`, `aud`, `exp`, `nbf`) are verified
 * by aws-jwt-verify first; this adds shape checks: `sub` non-empty string, `exp` required (no non-expiring tokens),
 * `permissions` an array of strings (Auth0 RBAC), `scope` a space-separated string, `tenant_id` matching
 * `TENANT_ID_PATTERN`, `roles` an array of strings.
 */
export const claimsSchema = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(256)),
  exp: z.number(),
  gty: z.optional(z.union([z.string(), z.array(z.string())])),
  scope: z.optional(z.string().check(z.maxLength(4096))),
  permissions: z.optional(stringList),
  tenant_id: z.optional(z.string().check(z.regex(TENANT_ID_PATTERN))),
  roles: z.optional(stringList),
});

/** A parser from verified JWT payload to {@link Principal}, for one claims namespace. */
export type PrincipalParser = (payload: unknown) => Principal;

/**
 * Creates the claims → {@link Principal} parser.
 * Client-credentials tokens (`gty: client-credentials` **and** `sub` ending in `@clients`) become `service`
 * principals of the tenant in their tenant claim, with role `service` only (a roles claim on them is ignored).
 * @param namespace Auth0 custom-claim prefix (with trailing `/`)
 * @throws {UnauthorizedError} `claims_invalid` (wrong shape; `detail` names the claim paths, never values) |
 * `tenant_claim_missing`
 */
export function createPrincipalParser(namespace: string): PrincipalParser {
  const tenantKey = `${namespace}tenant_id`;
  const rolesKey = `${namespace}roles`;
  const claimName = (short: string) =>
    short === 'tenant_id' || short === 'roles' ? `${namespace}${short}` : short;
  return (payload) => {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new UnauthorizedError('claims_invalid', '(root)');
    }
    const p = payload as Record<string, unknown>;
    const parsed = claimsSchema.safeParse({
      sub: p.sub,
      exp: p.exp,
      gty: p.gty,
      scope: p.scope,
      permissions: p.permissions,
      tenant_id: p[tenantKey],
      roles: p[rolesKey],
    });
    if (!parsed.success) {
      const paths = parsed.error.issues.map((i) =>
        [claimName(String(i.path[0] ?? '(root)')), ...i.path.slice(1).map(String)].join('.'),
      );
      throw new UnauthorizedError('claims_invalid', [...new Set(paths)].join(','));
    }
    const c = parsed.data;
    const gty = Array.isArray(c.gty) ? c.gty : c.gty === undefined ? [] : [c.gty];
    const isClientCredentials = gty.includes(M2M_GRANT);
    const hasClientSub = c.sub.endsWith(M2M_SUB_SUFFIX);
    if (isClientCredentials !== hasClientSub) {
      throw new UnauthorizedError('claims_invalid', 'gty/sub disagree on client-credentials');
    }
    const tenantId = c.tenant_id;
    if (tenantId === undefined) throw new UnauthorizedError('tenant_claim_missing');
    const scopes = (c.scope ?? '').split(' ').filter(Boolean);
    if (isClientCredentials) {
      return {
        userId: c.sub,
        tenantId,
        roles: ['service'],
        permissions: c.permissions ?? scopes,
        principalType: 'service',
      };
    }
    const roles = (c.roles ?? []).filter((r): r is Role => isRole(r) && r !== 'service');
    return {
      userId: c.sub,
      tenantId,
      roles: [...new Set(roles)],
      permissions: c.permissions ?? [],
      principalType: 'user',
    };
  };
}
