/**
 * Security headers of the web console: the one source for CloudFront's response-headers policy (CDK) and the local
 * stack's `/console/` responses.
 */

/** Options of {@link consoleContentSecurityPolicy}. */
export interface ConsoleCspOptions {
  /** Origins the console may call besides its own (API, OIDC authority), e.g. `https://api.dev.marketedge.io`. */
  readonly connectSrc: readonly string[];
}

/**
 * The Content-Security-Policy: scripts and styles only from the console's own origin (no `unsafe-inline`, no
 * `unsafe-eval`), API and issuer calls to the listed origins, images also from `data:` and `https:` (tenant logos),
 * no plugins, no framing (`frame-ancestors 'none'`).
 */
export function consoleContentSecurityPolicy(opts: ConsoleCspOptions): string {
  const connect = ["'self'", ...new Set(opts.connectSrc)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** HSTS max-age, seconds (two years, the preload list's minimum is one). */
export const CONSOLE_HSTS_MAX_AGE_SEC = 63_072_000;

/**
 * All security headers of a console response (lower-case names).
 * @param opts.hsts whether to send `Strict-Transport-Security` (HTTPS only; off locally on http://)
 */
export function consoleSecurityHeaders(
  opts: ConsoleCspOptions & { readonly hsts: boolean },
): Record<string, string> {
  const h: Record<string, string> = {
    'content-security-policy': consoleContentSecurityPolicy(opts),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
  if (opts.hsts)
    h['strict-transport-security'] = `max-age=${CONSOLE_HSTS_MAX_AGE_SEC}; includeSubDomains; preload`;
  return h;
}
