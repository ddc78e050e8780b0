import { describe, expect, it } from 'vitest';
import {
  buildAllowPolicy,
  buildDenyPolicy,
  forbiddenRoutes,
  parseMethodArn,
  routeResources,
} from '../../../lambdas/authorizer/policy';
import { ROLES, type Role } from '../../../lib/config/roles';
import { ROUTES } from '../../../lib/config/routes';
import { API_ID, arnMatches, isAllowed, methodArn, STAGE, samplePath } from './support';

const CONCRETE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

describe('IAM-style matcher used by these tests', () => {
  it('treats * as any run of characters including "/" and is exact otherwise', () => {
    expect(arnMatches('a/*/b', 'a/x/y/b')).toBe(true);
    expect(arnMatches('a/b', 'a/b/')).toBe(false);
    expect(arnMatches('a/b?', 'a/bc')).toBe(true);
    expect(arnMatches('a.b', 'axb')).toBe(false);
    expect(
      isAllowed(
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'x/*' },
            { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ['x/secret'] },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          ],
        },
        'x/secret',
      ),
    ).toBe(false);
    expect(isAllowed({ Version: '2012-10-17', Statement: [] }, 'x')).toBe(false);
  });
});

describe('parseMethodArn', () => {
  it('splits a method ARN', () => {
    expect(parseMethodArn(methodArn('GET', '/v1/reports/r-1'))).toEqual({
      prefix: 'arn:aws:execute-api:eu-west-1:123456789012',
      apiId: API_ID,
      stage: STAGE,
      method: 'GET',
      path: 'v1/reports/r-1',
    });
    expect(parseMethodArn('arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/POST/').path).toBe('');
  });
  it.each(['', 'arn:aws:s3:::bucket', 'arn:aws:execute-api:eu-west-1:123:abc/dev/GET/x', 'not an arn'])(
    'throws on %j',
    (arn) => {
      expect(() => parseMethodArn(arn)).toThrow(/methodArn/);
    },
  );
});

describe('routeResources', () => {
  const arn = parseMethodArn(methodArn('GET', '/v1/reports'));
  it('converts {param}/{proxy+} to * and ANY to *, adding a trailing-slash twin for exact paths', () => {
    const base = `arn:aws:execute-api:eu-west-1:123456789012:${API_ID}/${STAGE}`;
    expect(routeResources(arn, { method: 'GET', path: '/admin/tenants' })).toEqual([
      `${base}/GET/admin/tenants`,
      `${base}/GET/admin/tenants/`,
    ]);
    expect(
      routeResources(arn, { method: 'DELETE', path: '/admin/tenants/{tenantId}/bypass/{bypassId}' }),
    ).toEqual([`${base}/DELETE/admin/tenants/*/bypass/*`]);
    expect(routeResources(arn, { method: 'ANY', path: '/v1/market/{proxy+}' })).toEqual([
      `${base}/*/v1/market/*`,
    ]);
  });
});

