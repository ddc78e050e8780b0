import type { Fetcher } from 'aws-jwt-verify/https';

/**
 * An aws-jwt-verify `Fetcher` that speaks plain HTTP (the local issuer is `http://localhost:<port>/`; the library's
 * default fetcher is HTTPS-only — ARCHITECTURE §6). GET only, 3 s timeout, non-2xx is an error.
 * Used only by the local stack; production keeps the default HTTPS fetcher.
 */
export class HttpJwksFetcher implements Fetcher {
  /** @param timeoutMs per-request timeout, ms */
  constructor(private readonly timeoutMs = 3_000) {}

  /**
   * @returns the response body
   * @throws {Error} on network errors, timeouts and non-2xx statuses
   */
  async fetch(uri: string): Promise<ArrayBuffer> {
    const res = await fetch(uri, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`GET ${uri}: HTTP ${res.status}`);
    return res.arrayBuffer();
  }
}
