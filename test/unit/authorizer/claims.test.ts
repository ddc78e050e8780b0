import { describe, expect, it } from 'vitest';
import { createPrincipalParser } from '../../../lambdas/authorizer/claims';
import { UnauthorizedError } from '../../../lambdas/authorizer/reasons';

const NS = 'https://marketedge.io/';
const parse = createPrincipalParser(NS);
const exp = 2_000_000_000;

function failure(payload: unknown): { reason: string; detail?: string } {
  try {
    parse(payload);
  } catch (err) {
    if (err instanceof UnauthorizedError) return { reason: err.reason, detail: err.detail };
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('createPrincipalParser', () => {
  it('maps a user token: namespaced tenant and roles, RBAC permissions array', () => {
    expect(
      parse({
        sub: 'alice',
        exp,
        scope: 'openid profile',
        permissions: ['read:reports', 'write:reports'],
        [`${NS}tenant_id`]: 'acme',
        [`${NS}roles`]: ['user', 'tenant-admin', 'user'],
      }),
    ).toEqual({
      userId: 'alice',
      tenantId: 'acme',
      roles: ['user', 'tenant-admin'],
      permissions: ['read:reports', 'write:reports'],
      principalType: 'user',
    });
  });

  it('drops unknown roles and a self-assigned "service" role on user tokens', () => {
    const p = parse({
      sub: 'bob',
      exp,
      [`${NS}tenant_id`]: 'acme',
      [`${NS}roles`]: ['billing', 'service', 'user'],
    });
    expect(p.roles).toEqual(['user']);
    expect(parse({ sub: 'bob', exp, [`${NS}tenant_id`]: 'acme' }).roles).toEqual([]);
  });

  it('maps a client-credentials token to a service principal of its tenant (scope → permissions)', () => {
    expect(
      parse({
        sub: 'Xy12abc@clients',
        gty: 'client-credentials',
        exp,
        scope: 'read:reports read:market',
        [`${NS}tenant_id`]: 'globex',
        [`${NS}roles`]: ['platform-admin'],
      }),
    ).toEqual({
      userId: 'Xy12abc@clients',
      tenantId: 'globex',
      roles: ['service'],
      permissions: ['read:reports', 'read:market'],
      principalType: 'service',
    });
    expect(
      parse({
        sub: 'k@clients',
        gty: ['client-credentials'],
        exp,
        permissions: ['a'],
        [`${NS}tenant_id`]: 'globex',
      }).permissions,
    ).toEqual(['a']);
  });

  it.each([
    ['not an object', 'a string', 'claims_invalid'],
    ['an array', [], 'claims_invalid'],
    ['no exp', { sub: 'alice', [`${NS}tenant_id`]: 'acme' }, 'claims_invalid'],
    ['empty sub', { sub: '', exp, [`${NS}tenant_id`]: 'acme' }, 'claims_invalid'],
    ['tenant claim missing', { sub: 'alice', exp }, 'tenant_claim_missing'],
    ['tenant claim un-namespaced', { sub: 'alice', exp, tenant_id: 'acme' }, 'tenant_claim_missing'],
    ['tenant claim a number', { sub: 'alice', exp, [`${NS}tenant_id`]: 42 }, 'claims_invalid'],
    ['tenant claim an array', { sub: 'alice', exp, [`${NS}tenant_id`]: ['acme'] }, 'claims_invalid'],
    ['tenant id with a quote', { sub: 'alice', exp, [`${NS}tenant_id`]: 'acme"}' }, 'claims_invalid'],
    ['tenant id path traversal', { sub: 'alice', exp, [`${NS}tenant_id`]: '../globex' }, 'claims_invalid'],
    ['tenant id with newline', { sub: 'alice', exp, [`${NS}tenant_id`]: 'acme\nadmin' }, 'claims_invalid'],
    ['tenant id with a hash tag', { sub: 'alice', exp, [`${NS}tenant_id`]: 'acme}{x' }, 'claims_invalid'],
    [
      'roles a string',
      { sub: 'alice', exp, [`${NS}tenant_id`]: 'acme', [`${NS}roles`]: 'platform-admin' },
      'claims_invalid',
    ],
    [
      'permissions a string',
      { sub: 'alice', exp, [`${NS}tenant_id`]: 'acme', permissions: 'read:reports' },
      'claims_invalid',
    ],
    [
      'gty without @clients sub',
      { sub: 'alice', gty: 'client-credentials', exp, [`${NS}tenant_id`]: 'acme' },
      'claims_invalid',
    ],
    ['@clients sub without gty', { sub: 'x@clients', exp, [`${NS}tenant_id`]: 'acme' }, 'claims_invalid'],
    ['M2M without tenant', { sub: 'x@clients', gty: 'client-credentials', exp }, 'tenant_claim_missing'],
  ])('rejects %s', (_n, payload, reason) => {
    expect(failure(payload).reason).toBe(reason);
  });

  it('names claim paths (namespaced) in the detail, never claim values', () => {
    const f = failure({ sub: 'alice', exp, [`${NS}tenant_id`]: 'EVIL"value', [`${NS}roles`]: [1] });
    expect(f.detail).toContain(`${NS}tenant_id`);
    expect(f.detail).toContain(`${NS}roles.0`);
    expect(f.detail).not.toContain('EVIL');
  });
});
