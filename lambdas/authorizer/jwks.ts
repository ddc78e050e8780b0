import { FetchError } from 'aws-jwt-verify/error';
import { type PenaltyBox, SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';

/** Options of {@link createFetchJwksCache}. */
export interface FetchJwksCacheOptions {
  /** Whole-request timeout of one JWKS fetch, ms (default 3000). */
  timeoutMs?: number;
  /** Seconds a JWKS URI stays in the penalty box after a fetch that did not contain the wanted `kid` (default 10). */
  penaltySeconds?: number;
  /** Penalty box to use instead of a `SimplePenaltyBox` (tests). */
  penaltyBox?: PenaltyBox;
}

/**
 * A JWKS cache (aws-jwt-verify `SimpleJwksCache`: cached per JWKS URI for the life of the container, refetched once
 * when a token's `kid` is not in it, then the URI sits in the penalty box) whose fetcher is the platform `fetch`
 * (undici), so it can load a JWKS over **plain http** — the local OIDC issuer of `npm start` and the tests.
 * aws-jwt-verify's default fetcher speaks HTTPS only; production (Auth0, https) keeps the default and its timeouts.
 * Network errors, timeouts and non-2xx answers reject with aws-jwt-verify's `FetchError` (the verifier then fails with a fetch error → authorizer 500, not cached).
 * @throws nothing at construction
 */
export function createFetchJwksCache(opts: FetchJwksCacheOptions = {}): SimpleJwksCache {
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new SimpleJwksCache({
    penaltyBox: opts.penaltyBox ?? new SimplePenaltyBox({ waitSeconds: opts.penaltySeconds ?? 10 }),
    fetcher: {
      async fetch(uri: string): Promise<ArrayBuffer> {
        let res: Response;
        try {
          res = await fetch(uri, {
            signal: AbortSignal.timeout(timeoutMs),
            headers: { accept: 'application/json' },
          });
        } catch (err) {
          throw new FetchError(uri, err instanceof Error ? err.message : String(err));
        }
        if (!res.ok) throw new FetchError(uri, `HTTP ${res.status}`);
        return res.arrayBuffer();
      },
    },
  });
}
