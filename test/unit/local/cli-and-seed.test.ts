import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { TIERS } from '../../../lib/config/tiers';
import { localConfig } from '../../../local/config';
import { loadOrCreateDevKey } from '../../../local/dev-key';
import { discoveryDocument, jwksDocument, localIssuer, signAccessToken } from '../../../local/oidc';
import { describeRedis, redactUrl } from '../../../local/redis';
import { loadSeed, toTenantItem } from '../../../local/seed';
import { defaultRoles, parseTokenArgs } from '../../../local/token';

const dir = mkdtempSync(join(tmpdir(), 'local-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seed fixture', () => {
  const seed = loadSeed();

  it('has the demo tenants: all four tiers, ≥ 3 verticals, hooli suspended, each with an API key', () => {
    const ids = seed.tenants.map((t) => t.tenantId);
    expect(ids).toEqual(['marketedge', 'acme', 'globex', 'initech', 'umbrella', 'hooli']);
    expect(new Set(seed.tenants.map((t) => t.tier))).toEqual(new Set(TIERS));
    expect(new Set(seed.tenants.map((t) => t.vertical)).size).toBeGreaterThanOrEqual(3);
    expect(seed.tenants.filter((t) => t.status === 'suspended').map((t) => t.tenantId)).toEqual(['hooli']);
    for (const t of seed.tenants) {
      expect(t.apiKeyId).toBe(`local-key-${t.tenantId}`);
      expect(t.users.map((u) => u.userId)).toEqual(expect.arrayContaining(['admin', 'alice', 'bob']));
    }
    expect(seed.tenants.find((t) => t.tenantId === 'marketedge')?.users[0]).toEqual({
      userId: 'ops',
      roles: ['platform-admin'],
    });
  });

  it('turns into tenants-table items without the demo users', () => {
    const item = toTenantItem(seed.tenants[1]!, seed.createdAt);
    expect(item).toMatchObject({ tenantId: 'acme', version: 1, createdAt: seed.createdAt });
    expect('users' in item).toBe(false);
  });

  it('rejects an invalid fixture with field paths', () => {
    const bad = JSON.parse(
      readFileSync(new URL('../../../local/fixtures/seed.json', import.meta.url), 'utf8'),
    );
    bad.tenants[0].tier = 'platinum';
    bad.tenants[1].apiKeyValue = 'short';
    const file = join(dir, 'bad-seed.json');
    writeFileSync(file, JSON.stringify(bad));
    expect(() => loadSeed(file)).toThrow(/tenants\.0\.tier.*tenants\.1\.apiKeyValue/);
  });
});

describe('token CLI arguments', () => {
  const aud = 'https://api.marketedge.io';

  it('requires --tenant and --user; rejects unknown options and bad --expires-in', () => {
    expect(() => parseTokenArgs(['--user', 'a'], aud)).toThrow('--tenant');
    expect(() => parseTokenArgs(['--tenant', 'acme'], aud)).toThrow('--user');
    expect(() => parseTokenArgs(['--tenant', 'acme', '--user', 'a', '--nope'], aud)).toThrow();
    expect(() => parseTokenArgs(['--tenant', 'acme', '--user', 'a', '--expires-in', '1.5'], aud)).toThrow(
      '--expires-in',
    );
  });

  it('defaults roles from the fixture; parses lists, scope, audience, m2m', () => {
    expect(parseTokenArgs(['--tenant', 'marketedge', '--user', 'ops'], aud).roles).toEqual([
      'platform-admin',
    ]);
    expect(defaultRoles('acme', 'admin')).toEqual(['tenant-admin']);
    expect(defaultRoles('acme', 'someone-else')).toEqual(['user']);
    expect(
      parseTokenArgs(
        [
          '--tenant',
          'acme',
          '--user',
          'svc',
          '--roles',
          'user,tenant-admin',
          '--permissions',
          'read:reports,write:reports',
          '--scope',
          'openid profile',
          '--expires-in',
          '60',
          '--audience',
          'https://other',
        ],
        aud,
      ),
    ).toEqual({
      tenantId: 'acme',
      userId: 'svc',
      roles: ['user', 'tenant-admin'],
      permissions: ['read:reports', 'write:reports'],
      scope: 'openid profile',
      expiresInSec: 60,
      audience: 'https://other',
      m2m: false,
    });
    expect(parseTokenArgs(['--tenant', 'acme', '--user', 'client1', '--m2m'], aud)).toMatchObject({
      roles: [],
      m2m: true,
      audience: aud,
    });
  });
});

describe('dev key and tokens', () => {
  it('persists one key (0600) and reuses it; tokens carry its kid and Auth0-shaped claims', async () => {
    const a = await loadOrCreateDevKey(dir);
    const b = await loadOrCreateDevKey(dir);
    expect(a.kid).toBe(b.kid);
    const { statSync } = await import('node:fs');
    expect(statSync(join(dir, 'dev-signing-key.json')).mode & 0o777).toBe(0o600);
    expect(jwksDocument(a).keys[0]).toMatchObject({ kid: a.kid, alg: 'RS256', use: 'sig', kty: 'RSA' });
    expect(jwksDocument(a).keys[0]).not.toHaveProperty('d');
    const issuer = localIssuer(3000);
    expect(issuer).toBe('http://localhost:3000/');
    expect(discoveryDocument(issuer).jwks_uri).toBe('http://localhost:3000/.well-known/jwks.json');
    const m2m = await signAccessToken(
      a,
      issuer,
      'https://marketedge.io/',
      {
        tenantId: 'acme',
        userId: 'client1',
        roles: [],
        permissions: ['read:reports'],
        audience: 'aud',
        m2m: true,
      },
      1_000,
    );
    expect(decodeProtectedHeader(m2m)).toMatchObject({ alg: 'RS256', kid: a.kid });
    expect(decodeJwt(m2m)).toEqual({
      iss: issuer,
      sub: 'client1@clients',
      aud: 'aud',
      iat: 1_000,
      exp: 4_600,
      azp: 'client1',
      gty: 'client-credentials',
      permissions: ['read:reports'],
      'https://marketedge.io/tenant_id': 'acme',
    });
  });

  it('refuses a key file that is not a private RSA JWK', async () => {
    const other = join(dir, 'broken');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(other);
    writeFileSync(join(other, 'dev-signing-key.json'), '{"kty":"oct","k":"abc"}');
    await expect(loadOrCreateDevKey(other)).rejects.toThrow('not a private RSA JWK');
  });
});

describe('local config and Redis choice', () => {
  it('reads PORT/HOST/STAGE with defaults and validation', () => {
    expect(localConfig({})).toMatchObject({ port: 3000, host: '127.0.0.1', stage: 'dev' });
    expect(localConfig({ PORT: '0', STAGE: 'prod' })).toMatchObject({ port: 0, stage: 'prod' });
    expect(() => localConfig({ PORT: '70000' })).toThrow('PORT');
    expect(() => localConfig({ STAGE: 'qa' })).toThrow('STAGE');
  });

  it('describes the store and never prints a Redis password', () => {
    expect(redactUrl('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(
      describeRedis({ kind: 'url', url: 'rediss://:pw@h:1', source: 'REDIS_URL', cluster: false }),
    ).not.toContain('pw');
    expect(
      describeRedis({ kind: 'url', url: 'rediss://:pw@h:1', source: 'REDIS_URL', cluster: true }),
    ).toMatch(/^Redis Cluster via seed (?!.*pw)/);
    expect(describeRedis({ kind: 'memory', reason: 'LOCAL_REDIS=memory' })).toContain(
      'in-memory limiter store',
    );
  });
});
