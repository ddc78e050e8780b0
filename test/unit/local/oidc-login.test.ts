import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../../local/console-wiring';
import { type DevKey, loadOrCreateDevKey } from '../../../local/dev-key';
import { discoveryDocument, jwksDocument } from '../../../local/oidc';
import { LocalLoginServer } from '../../../local/oidc-login';
import { loadSeed } from '../../../local/seed';

const dir = mkdtempSync(join(tmpdir(), 'oidc-login-'));
const issuer = 'http://localhost:3999/';
const redirect = 'http://localhost:3999/console/callback';
const ns = 'https://marketedge.io/';
let key: DevKey;
let clock = Date.parse('2026-01-15T10:00:00Z');

beforeAll(async () => {
  key = await loadOrCreateDevKey(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function server(): LocalLoginServer {
  return new LocalLoginServer({
    issuer,
    audience: 'https://api.marketedge.io',
    claimsNamespace: ns,
    key,
    users: demoUsers(loadSeed()),
    clientIds: ['console'],
    machineClients: [{ clientId: 'canary', clientSecret: 's3cret-canary', tenantId: 'marketedge' }],
    redirectPrefixes: ['http://localhost:3999/console/'],
    codeTtlSec: 60,
    now: () => clock,
  });
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeParams(challenge: string, o: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    response_type: 'code',
    client_id: 'console',
    redirect_uri: redirect,
    scope: 'openid profile offline_access',
    state: 'st4te',
    nonce: 'n0nce',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    audience: 'https://api.marketedge.io',
    ...o,
  });
}

function codeFrom(location: string | undefined): string {
  const u = new URL(location ?? '');
  expect(u.searchParams.get('state')).toBe('st4te');
  return u.searchParams.get('code') ?? '';
}

function tokenForm(code: string, verifier: string, o: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: 'console',
    code,
    code_verifier: verifier,
    redirect_uri: redirect,
    ...o,
  });
}

