import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Authorizer,
  type AuthorizerResult,
  createAuthorizer,
} from '../../../lambdas/authorizer/authorizer';
import { createFetchJwksCache } from '../../../lambdas/authorizer/jwks';
import { DENY_REASONS, DependencyError, UNAUTHORIZED_REASONS } from '../../../lambdas/authorizer/reasons';
import { setDocumentClient } from '../../../lambdas/shared/aws/dynamodb';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import { tenantContextFromEvent } from '../../../lambdas/shared/tenant-context';
import { invalidateTenantCache } from '../../../lambdas/shared/tenants/repository';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../helpers/dynalite';
import { authorizerEvent, isAllowed, methodArn } from '../../unit/authorizer/support';
import { AUDIENCE, b64url, makeKey, NS, startIssuer, type TestIssuer } from './issuer';
import { recorder } from './recorder';
import { seedTenants } from './tenants';

let iss: TestIssuer;
let db: LocalDynamo;
const rec = recorder();

function newAuthorizer(over: Partial<Parameters<typeof createAuthorizer>[0]> = {}): Authorizer {
  return createAuthorizer({
    issuer: iss.issuer,
    audience: AUDIENCE,
    claimsNamespace: NS,
    clockToleranceSec: 30,
    tenantCacheTtlSec: 5,
    jwksCache: createFetchJwksCache({ timeoutMs: 1000 }),
    logger: rec.logger,
    metrics: rec.metrics,
    ...over,
  });
}

type Outcome = { status: 200 | 401 | 403 | 500; result?: AuthorizerResult; error?: unknown };

async function call(auth: Authorizer, event: APIGatewayRequestAuthorizerEvent): Promise<Outcome> {
  try {
    const result = await auth(event);
    const denied = result.policyDocument.Statement.every((s) => s.Effect === 'Deny');
    return { status: denied ? 403 : 200, result };
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return { status: 401, error };
    return { status: 500, error };
  }
}

const bearer = (t: string) => authorizerEvent({ authorization: `Bearer ${t}` });
const lastReason = () => rec.logs.at(-1)?.extra.reason;

beforeAll(async () => {
  iss = await startIssuer();
  db = await startDynalite('authz');
  useLocalDynamoEnv(db);
  setDocumentClient(undefined);
  await seedTenants(db);
});
afterAll(async () => {
  setDocumentClient(undefined);
  await iss.close();
  await db.stop();
});
beforeEach(() => {
  rec.clear();
  invalidateTenantCache();
});

