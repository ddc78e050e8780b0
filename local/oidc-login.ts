import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { TENANT_ID_HTML_PATTERN, TENANT_ID_PATTERN } from '../lib/config/data-model';
import { isRole, ROLES } from '../lib/config/roles';
import type { DevKey } from './dev-key';
import { signAccessToken } from './oidc';

/** Authorization endpoint: the demo login page (GET) and its form post (POST). */
export const AUTHORIZE_PATH = '/authorize';
/** Token endpoint (authorization_code + PKCE, refresh_token), Auth0's path. */
export const TOKEN_PATH = '/oauth/token';
/** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), Auth0's OIDC path. */
export const LOGOUT_PATH = '/oidc/logout';

/** A demo user the login page offers (from `local/fixtures/seed.json`). */
export interface DemoUser {
  tenantId: string;
  tenantName: string;
  vertical: string;
  tier: string;
  status: string;
  userId: string;
  roles: string[];
}

/** What the local authorization server needs. */
export interface LoginServerOptions {
  /** Issuer URL, with trailing `/` (`iss` of every token). */
  issuer: string;
  /** API identifier: the access token's `aud`. */
  audience: string;
  /** Custom-claim prefix, e.g. `https://marketedge.io/`. */
  claimsNamespace: string;
  key: DevKey;
  users: readonly DemoUser[];
  /** Registered client ids (public clients, PKCE required). */
  clientIds: readonly string[];
  /**
   * Confidential machine-to-machine clients (client-credentials grant, Auth0's M2M applications): each gets
   * `client-credentials` tokens of its tenant (`sub` = `<clientId>@clients`, no roles: the authorizer makes it a
   * `service` principal).
   */
  machineClients?: readonly MachineClient[];
  /** A `redirect_uri` / `post_logout_redirect_uri` must start with one of these (e.g. `http://localhost:3000/console/`). */
  redirectPrefixes: readonly string[];
  /** Authorization code lifetime, seconds (default 60). */
  codeTtlSec?: number;
  /** Access and ID token lifetime, seconds (default 3600). */
  accessTokenTtlSec?: number;
  /** Refresh token lifetime, seconds (default 8 h). */
  refreshTokenTtlSec?: number;
  /** Clock, epoch ms (tests). */
  now?: () => number;
}

/** A machine-to-machine client of the local issuer. */
export interface MachineClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The tenant its tokens are for (`<namespace>tenant_id`). */
  readonly tenantId: string;
}

/** A reply of the authorization server: status, headers and body. */
export interface LoginReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Grant {
  user: DemoUser;
  clientId: string;
  scope: string;
  expiresAt: number;
  /**
   * Session lifetime chosen on the login page ("another user" form), seconds: the access and ID tokens live that
   * long and no refresh token is issued, so the session really ends (how tests reach an expired session).
   */
  tokenTtlSec?: number;
}

/** Bounds of the token lifetime the "another user" form may ask for, seconds. */
export const OTHER_USER_TTL_SEC = { min: 5, max: 3600 } as const;

interface PendingCode extends Grant {
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
}

/** Parameters of an authorization request (OAuth 2.0 §4.1.1, PKCE RFC 7636 §4.3). */
const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'audience',
  'response_mode',
] as const;

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * The local stand-in for Auth0's Universal Login: an OAuth 2.0 authorization server for public clients with PKCE
 * (S256 only), issuing the same RS256 access tokens as `npm run token` plus an OpenID Connect ID token and a rotating
 * refresh token. Authorization codes are single-use and expire after `codeTtlSec`; a code is bound to its client,
 * redirect URI and PKCE challenge. Everything is held in memory: restarting the stack signs everyone out.
 */
export class LocalLoginServer {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly now: () => number;

