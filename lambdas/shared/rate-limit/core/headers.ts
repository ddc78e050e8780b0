import type { Decision, RuleOutcome } from './decision';

/**
 * Quotes a policy name as a Structured Field String (RFC 9651 §3.3.3): `"` and `\` escaped.
 */
function sfString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The outcome the single-limit `X-RateLimit-*` headers describe: when denied, the violated rule with the longest
 * wait; otherwise the enforced rule with the fewest requests left (ties: the later reset).
 */
export function mostRestrictive(d: Decision): RuleOutcome | undefined {
  const enforced = d.outcomes.filter((o) => o.enforced);
  if (enforced.length === 0) return undefined;
  const denied = enforced.filter((o) => !o.allowed);
  if (denied.length > 0) return denied.reduce((a, b) => (b.retryAfterSec > a.retryAfterSec ? b : a));
  return enforced.reduce((a, b) =>
    b.remaining < a.remaining || (b.remaining === a.remaining && b.resetSec > a.resetSec) ? b : a,
  );
}

/**
 * Rate-limit response headers for a decision:
 * - `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (delta seconds) for the most restrictive rule;
 * - `RateLimit-Policy` (`"<id>";q=<limit>;w=<window s>`, one item per enforced rule) and `RateLimit`
 *   (`"<id>";r=<remaining>;t=<reset s>`, one item per enforced rule), per draft-ietf-httpapi-ratelimit-headers-09;
 * - `Retry-After` (RFC 9110 §10.2.3, delta seconds, rounded up) on 429/503.
 * Shadow rules are never advertised. A decision with no enforced rules yields no `RateLimit` fields.
 */
export function rateLimitHeaders(d: Decision): Record<string, string> {
  const h: Record<string, string> = {};
  const enforced = d.outcomes.filter((o) => o.enforced);
  const top = mostRestrictive(d);
  if (top) {
    h['X-RateLimit-Limit'] = String(top.limit);
    h['X-RateLimit-Remaining'] = String(top.remaining);
    h['X-RateLimit-Reset'] = String(top.resetSec);
    h['RateLimit-Policy'] = enforced
      .map((o) => `${sfString(o.rule.id)};q=${o.limit};w=${o.windowSec}`)
      .join(', ');
    h.RateLimit = enforced.map((o) => `${sfString(o.rule.id)};r=${o.remaining};t=${o.resetSec}`).join(', ');
  }
  if (d.status !== 'allowed') h['Retry-After'] = String(Math.max(1, d.retryAfterSec));
  return h;
}
