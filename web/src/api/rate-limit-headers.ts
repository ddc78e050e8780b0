import { parseList } from 'structured-headers';

/** One rule as the API advertises it in `RateLimit-Policy` + `RateLimit` (draft-ietf-httpapi-ratelimit-headers). */
export interface AdvertisedLimit {
  /** Rule id, e.g. `tenant-rate`. */
  ruleId: string;
  /** Quota units (requests) per window. */
  limit: number;
  /** Window, seconds. */
  windowSec: number;
  /** Requests left in the window; `undefined` when the `RateLimit` field did not list this rule. */
  remaining?: number;
  /** Seconds until the window resets (or the bucket refills). */
  resetSec?: number;
}

function numberParam(params: Map<string, unknown>, key: string): number | undefined {
  const v = params.get(key);
  return typeof v === 'number' ? v : undefined;
}

function items(field: string | null): [string, Map<string, unknown>][] {
  if (!field) return [];
  try {
    return parseList(field).flatMap(([value, params]) =>
      typeof value === 'string'
        ? [[value, params as Map<string, unknown>] as [string, Map<string, unknown>]]
        : [],
    );
  } catch {
    return [];
  }
}

/**
 * Reads the `RateLimit-Policy` (`"<id>";q=<limit>;w=<window s>`) and `RateLimit` (`"<id>";r=<remaining>;t=<reset s>`)
 * fields of a response. Malformed fields yield an empty list (never throws).
 */
export function parseRateLimitHeaders(headers: Headers): AdvertisedLimit[] {
  const state = new Map(items(headers.get('RateLimit')));
  return items(headers.get('RateLimit-Policy')).flatMap(([ruleId, params]) => {
    const limit = numberParam(params, 'q');
    const windowSec = numberParam(params, 'w');
    if (limit === undefined || windowSec === undefined) return [];
    const s = state.get(ruleId);
    return [
      {
        ruleId,
        limit,
        windowSec,
        remaining: s ? numberParam(s, 'r') : undefined,
        resetSec: s ? numberParam(s, 't') : undefined,
      },
    ];
  });
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date, RFC 9110 §10.2.3); `undefined` when absent/invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