  constructor(private readonly opts: LoginServerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * `GET /authorize`: validates the request, then answers the login page listing the demo users (each a form button
   * that posts the same parameters back). An invalid `client_id`/`redirect_uri` is shown as a 400 page (never
   * redirected to); other errors redirect to the client with `error` (RFC 6749 §4.1.2.1).
   */
  authorizePage(query: URLSearchParams): LoginReply {
    const checked = this.checkAuthorizeRequest(query);
    if ('reply' in checked) return checked.reply;
    return html(200, loginPage(this.opts.users, checked.params));
  }

  /**
   * `POST /authorize` (form: the authorization parameters plus `login=<tenantId>/<userId>` for a demo user, or
   * `login=other` with `tenant_id`, `user_id`, `roles` (repeated) and optional `token_ttl` seconds for any other
   * user — users live in Auth0 in AWS; locally, like `npm run token`, any tenant/user can be signed for, and the
   * authorizer still denies unknown or suspended tenants): issues a code.
   */
  authorizeSubmit(form: URLSearchParams): LoginReply {
    const checked = this.checkAuthorizeRequest(form);
    if ('reply' in checked) return checked.reply;
    const { params } = checked;
    let user: DemoUser | undefined;
    let tokenTtlSec: number | undefined;
    if (form.get('login') === 'other') {
      const other = otherUser(form);
      if ('error' in other) return html(400, errorPage(other.error));
      ({ user, tokenTtlSec } = other);
    } else {
      const [tenantId, userId] = (form.get('login') ?? '').split('/');
      user = this.opts.users.find((u) => u.tenantId === tenantId && u.userId === userId);
    }
    if (!user) return html(400, errorPage('Unknown demo user.'));
    this.sweep();
    const code = randomToken();
    this.codes.set(code, {
      tokenTtlSec,
      user,
      clientId: params.client_id,
      scope: params.scope,
      redirectUri: params.redirect_uri,
      codeChallenge: params.code_challenge,
      nonce: params.nonce || undefined,
      expiresAt: this.now() + (this.opts.codeTtlSec ?? 60) * 1000,
    });
    return redirect(withParams(params.redirect_uri, { code, state: params.state }));
  }

  /**
   * `POST /oauth/token` (form-encoded, RFC 6749 §4.1.3 and §6): `authorization_code` with `code_verifier` (the code is
   * deleted on first use, whatever the outcome), or `refresh_token` (rotated: the old one stops working).
   * @returns 200 `{ access_token, id_token, refresh_token, token_type, expires_in, scope }` or 400 `{ error }`
   */
  async token(form: URLSearchParams): Promise<LoginReply> {
    const grantType = form.get('grant_type');
    const clientId = form.get('client_id') ?? '';
    if (grantType === 'client_credentials') return this.clientCredentials(form);
    if (!this.opts.clientIds.includes(clientId))
      return oauthError(401, 'invalid_client', 'unknown client_id');
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = this.codes.get(code);
      this.codes.delete(code);
      if (!pending || pending.expiresAt <= this.now()) {
        return oauthError(400, 'invalid_grant', 'code is unknown, used or expired');
      }
      if (pending.clientId !== clientId)
        return oauthError(400, 'invalid_grant', 'code was issued to another client');
      if (pending.redirectUri !== form.get('redirect_uri')) {
        return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
      }
      const verifier = form.get('code_verifier') ?? '';
      if (!PKCE_VERIFIER.test(verifier) || s256(verifier) !== pending.codeChallenge) {
        return oauthError(400, 'invalid_grant', 'code_verifier does not match code_challenge');
      }
      return this.issue(pending, pending.nonce);
    }
    if (grantType === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(token);
      this.refreshTokens.delete(token);
      if (!grant || grant.expiresAt <= this.now() || grant.clientId !== clientId) {
        return oauthError(400, 'invalid_grant', 'refresh_token is unknown, used or expired');
      }
      return this.issue(grant);
    }
    return oauthError(
      400,
      'unsupported_grant_type',
      'use authorization_code, refresh_token or client_credentials',
    );
  }

