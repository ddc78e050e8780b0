import { now } from '../clock';
import { ApiError, toProblem } from './errors';
import { type AdvertisedLimit, parseRateLimitHeaders, parseRetryAfter } from './rate-limit-headers';

/** A successful API answer. */
export interface ApiResponse<T> {
  status: number;
  data: T;
  /** `ETag` (for `If-Match` on the next write), when sent. */
  etag?: string;
  /** The rules advertised in `RateLimit-Policy` / `RateLimit`. */
  limits: AdvertisedLimit[];
}

/** Options of one request. */
export interface RequestOptions {
  /** JSON body (sent as `application/json`). */
  body?: unknown;
  /** Query parameters; `undefined` and `''` values are left out. */
  query?: Record<string, string | number | undefined>;
  /** `If-Match` value (an ETag). */
  ifMatch?: string;
  signal?: AbortSignal;
  /** Let the request outlive the page (`fetch` `keepalive`: a send on `pagehide`; body at most 64 KiB). */
  keepalive?: boolean;
}

/** What the client needs from its host. */
export interface ApiClientOptions {
  /** API base URL without trailing slash. */
  baseUrl: string;
  /** The current access token (from memory), or `undefined` when signed out. */
  getToken: () => string | undefined;
  fetchFn?: typeof fetch;
}

/** The console's one way to call the API. */
export interface ApiClient {
  request<T>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
}

/**
 * Creates the API client: bearer token from memory, JSON in and out. A non-2xx answer (or a network failure, status
 * 0) throws an {@link ApiError} carrying the problem body, `Retry-After` and violated rules; an unexpected or empty
 * body never throws anything else.
 */
export function createApiClient(opts: ApiClientOptions): ApiClient {
  const fetchFn = opts.fetchFn ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  return {
    async request<T>(method: string, path: string, ro: RequestOptions = {}): Promise<ApiResponse<T>> {
      const url = new URL(`${opts.baseUrl}${path}`);
      for (const [k, v] of Object.entries(ro.query ?? {})) {
        if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
      }
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = opts.getToken();
      if (token) headers.authorization = `Bearer ${token}`;
      if (ro.body !== undefined) headers['content-type'] = 'application/json';
      if (ro.ifMatch) headers['if-match'] = ro.ifMatch;
      let res: Response;
      try {
        res = await fetchFn(url.toString(), {
          method,
          headers,
          body: ro.body === undefined ? undefined : JSON.stringify(ro.body),
          signal: ro.signal,
          ...(ro.keepalive ? { keepalive: true } : {}),
        });
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        throw new ApiError(0, {
          title: 'Network error',
          detail: 'The API could not be reached.',
          errors: [],
          violated: [],
        });
      }
      const text = await res.text().catch(() => '');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (!res.ok) {
        throw new ApiError(
          res.status,
          toProblem(body),
          parseRetryAfter(res.headers.get('retry-after'), now()),
        );
      }
      return {
        status: res.status,
        data: body as T,
        etag: res.headers.get('etag') ?? undefined,
        limits: parseRateLimitHeaders(res.headers),
      };
    },
  };
}