describe('valid tokens → Allow with tenant context', () => {
  it('a user of acme: context exactly AuthorizerContext, usageIdentifierKey = tenant API key value', async () => {
    const auth = newAuthorizer();
    const token = await iss.mint({ sub: 'alice' });
    const out = await call(auth, bearer(token));
    expect(out.status).toBe(200);
    expect(out.result?.principalId).toBe('alice');
    expect(out.result?.usageIdentifierKey).toBe('key-value-acme-0123456789abcdef');
    expect(out.result?.context).toEqual({
      tenantId: 'acme',
      userId: 'alice',
      roles: 'user',
      permissions: 'read:reports',
      tier: 'standard',
      vertical: 'retail',
      principalType: 'user',
      userType: 'user',
      apiKeyId: 'key-id-acme',
    });
    for (const v of Object.values(out.result?.context ?? {})) expect(typeof v).toBe('string');
    // What integrations read back (round trip through tenant-context.ts).
    const ctx = tenantContextFromEvent({ requestContext: { authorizer: out.result?.context } } as never);
    expect(ctx).toMatchObject({ tenantId: 'acme', roles: ['user'], tier: 'standard', principalType: 'user' });
    expect(rec.logs.at(-1)).toMatchObject({
      level: 'INFO',
      message: 'authorized',
      extra: { tenantId: 'acme' },
    });
    expect(rec.emitted).toEqual([]);
  });

  it("a user's cached policy allows GET /v1/reports and denies /admin/*; a platform-admin's allows both", async () => {
    const auth = newAuthorizer();
    const userToken = await iss.mint({ sub: 'alice' });
    const adminToken = await iss.mint({
      sub: 'ops',
      [`${NS}tenant_id`]: 'marketedge',
      [`${NS}roles`]: ['platform-admin'],
    });
    // First call hits /v1/reports; API Gateway caches the result per token and reuses it for every route.
    const user = await auth(
      authorizerEvent({ authorization: `Bearer ${userToken}`, resource: '/v1/reports' }),
    );
    const admin = await auth(
      authorizerEvent({ authorization: `Bearer ${adminToken}`, method: 'GET', resource: '/admin/audit' }),
    );
    const arns = {
      reports: methodArn('GET', '/v1/reports'),
      tenants: methodArn('GET', '/admin/tenants'),
      limits: methodArn('PUT', '/admin/tenants/acme/limits'),
      bypass: methodArn('POST', '/admin/tenants/acme/bypass'),
    };
    expect(isAllowed(user.policyDocument, arns.reports)).toBe(true);
    expect(isAllowed(user.policyDocument, arns.tenants)).toBe(false);
    expect(isAllowed(user.policyDocument, arns.limits)).toBe(false);
    expect(isAllowed(user.policyDocument, arns.bypass)).toBe(false);
    for (const arn of Object.values(arns)) expect(isAllowed(admin.policyDocument, arn)).toBe(true);
    expect(admin.context?.tenantId).toBe('marketedge');
  });

  it('a tenant-admin may manage its limits but not create bypasses or tenants', async () => {
    const auth = newAuthorizer();
    const t = await iss.mint({
      sub: 'admin',
      [`${NS}tenant_id`]: 'globex',
      [`${NS}roles`]: ['tenant-admin'],
    });
    const r = await auth(
      authorizerEvent({ authorization: `Bearer ${t}`, method: 'GET', resource: '/v1/me' }),
    );
    expect(isAllowed(r.policyDocument, methodArn('PUT', '/admin/tenants/globex/limits'))).toBe(true);
    expect(isAllowed(r.policyDocument, methodArn('DELETE', '/v1/reports/r-1'))).toBe(true);
    expect(isAllowed(r.policyDocument, methodArn('POST', '/admin/tenants/globex/bypass'))).toBe(false);
    expect(isAllowed(r.policyDocument, methodArn('POST', '/admin/tenants'))).toBe(false);
    expect(r.context).toMatchObject({ tier: 'premium', vertical: 'hospitality', roles: 'tenant-admin' });
  });

  it('accepts aud as a string, an exp within the clock tolerance, and a token of a rotated-in key (one refetch)', async () => {
    const auth = newAuthorizer();
    const now = Math.floor(Date.now() / 1000);
    expect((await call(auth, bearer(await iss.mint({ aud: AUDIENCE })))).status).toBe(200);
    expect((await call(auth, bearer(await iss.mint({ exp: now - 10 })))).status).toBe(200);
    expect((await call(auth, bearer(await iss.mint({ nbf: now + 10 })))).status).toBe(200);
    const hits = iss.jwksHits();
    const rotated = await makeKey('test-key-2');
    iss.publish(rotated);
    expect((await call(auth, bearer(await iss.mint({}, { key: rotated })))).status).toBe(200);
    expect(iss.jwksHits()).toBe(hits + 1);
  });

  it('caches the JWKS across invocations (one fetch for many tokens)', async () => {
    const auth = newAuthorizer();
    const before = iss.jwksHits();
    for (let i = 0; i < 5; i++) {
      expect((await call(auth, bearer(await iss.mint({ sub: `user-${i}` })))).status).toBe(200);
    }
    expect(iss.jwksHits()).toBe(before + 1);
  });

  it('M2M (client-credentials) token → service principal of its tenant, role service', async () => {
    const auth = newAuthorizer();
    const t = await iss.mint({
      sub: 'reportsync123@clients',
      gty: 'client-credentials',
      azp: 'reportsync123',
      scope: 'read:reports write:reports',
      permissions: undefined,
      [`${NS}tenant_id`]: 'umbrella',
      [`${NS}roles`]: ['platform-admin'],
    });
    const out = await call(auth, bearer(t));
    expect(out.status).toBe(200);
    expect(out.result?.context).toEqual({
      tenantId: 'umbrella',
      userId: 'reportsync123@clients',
      roles: 'service',
      permissions: 'read:reports write:reports',
      tier: 'enterprise',
      vertical: 'retail',
      principalType: 'service',
      userType: 'service',
      apiKeyId: 'key-id-umbrella',
    });
    const policy = out.result?.policyDocument;
    expect(policy && isAllowed(policy, methodArn('POST', '/v1/reports'))).toBe(true);
    expect(policy && isAllowed(policy, methodArn('GET', '/v1/market/quotes'))).toBe(true);
    expect(policy && isAllowed(policy, methodArn('GET', '/admin/tenants'))).toBe(false);
    expect(policy && isAllowed(policy, methodArn('DELETE', '/v1/reports/r-1'))).toBe(false);
  });
});