describe('whole-API policy (cached per token, reused for every route)', () => {
  const firstCalls = [methodArn('GET', '/v1/reports'), methodArn('DELETE', '/admin/tenants/acme/bypass/b-1')];

  it('a user: GET /v1/reports allowed, /admin/* denied — whichever route was called first', () => {
    for (const first of firstCalls) {
      const policy = buildAllowPolicy(first, ['user']);
      expect(isAllowed(policy, methodArn('GET', '/v1/reports'))).toBe(true);
      expect(isAllowed(policy, methodArn('POST', '/v1/reports'))).toBe(true);
      expect(isAllowed(policy, methodArn('GET', '/v1/reports/r-42'))).toBe(true);
      expect(isAllowed(policy, methodArn('GET', '/v1/market/quotes/eu'))).toBe(true);
      expect(isAllowed(policy, methodArn('DELETE', '/v1/reports/r-42'))).toBe(false);
      expect(isAllowed(policy, methodArn('GET', '/admin/tenants'))).toBe(false);
      expect(isAllowed(policy, methodArn('GET', '/admin/tenants/'))).toBe(false);
      expect(isAllowed(policy, methodArn('GET', '/admin/tenants/acme'))).toBe(false);
      expect(isAllowed(policy, methodArn('PUT', '/admin/tenants/acme/limits'))).toBe(false);
      expect(isAllowed(policy, methodArn('GET', '/admin/audit'))).toBe(false);
      expect(isAllowed(policy, methodArn('PUT', '/admin/tiers/free'))).toBe(false);
      expect(isAllowed(policy, methodArn('GET', '/health/deep'))).toBe(false);
    }
  });

  it('a platform-admin: everything allowed, no Deny statement', () => {
    for (const first of firstCalls) {
      const policy = buildAllowPolicy(first, ['platform-admin']);
      expect(policy.Statement).toHaveLength(1);
      expect(isAllowed(policy, methodArn('GET', '/v1/reports'))).toBe(true);
      expect(isAllowed(policy, methodArn('GET', '/admin/tenants'))).toBe(true);
      expect(isAllowed(policy, methodArn('POST', '/admin/tenants/acme/bypass'))).toBe(true);
      expect(isAllowed(policy, methodArn('PUT', '/admin/tiers/free'))).toBe(true);
    }
  });

  it('covers the whole stage, never just the called method', () => {
    const policy = buildAllowPolicy(methodArn('GET', '/v1/reports'), ['user']);
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: `arn:aws:execute-api:eu-west-1:123456789012:${API_ID}/${STAGE}/*/*`,
    });
    // Another API or stage is not covered.
    expect(isAllowed(policy, methodArn('GET', '/v1/reports').replace(`/${STAGE}/`, '/prod/'))).toBe(false);
    expect(isAllowed(policy, methodArn('GET', '/v1/reports').replace(API_ID, 'zzzzzzzzzz'))).toBe(false);
  });

  const roleSets: Role[][] = [
    ['user'],
    ['tenant-admin'],
    ['platform-admin'],
    ['service'],
    ['user', 'tenant-admin'],
    [],
  ];
  for (const roles of roleSets) {
    it(`matches the route table for every route and method, roles [${roles.join(',')}]`, () => {
      const policy = buildAllowPolicy(methodArn('GET', '/v1/me'), roles);
      let checked = 0;
      for (const route of ROUTES.filter((r) => r.auth)) {
        const expected = route.roles.some((r) => roles.includes(r));
        const methods = route.method === 'ANY' ? CONCRETE_METHODS : [route.method];
        const path = samplePath(route.path);
        for (const m of methods) {
          for (const p of [path, `${path}/`]) {
            // `${path}/` may be another route (e.g. `/admin/tenants/` vs `{tenantId}`); only check when it is not.
            const owner = ROUTES.find(
              (r) =>
                r !== route &&
                r.auth &&
                (r.method === m || r.method === 'ANY') &&
                arnMatches(samplePattern(r.path), p),
            );
            if (p !== path && owner) continue;
            expect({ route: `${m} ${p}`, allowed: isAllowed(policy, methodArn(m, p)) }).toEqual({
              route: `${m} ${p}`,
              allowed: expected,
            });
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(ROUTES.length);
    });
  }

  it('forbiddenRoutes ignores public routes and honours any-one-role', () => {
    expect(forbiddenRoutes(['platform-admin'])).toEqual([]);
    expect(forbiddenRoutes([]).some((r) => !r.auth)).toBe(false);
    expect(forbiddenRoutes(['tenant-admin']).map((r) => `${r.method} ${r.path}`)).toContain(
      'PATCH /admin/tenants/{tenantId}',
    );
    expect(forbiddenRoutes(['tenant-admin', 'platform-admin'])).toEqual([]);
    expect(ROLES).toContain('service');
  });

  it('Deny policy covers the whole stage', () => {
    const deny = buildDenyPolicy(methodArn('GET', '/v1/reports'));
    for (const [m, p] of [
      ['GET', '/v1/reports'],
      ['GET', '/admin/tenants'],
      ['POST', '/v1/market/a/b'],
    ] as const) {
      expect(isAllowed(deny, methodArn(m, p))).toBe(false);
    }
    expect(deny.Statement[0]).toMatchObject({
      Effect: 'Deny',
      Resource: expect.stringMatching(/\/dev\/\*\/\*$/),
    });
  });
});

function samplePattern(template: string): string {
  return `*${template.replace(/\{[^}]+\}/g, '*')}`;
}
