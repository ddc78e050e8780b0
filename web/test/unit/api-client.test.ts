import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client';
import { ApiError, isApiError, toProblem } from '../../src/api/errors';
import { parseRateLimitHeaders, parseRetryAfter } from '../../src/api/rate-limit-headers';
import { formatDuration, secondsUntil } from '../../src/clock';
import { formatUtc } from '../../src/components/format';
import { loadRuntimeConfig } from '../../src/config';

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(status === 204 ? null : body, { status, headers });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

describe('API client', () => {
  it('sends the bearer token, JSON body, If-Match and query; reads ETag and RateLimit headers', async () => {
    const f = fakeFetch(200, '{"ok":true}', {
      etag: '"3"',
      'RateLimit-Policy': '"tenant-rate";q=300;w=60, "user-rate";q=60;w=60',
      RateLimit: '"tenant-rate";r=299;t=1',
    });
    const api = createApiClient({ baseUrl: 'http://api', getToken: () => 'tok', fetchFn: f.fn });
    const r = await api.request<{ ok: boolean }>('PUT', '/x', {
      body: { a: 1 },
      ifMatch: '"2"',
      query: { q: 'v', e: '' },
    });
    expect(r).toMatchObject({ status: 200, data: { ok: true }, etag: '"3"' });
    expect(r.limits).toEqual([
      { ruleId: 'tenant-rate', limit: 300, windowSec: 60, remaining: 299, resetSec: 1 },
      { ruleId: 'user-rate', limit: 60, windowSec: 60, remaining: undefined, resetSec: undefined },
    ]);
    const call = f.calls[0];
    expect(call?.url).toBe('http://api/x?q=v');
    expect(call?.init.headers).toMatchObject({ authorization: 'Bearer tok', 'if-match': '"2"' });
    expect(call?.init.body).toBe('{"a":1}');
  });

  it('turns a 429 problem into an ApiError with Retry-After and the violated rules', async () => {
    const f = fakeFetch(
      429,
      JSON.stringify({
        title: 'Too Many Requests',
        detail: 'slow down',
        'violated-policies': ['user-rate', 7],
      }),
      { 'retry-after': '12' },
    );
    const api = createApiClient({ baseUrl: 'http://api', getToken: () => undefined, fetchFn: f.fn });
    const e = await api.request('GET', '/x').catch((x: unknown) => x);
    expect(isApiError(e, 429)).toBe(true);
    expect((e as ApiError).retryAfterSec).toBe(12);
    expect((e as ApiError).problem.violated).toEqual(['user-rate']);
    expect((e as ApiError).message).toBe('slow down');
    expect(f.calls[0]?.init.headers).not.toHaveProperty('authorization');
  });

  it('never crashes on an unexpected body: HTML error pages and empty 204s', async () => {
    const html = createApiClient({
      baseUrl: 'http://a',
      getToken: () => 't',
      fetchFn: fakeFetch(502, '<html>bad</html>').fn,
    });
    const e = (await html.request('GET', '/x').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.problem).toEqual({
      title: undefined,
      detail: undefined,
      requestId: undefined,
      errors: [],
      violated: [],
    });
    const empty = createApiClient({
      baseUrl: 'http://a',
      getToken: () => 't',
      fetchFn: fakeFetch(204, '').fn,
    });
    expect((await empty.request('DELETE', '/x')).data).toBeUndefined();
  });

  it('reports a network failure as status 0 and passes aborts through', async () => {
    const down = createApiClient({
      baseUrl: 'http://a',
      getToken: () => 't',
      fetchFn: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    expect(((await down.request('GET', '/x').catch((x: unknown) => x)) as ApiError).status).toBe(0);
    const aborted = createApiClient({
      baseUrl: 'http://a',
      getToken: () => 't',
      fetchFn: (async () => {
        throw new DOMException('aborted', 'AbortError');
      }) as unknown as typeof fetch,
    });
    expect(((await aborted.request('GET', '/x').catch((x: unknown) => x)) as Error).name).toBe('AbortError');
  });

  it('reads field errors tolerantly and finds them by path', () => {
    const p = toProblem({
      errors: [{ path: 'rules.0.limit', message: 'too big' }, { path: 3 }, 'x'],
      message: 'm',
    });
    expect(p.errors).toEqual([{ path: 'rules.0.limit', message: 'too big' }]);
    expect(p.title).toBe('m');
    const e = new ApiError(400, p);
    expect(e.fieldError('rules.0')).toBe('too big');
    expect(e.fieldError('rules.0.limit')).toBe('too big');
    expect(e.fieldError('title')).toBeUndefined();
    expect(toProblem(null).errors).toEqual([]);
  });
});

describe('headers, clock and formats', () => {
  it('ignores malformed RateLimit fields', () => {
    expect(parseRateLimitHeaders(new Headers({ 'RateLimit-Policy': '"a";q=oops' }))).toEqual([]);
    expect(parseRateLimitHeaders(new Headers({ 'RateLimit-Policy': '((' }))).toEqual([]);
    expect(parseRateLimitHeaders(new Headers())).toEqual([]);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-15T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 15 Jan 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('formats durations and UTC times deterministically', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatUtc('2026-01-15T09:30:12.000Z')).toBe('2026-01-15 09:30 UTC');
    expect(formatUtc(undefined)).toBe('—');
    expect(formatUtc('garbage')).toBe('garbage');
    expect(secondsUntil(Date.now() - 5000)).toBe(0);
  });
});

describe('runtime config', () => {
  const good = {
    stage: 'dev',
    apiUrl: 'https://api.dev.example',
    authority: 'https://tenant.auth0.com/',
    clientId: 'abc',
    audience: 'https://api',
    scope: 'openid',
  };
  it('loads and validates config.json', async () => {
    const f = fakeFetch(200, JSON.stringify(good));
    await expect(loadRuntimeConfig(f.fn, '/console/')).resolves.toEqual(good);
    expect(f.calls[0]?.url).toBe('/console/config.json');
  });
  it('rejects a missing or invalid file', async () => {
    await expect(loadRuntimeConfig(fakeFetch(404, '').fn, '/')).rejects.toThrow(/HTTP 404/);
    await expect(
      loadRuntimeConfig(fakeFetch(200, JSON.stringify({ ...good, apiUrl: 'x/' })).fn, '/'),
    ).rejects.toThrow(/invalid/);
  });
});