describe('valid tokens without rights → Deny (403), logged and counted', () => {
  it.each([
    ['suspended tenant', { [`${NS}tenant_id`]: 'hooli' }, 'tenant_suspended'],
    ['unknown tenant', { [`${NS}tenant_id`]: 'nosuchtenant' }, 'tenant_unknown'],
    ['no known role', { [`${NS}roles`]: ['billing'] }, 'no_roles'],
    ['no roles claim', { [`${NS}roles`]: undefined }, 'no_roles'],
  ])('%s', async (_n, claims, reason) => {
    const auth = newAuthorizer();
    const out = await call(auth, bearer(await iss.mint(claims)));
    expect(out.status).toBe(403);
    expect(out.result?.usageIdentifierKey).toBeUndefined();
    expect(out.result?.context).toBeUndefined();
    const deny = out.result?.policyDocument;
    expect(deny && isAllowed(deny, methodArn('GET', '/v1/reports'))).toBe(false);
    expect(deny && isAllowed(deny, methodArn('GET', '/health/deep'))).toBe(false);
    expect(lastReason()).toBe(reason);
    expect(rec.emitted).toEqual([
      expect.objectContaining({ name: 'AuthFailure', value: 1, dimensions: { reason } }),
    ]);
  });

  it('a misconfigured tenant item (no API key value) is denied and logged at ERROR', async () => {
    const auth = newAuthorizer({
      getTenant: async () => ({
        tenantId: 'acme',
        name: 'ACME',
        tier: 'standard',
        vertical: 'retail',
        status: 'active',
        apiKeyId: 'k',
        apiKeyValue: '',
        version: 1,
        createdAt: '',
        updatedAt: '',
      }),
    });
    const out = await call(auth, bearer(await iss.mint()));
    expect(out.status).toBe(403);
    expect(rec.logs.at(-1)).toMatchObject({ level: 'ERROR', extra: { reason: 'tenant_misconfigured' } });
  });
});