  /**
   * `grant_type=client_credentials` (RFC 6749 §4.4, Auth0's form: `client_id`, `client_secret`, `audience`): a
   * registered machine client with its secret gets an access token of its tenant (no ID token, no refresh token).
   * @returns 200 `{ access_token, token_type, expires_in }`, 401 `invalid_client`, 403 `access_denied` (audience)
   */
  private async clientCredentials(form: URLSearchParams): Promise<LoginReply> {
    const clientId = form.get('client_id') ?? '';
    const secret = Buffer.from(form.get('client_secret') ?? '');
    const client = this.opts.machineClients?.find((c) => c.clientId === clientId);
    const expected = Buffer.from(client?.clientSecret ?? '');
    if (!client || secret.length !== expected.length || !timingSafeEqual(secret, expected)) {
      return oauthError(401, 'invalid_client', 'unknown client_id or wrong client_secret');
    }
    const audience = form.get('audience') ?? this.opts.audience;
    if (audience !== this.opts.audience) {
      return oauthError(403, 'access_denied', `the client is not authorized for audience ${audience}`);
    }
    const ttl = this.opts.accessTokenTtlSec ?? 3600;
    const accessToken = await signAccessToken(
      this.opts.key,
      this.opts.issuer,
      this.opts.claimsNamespace,
      {
        tenantId: client.tenantId,
        userId: client.clientId,
        roles: [],
        permissions: [],
        audience,
        expiresInSec: ttl,
        m2m: true,
      },
      Math.floor(this.now() / 1000),
    );
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: ttl }),
    };
  }

  /**
   * `GET /oidc/logout`: redirects to `post_logout_redirect_uri` (with `state`) when it is a registered prefix,
   * else answers a "signed out" page. Tokens are in the client's memory only; nothing to clear here.
   */
  logout(query: URLSearchParams): LoginReply {
    const target = query.get('post_logout_redirect_uri');
    if (target && this.isAllowedRedirect(target)) {
      const state = query.get('state');
      return redirect(state ? withParams(target, { state }) : target);
    }
    return html(200, page('Signed out', '<h1>Signed out</h1><p>You are signed out of the local issuer.</p>'));
  }

  private async issue(grant: Omit<Grant, 'expiresAt'>, nonce?: string): Promise<LoginReply> {
    const { user, clientId, scope } = grant;
    const nowSec = Math.floor(this.now() / 1000);
    const ttl = grant.tokenTtlSec ?? this.opts.accessTokenTtlSec ?? 3600;
    const ns = this.opts.claimsNamespace;
    const accessToken = await signAccessToken(
      this.opts.key,
      this.opts.issuer,
      ns,
      {
        tenantId: user.tenantId,
        userId: user.userId,
        roles: user.roles,
        permissions: [],
        scope,
        audience: this.opts.audience,
        expiresInSec: ttl,
      },
      nowSec,
    );
    const idClaims: Record<string, unknown> = {
      name: `${user.userId} (${user.tenantName})`,
      nickname: user.userId,
      [`${ns}tenant_id`]: user.tenantId,
      [`${ns}roles`]: user.roles,
    };
    if (nonce) idClaims.nonce = nonce;
    const idToken = await new SignJWT(idClaims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.opts.key.kid })
      .setIssuer(this.opts.issuer)
      .setSubject(user.userId)
      .setAudience(clientId)
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + ttl)
      .sign(this.opts.key.privateKey);
    const body: Record<string, unknown> = {
      access_token: accessToken,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: ttl,
      scope,
    };
    if (scope.split(' ').includes('offline_access') && grant.tokenTtlSec === undefined) {
      const refresh = randomToken();
      this.refreshTokens.set(refresh, {
        user,
        clientId,
        scope,
        expiresAt: this.now() + (this.opts.refreshTokenTtlSec ?? 8 * 3600) * 1000,
      });
      body.refresh_token = refresh;
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
      body: JSON.stringify(body),
    };
  }

  private checkAuthorizeRequest(
    q: URLSearchParams,
  ): { params: Record<(typeof AUTHORIZE_PARAMS)[number], string> } | { reply: LoginReply } {
    const params = Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, q.get(k) ?? ''])) as Record<
      (typeof AUTHORIZE_PARAMS)[number],
      string
    >;
    if (!this.opts.clientIds.includes(params.client_id)) {
      return { reply: html(400, errorPage('Unknown client_id.')) };
    }
    if (!this.isAllowedRedirect(params.redirect_uri)) {
      return { reply: html(400, errorPage('redirect_uri is not registered for this client.')) };
    }
    const fail = (error: string, description: string) => ({
      reply: redirect(
        withParams(params.redirect_uri, { error, error_description: description, state: params.state }),
      ),
    });
    if (params.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code');
    if (!PKCE_CHALLENGE.test(params.code_challenge) || params.code_challenge_method !== 'S256') {
      return fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    }
    if (params.audience && params.audience !== this.opts.audience) {
      return fail('invalid_request', `unknown audience (this issuer serves ${this.opts.audience})`);
    }
    if (!params.scope.split(' ').includes('openid')) params.scope = `openid ${params.scope}`.trim();
    return { params };
  }

  private isAllowedRedirect(uri: string): boolean {
    return this.opts.redirectPrefixes.some((p) => uri.startsWith(p)) && !uri.includes('#');
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.expiresAt <= now) this.refreshTokens.delete(k);
  }
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function withParams(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  return url.toString();
}