describe('local issuer: authorization code + PKCE', () => {
  it('discovery names the authorize, token and logout endpoints and S256', () => {
    const d = discoveryDocument(issuer);
    expect(d).toMatchObject({
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}oauth/token`,
      end_session_endpoint: `${issuer}oidc/logout`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('the login page lists every demo user with tenant and roles, as labelled buttons', () => {
    const { challenge } = pkce();
    const page = server().authorizePage(authorizeParams(challenge));
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('aria-label="Sign in as alice at acme"');
    expect(page.body).toContain('aria-label="Sign in as ops at marketedge"');
    expect(page.body).toContain('platform-admin');
  });

  it('issues a single-use code; the token exchange checks the verifier and yields verifiable tokens', async () => {
    const s = server();
    const { verifier, challenge } = pkce();
    const form = authorizeParams(challenge);
    form.set('login', 'acme/admin');
    const code = codeFrom(s.authorizeSubmit(form).headers.location);
    const wrong = await s.token(tokenForm(code, pkce().verifier));
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body).error).toBe('invalid_grant');
    // The failed attempt consumed the code.
    expect((await s.token(tokenForm(code, verifier))).status).toBe(400);

    const form2 = authorizeParams(challenge);
    form2.set('login', 'acme/admin');
    const code2 = codeFrom(s.authorizeSubmit(form2).headers.location);
    const ok = await s.token(tokenForm(code2, verifier));
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(ok.body);
    const jwks = createLocalJWKSet(jwksDocument(key) as never);
    const access = await jwtVerify(body.access_token, jwks, {
      issuer,
      audience: 'https://api.marketedge.io',
      currentDate: new Date(clock),
    });
    expect(access.payload[`${ns}tenant_id`]).toBe('acme');
    expect(access.payload[`${ns}roles`]).toEqual(['tenant-admin']);
    expect(access.payload.sub).toBe('admin');
    const id = await jwtVerify(body.id_token, jwks, {
      issuer,
      audience: 'console',
      currentDate: new Date(clock),
    });
    expect(id.payload.nonce).toBe('n0nce');
    expect(typeof body.refresh_token).toBe('string');
    // Single use.
    expect((await s.token(tokenForm(code2, verifier))).status).toBe(400);
  });

  it('codes expire, and are bound to the redirect URI and client', async () => {
    const s = server();
    const { verifier, challenge } = pkce();
    const issue = () => {
      const f = authorizeParams(challenge);
      f.set('login', 'acme/alice');
      return codeFrom(s.authorizeSubmit(f).headers.location);
    };
    const c1 = issue();
    clock += 61_000;
    expect((await s.token(tokenForm(c1, verifier))).status).toBe(400);
    const c2 = issue();
    const other = await s.token(
      tokenForm(c2, verifier, { redirect_uri: 'http://localhost:3999/console/other' }),
    );
    expect(other.status).toBe(400);
    const c3 = issue();
    expect((await s.token(tokenForm(c3, verifier, { client_id: 'nope' }))).status).toBe(401);
  });

  it('refresh tokens rotate: the old one stops working', async () => {
    const s = server();
    const { verifier, challenge } = pkce();
    const f = authorizeParams(challenge);
    f.set('login', 'globex/bob');
    const code = codeFrom(s.authorizeSubmit(f).headers.location);
    const first = JSON.parse((await s.token(tokenForm(code, verifier))).body);
    const refresh = (t: string) =>
      s.token(new URLSearchParams({ grant_type: 'refresh_token', client_id: 'console', refresh_token: t }));
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect((await refresh(first.refresh_token)).status).toBe(400);
    expect(
      (await s.token(new URLSearchParams({ grant_type: 'password', client_id: 'console' }))).status,
    ).toBe(400);
  });

  it('rejects unregistered redirect URIs without redirecting, and requests without PKCE with a redirect', () => {
    const s = server();
    const { challenge } = pkce();
    const evil = s.authorizePage(authorizeParams(challenge, { redirect_uri: 'https://evil.example/cb' }));
    expect(evil.status).toBe(400);
    expect(evil.headers.location).toBeUndefined();
    const noPkce = s.authorizePage(authorizeParams('', { code_challenge_method: 'plain' }));
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.headers.location ?? '').searchParams.get('error')).toBe('invalid_request');
    const unknownUser = authorizeParams(challenge);
    unknownUser.set('login', 'acme/mallory');
    expect(s.authorizeSubmit(unknownUser).status).toBe(400);
  });

  it('logout redirects only to a registered URI', () => {
    const s = server();
    expect(
      s.logout(new URLSearchParams({ post_logout_redirect_uri: 'http://localhost:3999/console/' })).headers
        .location,
    ).toBe('http://localhost:3999/console/');
    const other = s.logout(new URLSearchParams({ post_logout_redirect_uri: 'https://evil.example/' }));
    expect(other.status).toBe(200);
    expect(other.body).toContain('Signed out');
  });

  it('"another user" signs any tenant/user/roles, for a session of the chosen lifetime, and rejects bad fields', async () => {
    const s = server();
    const { verifier, challenge } = pkce();
    const loginPage = s.authorizePage(authorizeParams(challenge)).body;
    expect(loginPage).toContain('name="tenant_id"');
    // Browsers compile a `pattern` attribute with the `v` flag, anchored; an invalid one is ignored (no check at all).
    const pattern = /name="tenant_id"[^>]*pattern="([^"]+)"/.exec(loginPage)?.[1];
    expect(pattern).toBeDefined();
    const inBrowser = new RegExp(`^(?:${pattern})$`, 'v');
    expect(inBrowser.test('e2e-reta-w0-1234abcd')).toBe(true);
    expect(inBrowser.test('Bad Tenant!')).toBe(false);
    const form = authorizeParams(challenge);
    form.set('login', 'other');
    form.set('tenant_id', 'e2e-reta-w0-1234abcd');
    form.set('user_id', 'user-9f');
    form.append('roles', 'tenant-admin');
    form.append('roles', 'user');
    form.set('token_ttl', '30');
    const code = codeFrom(s.authorizeSubmit(form).headers.location);
    const ok = await s.token(tokenForm(code, verifier));
    expect(ok.body).toContain('access_token');
    const body = JSON.parse(ok.body);
    expect(body.expires_in).toBe(30);
    const jwks = createLocalJWKSet(jwksDocument(key) as never);
    const access = await jwtVerify(body.access_token, jwks, { issuer, currentDate: new Date(clock) });
    expect(access.payload[`${ns}tenant_id`]).toBe('e2e-reta-w0-1234abcd');
    expect(access.payload[`${ns}roles`]).toEqual(['tenant-admin', 'user']);
    expect(access.payload.sub).toBe('user-9f');
    expect(Number(access.payload.exp) - Number(access.payload.iat)).toBe(30);
    // A session with a chosen lifetime ends: no refresh token.
    expect(body.refresh_token).toBeUndefined();

    const bad = (field: string, value: string | string[]) => {
      const f = authorizeParams(challenge);
      f.set('login', 'other');
      f.set('tenant_id', 'acme');
      f.set('user_id', 'x');
      f.set('roles', 'user');
      f.delete(field);
      for (const v of [value].flat()) f.append(field, v);
      return s.authorizeSubmit(f);
    };
    expect(bad('tenant_id', 'Not A Tenant').body).toContain('tenant_id');
    expect(bad('user_id', '').body).toContain('user_id');
    expect(bad('roles', 'root').body).toContain('roles');
    expect(bad('roles', []).status).toBe(400);
    expect(bad('token_ttl', '1').body).toContain('token_ttl');
    expect(bad('token_ttl', '99999').status).toBe(400);
  });
});

describe('client-credentials grant (machine clients: the canary)', () => {
  const grant = (o: Record<string, string>) =>
    server().token(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'canary',
        client_secret: 's3cret-canary',
        audience: 'https://api.marketedge.io',
        ...o,
      }),
    );

  it('issues a client-credentials token of the client tenant (sub <id>@clients, gty, no roles, no refresh token)', async () => {
    const reply = await grant({});
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toBeUndefined();
    const jwks = createLocalJWKSet(jwksDocument(key) as never);
    const { payload } = await jwtVerify(String(body.access_token), jwks, {
      issuer,
      audience: 'https://api.marketedge.io',
      currentDate: new Date(clock),
    });
    expect(payload).toMatchObject({
      sub: 'canary@clients',
      gty: 'client-credentials',
      [`${ns}tenant_id`]: 'marketedge',
    });
    expect(payload[`${ns}roles`]).toBeUndefined();
  });

  it('refuses a wrong secret, an unknown client and a missing secret with 401 invalid_client', async () => {
    for (const o of [
      { client_secret: 's3cret-canarx' },
      { client_id: 'console' },
      { client_secret: '' },
    ] as Record<string, string>[]) {
      const reply = await grant(o);
      expect(reply.status, JSON.stringify(o)).toBe(401);
      expect(JSON.parse(reply.body).error).toBe('invalid_client');
    }
  });

  it('refuses another audience with 403 access_denied', async () => {
    const reply = await grant({ audience: 'https://other.example' });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error).toBe('access_denied');
  });
});