describe('hostile tokens: every one → 401/403, none → 500, reason logged, token never logged', () => {
  type Row = [
    name: string,
    make: () => Promise<APIGatewayRequestAuthorizerEvent>,
    status: 401 | 403,
    reason: string,
  ];
  const now = () => Math.floor(Date.now() / 1000);
  const header = (h: object) => b64url(JSON.stringify(h));
  const validParts = async () => (await iss.mint()).split('.') as [string, string, string];

  const rows: Row[] = [
    [
      'alg none (with a signature part)',
      async () => {
        const [, p] = await validParts();
        return bearer(`${header({ alg: 'none', typ: 'JWT', kid: 'test-key-1' })}.${p}.AAAA`);
      },
      401,
      'alg_not_allowed',
    ],
    [
      'alg none (empty signature)',
      async () => {
        const [, p] = await validParts();
        return bearer(`${header({ alg: 'none', typ: 'JWT' })}.${p}.`);
      },
      401,
      'token_malformed',
    ],
    [
      'HS256 signed with the public key as HMAC secret',
      async () => {
        const [, p] = await validParts();
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        const t = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'test-key-1' })
          .sign(new TextEncoder().encode(iss.key.spki));
        return bearer(t);
      },
      401,
      'alg_not_allowed',
    ],
    [
      'ES256 token (key published in the JWKS)',
      async () => {
        const ec = await makeKey('ec-key', 'ES256');
        iss.publish(ec);
        return bearer(await iss.mint({}, { key: ec, alg: 'ES256' }));
      },
      401,
      'alg_not_allowed',
    ],
    [
      'RS256 header pointing at an EC key',
      async () => {
        const [, p, s] = await validParts();
        return bearer(`${header({ alg: 'RS256', typ: 'JWT', kid: 'ec-key' })}.${p}.${s}`);
      },
      401,
      'alg_not_allowed',
    ],
    ['unknown kid', async () => bearer(await iss.mint({}, { kid: 'no-such-kid' })), 401, 'kid_unknown'],
    [
      'no kid',
      async () => {
        const [, p, s] = await validParts();
        return bearer(`${header({ alg: 'RS256', typ: 'JWT' })}.${p}.${s}`);
      },
      401,
      'kid_unknown',
    ],
    [
      'key not in JWKS (signed by another key, known kid)',
      async () => bearer(await iss.mint({}, { key: await makeKey('test-key-1') })),
      401,
      'signature_invalid',
    ],
    [
      'payload tampered (tenant swapped, signature kept)',
      async () => {
        const [h, p, s] = await validParts();
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        claims[`${NS}tenant_id`] = 'globex';
        claims[`${NS}roles`] = ['platform-admin'];
        return bearer(`${h}.${b64url(JSON.stringify(claims))}.${s}`);
      },
      401,
      'signature_invalid',
    ],
    [
      'expired',
      async () => bearer(await iss.mint({ exp: now() - 3600, iat: now() - 7200 })),
      401,
      'token_expired',
    ],
    ['not yet valid', async () => bearer(await iss.mint({ nbf: now() + 3600 })), 401, 'token_not_yet_valid'],
    [
      'iat in the future beyond the clock tolerance',
      async () => bearer(await iss.mint({ iat: now() + 120, exp: now() + 3600 })),
      401,
      'token_issued_in_future',
    ],
    [
      'lifetime above the stage maximum (exp − iat > 24 h)',
      async () => bearer(await iss.mint({ iat: now() - 60, exp: now() + 86_400 })),
      401,
      'token_lifetime_exceeded',
    ],
    ['no iat', async () => bearer(await iss.mint({ iat: undefined })), 401, 'claims_invalid'],
    [
      'wrong iss (no trailing slash)',
      async () => bearer(await iss.mint({ iss: iss.issuer.replace(/\/$/, '') })),
      401,
      'issuer_invalid',
    ],
    [
      'wrong iss (other tenant, with trailing slash)',
      async () => bearer(await iss.mint({ iss: 'https://evil.eu.auth0.com/' })),
      401,
      'issuer_invalid',
    ],
    [
      'wrong aud (string)',
      async () => bearer(await iss.mint({ aud: 'https://other-api' })),
      401,
      'audience_invalid',
    ],
    ['wrong aud (array)', async () => bearer(await iss.mint({ aud: ['a', 'b'] })), 401, 'audience_invalid'],
    [
      'missing tenant claim',
      async () => bearer(await iss.mint({ [`${NS}tenant_id`]: undefined })),
      401,
      'tenant_claim_missing',
    ],
    [
      'tenant claim a number',
      async () => bearer(await iss.mint({ [`${NS}tenant_id`]: 42 })),
      401,
      'claims_invalid',
    ],
    [
      'tenant claim an object',
      async () => bearer(await iss.mint({ [`${NS}tenant_id`]: { S: 'acme' } })),
      401,
      'claims_invalid',
    ],
    [
      'injection characters in tenant id',
      async () => bearer(await iss.mint({ [`${NS}tenant_id`]: "acme' OR '1'='1" })),
      401,
      'claims_invalid',
    ],
    [
      'hash-tag / key-injection characters in tenant id',
      async () => bearer(await iss.mint({ [`${NS}tenant_id`]: 'acme}:rl:{globex' })),
      401,
      'claims_invalid',
    ],
    [
      'roles not an array',
      async () => bearer(await iss.mint({ [`${NS}roles`]: 'platform-admin' })),
      401,
      'claims_invalid',
    ],
    ['no exp', async () => bearer(await iss.mint({ exp: undefined })), 401, 'claims_invalid'],
    [
      'user sub posing as client-credentials',
      async () => bearer(await iss.mint({ gty: 'client-credentials' })),
      401,
      'claims_invalid',
    ],
    [
      'truncated signature',
      async () => {
        const t = await iss.mint();
        return bearer(t.slice(0, t.length - 20));
      },
      401,
      'signature_invalid',
    ],
    [
      'truncated payload',
      async () => {
        const [h, p, s] = await validParts();
        return bearer(`${h}.${p.slice(0, Math.floor(p.length / 2))}.${s}`);
      },
      401,
      'token_malformed',
    ],
    [
      'oversized token',
      async () => bearer(await iss.mint({ padding: 'x'.repeat(9000) })),
      401,
      'token_oversized',
    ],
    [
      'non-JSON payload',
      async () => {
        const [h, , s] = await validParts();
        return bearer(`${h}.${b64url('not json at all')}.${s}`);
      },
      401,
      'token_malformed',
    ],
    [
      'JSON array payload',
      async () => {
        const [h, , s] = await validParts();
        return bearer(`${h}.${b64url('["acme"]')}.${s}`);
      },
      401,
      'token_malformed',
    ],
    [
      'non-JSON header',
      async () => {
        const [, p, s] = await validParts();
        return bearer(`${b64url('{alg:RS256')}.${p}.${s}`);
      },
      401,
      'token_malformed',
    ],
    [
      'exp of the wrong type',
      async () => bearer(await iss.mint({ exp: 'tomorrow' as never })),
      401,
      'token_malformed',
    ],
    [
      'duplicated Authorization headers',
      async () => {
        const t = await iss.mint();
        return authorizerEvent({
          authorization: [`Bearer ${t}`, `Bearer ${await iss.mint({ sub: 'mallory' })}`],
        });
      },
      401,
      'header_duplicate',
    ],
    [
      'missing scheme',
      async () => authorizerEvent({ authorization: await iss.mint() }),
      401,
      'scheme_invalid',
    ],
    [
      'Basic scheme',
      async () => authorizerEvent({ authorization: 'Basic b3BzOmh1bnRlcjI=' }),
      401,
      'scheme_invalid',
    ],
    ['no Authorization header', async () => authorizerEvent({}), 401, 'token_missing'],
    ['garbage', async () => bearer('%00%0d%0a<script>'), 401, 'token_malformed'],
    [
      'suspended tenant',
      async () => bearer(await iss.mint({ [`${NS}tenant_id`]: 'hooli' })),
      403,
      'tenant_suspended',
    ],
  ];

  it.each(rows.map(([n, make, status, reason]) => [n, status, reason, make] as const))(
    '%s → %i %s',
    async (_name, status, reason, make) => {
      const auth = newAuthorizer();
      const event = await make();
      const out = await call(auth, event);
      expect({ status: out.status, reason: lastReason() }).toEqual({ status, reason });
      expect([...UNAUTHORIZED_REASONS, ...DENY_REASONS]).toContain(reason);
      expect(rec.emitted.map((m) => [m.name, m.dimensions.reason])).toEqual([['AuthFailure', reason]]);
      // Never the token, nor its signature, nor the payload in logs/metrics.
      const auth0 = [event.headers?.Authorization, ...(event.multiValueHeaders?.Authorization ?? [])].filter(
        Boolean,
      );
      for (const h of auth0) {
        const token = String(h).replace(/^\S+\s+/, '');
        for (const part of token.split('.').filter((x) => x.length > 8))
          expect(rec.dump()).not.toContain(part);
      }
    },
  );

  it('every outcome is a security event of the one schema: allow, 401 with reason, 403', async () => {
    const auth = newAuthorizer();
    const events: unknown[] = [];
    const take = () => events.push(rec.logs.at(-1)?.extra.security_event);
    await call(auth, bearer(await iss.mint()));
    take();
    await call(auth, bearer(await iss.mint({ iat: now() + 600, exp: now() + 3600 })));
    take();
    await call(auth, bearer(await iss.mint({ [`${NS}tenant_id`]: 'hooli' })));
    take();
    const parsed = events.map((e) => securityEventSchema.parse(e));
    expect(parsed.map((e) => [e.type, e.outcome, e.reason])).toEqual([
      ['AuthAllowed', 'allowed', 'authorized'],
      ['AuthFailed', 'unauthorized', 'token_issued_in_future'],
      ['AuthDenied', 'forbidden', 'tenant_suspended'],
    ]);
    for (const e of parsed) {
      expect(e.sourceIp).not.toBe('');
      expect(e.requestId).not.toBe('-');
      // The event's `User-Agent` header (mixed case, as API Gateway passes it), found case-insensitively.
      expect(e.userAgent).toBe('vitest');
    }
    expect(parsed[2]?.tenantId).toBe('hooli');
  });

  it('penalty box: a second unknown kid right after the first does not refetch the JWKS', async () => {
    const auth = newAuthorizer();
    expect((await call(auth, bearer(await iss.mint()))).status).toBe(200);
    const hits = iss.jwksHits();
    expect((await call(auth, bearer(await iss.mint({}, { kid: 'unknown-1' })))).status).toBe(401);
    expect(lastReason()).toBe('kid_unknown');
    expect(iss.jwksHits()).toBe(hits + 1);
    expect((await call(auth, bearer(await iss.mint({}, { kid: 'unknown-2' })))).status).toBe(401);
    expect(lastReason()).toBe('jwks_penalty_box');
    expect(iss.jwksHits()).toBe(hits + 1);
    // Known keys keep working from the cache meanwhile.
    expect((await call(auth, bearer(await iss.mint()))).status).toBe(200);
  });
});

