/**
 * One canary run, independent of where it runs: CloudWatch Synthetics (`canary/index.ts`) and `npm run canary`
 * against the local stack (`local/canary/cli.ts`) call {@link runCanary} with their own credential source. A run
 * exchanges the client credentials for a token (client-credentials grant; cached until a minute before it expires),
 * then calls each check of `CANARY_CHECKS` in order. Tokens and secrets never reach a log line or the result.
 */
import {
  CANARY_CHECKS,
  CANARY_REQUEST_TIMEOUT_MS,
  type CanaryCheck,
  type CanaryCredentials,
  canaryCredentialsSchema,
} from '../lib/config/canary';

/** The outcome of one check. */
export interface CheckResult {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** HTTP status, or 0 when no response came (network error, timeout). */
  readonly status: number;
  /** Time to the full response, ms. */
  readonly ms: number;
  readonly ok: boolean;
  /** Why it failed: expected status, problem `title`, or the network error (never a body beyond 200 characters). */
  readonly error?: string;
}

/** The outcome of one run. */
export interface CanaryRun {
  /** Every check succeeded (the token included). */
  readonly ok: boolean;
  /** Time spent getting a token, ms (0 when the cached one was used; null when it failed). */
  readonly tokenMs: number | null;
  /** Why the token could not be had, if so. */
  readonly tokenError?: string;
  readonly checks: readonly CheckResult[];
  /** Whole run, ms. */
  readonly ms: number;
}

/** A cached token: the value and when to stop using it (epoch ms). */
export interface TokenCache {
  token?: string;
  refreshAt?: number;
}

/** What a run needs. */
export interface CanaryOptions {
  /** Base URL of the API stage, no trailing slash (e.g. `https://<id>.execute-api.<region>.amazonaws.com/prod`). */
  readonly apiUrl: string;
  /** The issuer's token endpoint (`tokenEndpoint(issuer)`). */
  readonly tokenUrl: string;
  /** API identifier requested as the token's `aud`. */
  readonly audience: string;
  /** The client credentials (Secrets Manager in AWS, the local client file locally); read only when a token is due. */
  readonly credentials: () => Promise<unknown>;
  /** Checks to run (default `CANARY_CHECKS`). */
  readonly checks?: readonly CanaryCheck[];
  /** Token cache kept across runs (a warm Synthetics container keeps it). */
  readonly cache?: TokenCache;
  /** Request timeout, ms (default `CANARY_REQUEST_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  /** `fetch` (tests pass a stub). */
  readonly fetch?: typeof fetch;
  /** Clock, epoch ms (tests). */
  readonly now?: () => number;
}

/** Seconds before a token's expiry at which the run fetches a new one. */
export const TOKEN_REFRESH_MARGIN_SEC = 60;

/** Thrown by the Synthetics entry when a run failed: the message names each failed step (no tokens, no secrets). */
export class CanaryFailure extends Error {
  override name = 'CanaryFailure';
}

/**
 * Runs every check once. Never throws for a failing API (see `ok`); an authenticated check is marked failed, not
 * sent, when no token could be had.
 */
export async function runCanary(opts: CanaryOptions): Promise<CanaryRun> {
  const f = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? CANARY_REQUEST_TIMEOUT_MS;
  const checks = opts.checks ?? CANARY_CHECKS;
  const t0 = performance.now();
  let tokenMs: number | null = 0;
  let tokenError: string | undefined;
  let token: string | undefined;
  if (checks.some((c) => c.auth)) {
    const cache = opts.cache ?? {};
    if (cache.token && (cache.refreshAt ?? 0) > now()) token = cache.token;
    else {
      const tt = performance.now();
      try {
        const got = await fetchToken(f, opts, timeoutMs);
        token = got.token;
        cache.token = got.token;
        cache.refreshAt = now() + Math.max(0, got.expiresInSec - TOKEN_REFRESH_MARGIN_SEC) * 1000;
        tokenMs = elapsed(tt);
      } catch (e) {
        cache.token = undefined;
        tokenMs = null;
        tokenError = messageOf(e);
      }
    }
  }
  const results: CheckResult[] = [];
  for (const c of checks) {
    const base = { name: c.name, method: c.method, path: c.path };
    if (c.auth && !token) {
      results.push({ ...base, status: 0, ms: 0, ok: false, error: `no token: ${tokenError ?? 'unknown'}` });
      continue;
    }
    const tc = performance.now();
    try {
      const res = await f(`${opts.apiUrl}${c.path}`, {
        method: c.method,
        headers: { accept: 'application/json', ...(c.auth ? { authorization: `Bearer ${token}` } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await res.text();
      const ok = res.status === c.expectStatus;
      results.push({
        ...base,
        status: res.status,
        ms: elapsed(tc),
        ok,
        ...(ok ? {} : { error: `expected ${c.expectStatus}, got ${res.status}: ${problemTitle(body)}` }),
      });
      // A token the API refuses is not used again (it may have been revoked or rotated).
      if (c.auth && (res.status === 401 || res.status === 403) && opts.cache) opts.cache.token = undefined;
    } catch (e) {
      results.push({ ...base, status: 0, ms: elapsed(tc), ok: false, error: messageOf(e) });
    }
  }
  return {
    ok: tokenError === undefined && results.every((r) => r.ok),
    tokenMs,
    ...(tokenError === undefined ? {} : { tokenError }),
    checks: results,
    ms: elapsed(t0),
  };
}

/** The checks as `GET /health, GET /v1/me (token)` (logs). */
export function canaryCheckRoutes(checks: readonly CanaryCheck[]): string {
  return checks.map((c) => `${c.method} ${c.path}${c.auth ? ' (token)' : ''}`).join(', ');
}

/** One line naming each failed step of a run (for the canary's failure reason). */
export function failureSummary(run: CanaryRun): string {
  const parts = run.checks.filter((c) => !c.ok).map((c) => `${c.method} ${c.path}: ${c.error ?? c.status}`);
  if (run.tokenError) parts.unshift(`token: ${run.tokenError}`);
  return parts.join('; ');
}

async function fetchToken(
  f: typeof fetch,
  opts: CanaryOptions,
  timeoutMs: number,
): Promise<{ token: string; expiresInSec: number }> {
  const parsed = canaryCredentialsSchema.safeParse(await opts.credentials());
  if (!parsed.success) {
    throw new Error(
      `credentials invalid: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
    );
  }
  const creds: CanaryCredentials = parsed.data;
  const res = await f(opts.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      audience: opts.audience,
    }).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${oauthError(text)}`);
  const body = safeJson(text) as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new Error('token endpoint answered 200 without an access_token');
  }
  const expiresInSec = typeof body.expires_in === 'number' ? body.expires_in : TOKEN_REFRESH_MARGIN_SEC;
  return { token: body.access_token, expiresInSec };
}

function elapsed(t: number): number {
  return Math.round((performance.now() - t) * 10) / 10;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `error` (+ `error_description`) of an OAuth error body, else its first 200 characters. */
function oauthError(text: string): string {
  const b = safeJson(text) as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof b?.error === 'string')
    return typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error;
  return text.slice(0, 200);
}

/** The `title` (+ `detail`) of a problem body, else its first 200 characters. */
function problemTitle(text: string): string {
  const b = safeJson(text) as { title?: unknown; detail?: unknown } | undefined;
  if (typeof b?.title === 'string')
    return typeof b.detail === 'string' ? `${b.title} (${b.detail})` : b.title;
  return text.slice(0, 200);
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.name === 'TimeoutError' ? 'timed out' : e.message;
  return String(e);
}