function redirect(location: string): LoginReply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

function oauthError(status: number, error: string, description: string): LoginReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ error, error_description: description }),
  };
}

function html(status: number, body: string): LoginReply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    },
    body,
  };
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function page(title: string, main: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1c1e21}
main{max-width:56rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d4da}
button{font:inherit;padding:.3rem .8rem;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;border-radius:4px;cursor:pointer}
button:focus-visible{outline:3px solid #b45309;outline-offset:2px}p.note{color:#3f4650}
</style></head><body><main>${main}</main></body></html>`;
}

function errorPage(message: string): string {
  return page('Sign-in error', `<h1>Sign-in error</h1><p role="alert">${esc(message)}</p>`);
}

function loginPage(users: readonly DemoUser[], params: Record<string, string>): string {
  const hidden = Object.entries(params)
    .filter(([, v]) => v)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const rows = users
    .map((u) => {
      const label = `Sign in as ${u.userId} at ${u.tenantId}`;
      return `<tr><td>${esc(u.tenantName)} <small>(${esc(u.tenantId)}, ${esc(u.tier)}, ${esc(u.vertical)}${
        u.status === 'active' ? '' : `, ${esc(u.status)}`
      })</small></td><td>${esc(u.userId)}</td><td>${esc(u.roles.join(', '))}</td><td><form method="post" action="${AUTHORIZE_PATH}">${hidden}<input type="hidden" name="login" value="${esc(`${u.tenantId}/${u.userId}`)}"><button type="submit" aria-label="${esc(label)}">Sign in</button></form></td></tr>`;
    })
    .join('');
  return page(
    'Sign in — MarketEdge local issuer',
    `<h1>Sign in to MarketEdge</h1><p class="note">Local issuer (stands in for Auth0). Pick a demo user from <code>local/fixtures/seed.json</code>; no password is needed.</p>
<table><caption class="note">Demo users</caption><thead><tr><th scope="col">Tenant</th><th scope="col">User</th><th scope="col">Roles</th><th scope="col"><span style="position:absolute;left:-9999px">Action</span></th></tr></thead><tbody>${rows}</tbody></table>
<h2>Another user</h2><form method="post" action="${AUTHORIZE_PATH}">${hidden}<input type="hidden" name="login" value="other">
<p><label>Tenant id <input name="tenant_id" required pattern="${TENANT_ID_HTML_PATTERN}"></label> <label>User id <input name="user_id" required maxlength="128"></label></p>
<fieldset><legend>Roles</legend>${ROLES.filter((r) => r !== 'service')
      .map((r) => `<label><input type="checkbox" name="roles" value="${r}"> ${r}</label> `)
      .join('')}</fieldset>
<p><label>Session lifetime (s, no refresh) <input name="token_ttl" type="number" min="${OTHER_USER_TTL_SEC.min}" max="${OTHER_USER_TTL_SEC.max}"></label></p>
<button type="submit">Sign in as this user</button></form>`,
  );
}

/** The user of the "another user" form, or what is wrong with it. */
function otherUser(form: URLSearchParams): { user: DemoUser; tokenTtlSec?: number } | { error: string } {
  const tenantId = form.get('tenant_id') ?? '';
  const userId = form.get('user_id') ?? '';
  const roles = form.getAll('roles');
  if (!TENANT_ID_PATTERN.test(tenantId)) return { error: 'tenant_id: not a tenant id.' };
  if (!/^[\w.@|-]{1,128}$/.test(userId)) return { error: 'user_id: 1–128 letters, digits, . _ @ | -.' };
  if (roles.length === 0 || !roles.every(isRole))
    return { error: `roles: one or more of ${ROLES.join(', ')}.` };
  const rawTtl = form.get('token_ttl');
  const ttl = rawTtl ? Number(rawTtl) : undefined;
  if (
    ttl !== undefined &&
    !(Number.isInteger(ttl) && ttl >= OTHER_USER_TTL_SEC.min && ttl <= OTHER_USER_TTL_SEC.max)
  ) {
    return { error: `token_ttl: an integer ${OTHER_USER_TTL_SEC.min}–${OTHER_USER_TTL_SEC.max} (seconds).` };
  }
  const user = { tenantId, tenantName: tenantId, vertical: '', tier: '', status: 'active', userId, roles };
  return { user, tokenTtlSec: ttl };
}