describe('dependency failures are 500s (not cached, not the client’s fault) and logged', () => {
  it('JWKS endpoint down → DependencyError', async () => {
    const auth = newAuthorizer();
    iss.failJwks(true);
    try {
      const out = await call(auth, bearer(await iss.mint()));
      expect(out.status).toBe(500);
      expect(out.error).toBeInstanceOf(DependencyError);
      expect(rec.logs.at(-1)).toMatchObject({ level: 'ERROR', extra: { dependency: 'jwks' } });
      expect(rec.emitted).toEqual([]);
    } finally {
      iss.failJwks(false);
    }
  });

  it('JWKS endpoint unreachable (connection refused, explicit jwksUri) → DependencyError', async () => {
    const closed = await startIssuer();
    await closed.close();
    const auth = newAuthorizer({ jwksUri: closed.jwksUri });
    const out = await call(auth, bearer(await iss.mint()));
    expect(out.status).toBe(500);
    expect((out.error as DependencyError).dependency).toBe('jwks');
    expect(String(rec.logs.at(-1)?.extra.error)).toMatch(/Failed to fetch .*jwks\.json/);
  });

  it('tenants table unreachable → DependencyError', async () => {
    const auth = newAuthorizer({
      getTenant: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    const out = await call(auth, bearer(await iss.mint()));
    expect(out.status).toBe(500);
    expect((out.error as DependencyError).dependency).toBe('tenants');
  });

  it('the tenant lookup is cached for the configured TTL (one GetItem for repeated calls)', async () => {
    let lookups = 0;
    const { getTenant } = await import('../../../lambdas/shared/tenants/repository');
    const auth = newAuthorizer({
      tenantCacheTtlSec: 60,
      getTenant: (id, ttlMs) => {
        lookups++;
        expect(ttlMs).toBe(60_000);
        return getTenant(id, ttlMs);
      },
    });
    for (let i = 0; i < 3; i++) expect((await call(auth, bearer(await iss.mint()))).status).toBe(200);
    expect(lookups).toBe(3);
    // The repository answered from its cache: a tenant deleted meanwhile is still served until the TTL ends.
    const { DeleteItemCommand } = await import('@aws-sdk/client-dynamodb');
    await db.client.send(
      new DeleteItemCommand({ TableName: db.tables.tenants, Key: { tenantId: { S: 'acme' } } }),
    );
    expect((await call(auth, bearer(await iss.mint()))).status).toBe(200);
    invalidateTenantCache('acme');
    expect((await call(auth, bearer(await iss.mint()))).status).toBe(403);
    await seedTenants(db);
  });
});
