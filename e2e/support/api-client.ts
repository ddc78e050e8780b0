import type { APIRequestContext, APIResponse, TestInfo } from '@playwright/test';
import { matchRoute } from '../../lib/config/routes';
import { baseUrl } from './env';

/** One API call as the report records it. */
export interface ApiCall {
  /** Workflow step (the innermost `test.step` title given to {@link ApiClient.step}, else `-`). */
  step: string;
  /** Route key from the route table, e.g. `GET /v1/reports/{reportId}` (the concrete path when unmatched). */
  route: string;
  status: number;
  /** Wall time from request to full response body, ms (browser calls: from the request event to `requestfinished`). */
  ms: number;
  /** Who made it: the test's HTTP client, or the browser (the console's own fetches). */
  source: 'test' | 'browser';
}

/** Options of one request. */
export interface CallOptions {
  /** JSON body (sent with `content-type: application/json`). */
  json?: unknown;
  headers?: Record<string, string>;
}

/**
 * A thin HTTP client for the gateway that signs requests with one bearer token and records every call's route and
 * latency. {@link ApiLog.attach} writes them into the HTML report (`api-latency.json` attachment plus one
 * `api-latency` annotation per workflow step with its p50/max), which is how API latency per workflow step reaches
 * the stakeholders' report.
 */
export class ApiClient {
  constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
    private readonly log: ApiLog,
  ) {}

  /** The same caller with another token (e.g. replaying calls as another tenant). */
  withToken(token: string): ApiClient {
    return new ApiClient(this.request, token, this.log);
  }

  /** `fetch` of one request: any status is returned, never thrown. */
  async call(method: string, path: string, opts: CallOptions = {}): Promise<APIResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...opts.headers };
    const started = performance.now();
    const res = await this.request.fetch(`${baseUrl()}${path}`, {
      method,
      headers,
      data: opts.json,
      failOnStatusCode: false,
      maxRedirects: 0,
    });
    await res.body();
    const matched = matchRoute(method, path.split('?')[0]!).route;
    this.log.record({
      route: matched ? `${method} ${matched.path}` : `${method} ${path}`,
      status: res.status(),
      ms: performance.now() - started,
      source: 'test',
    });
    return res;
  }

  get(path: string, opts?: CallOptions): Promise<APIResponse> {
    return this.call('GET', path, opts);
  }
  post(path: string, json: unknown, opts?: CallOptions): Promise<APIResponse> {
    return this.call('POST', path, { ...opts, json });
  }
  put(path: string, json: unknown, opts?: CallOptions): Promise<APIResponse> {
    return this.call('PUT', path, { ...opts, json });
  }
  patch(path: string, json: unknown, opts?: CallOptions): Promise<APIResponse> {
    return this.call('PATCH', path, { ...opts, json });
  }
  delete(path: string, opts?: CallOptions): Promise<APIResponse> {
    return this.call('DELETE', path, opts);
  }
}

/** The calls of one test, grouped by workflow step for the report. */
export class ApiLog {
  readonly calls: ApiCall[] = [];
  private current = '-';

  /** Runs `fn` with every call inside it attributed to `name` (nested steps keep the innermost name). */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.current;
    this.current = name;
    try {
      return await fn();
    } finally {
      this.current = previous;
    }
  }

  record(c: Omit<ApiCall, 'step'>): void {
    this.calls.push({ ...c, step: this.current });
  }

  /** Latency per step: count, p50 and max, ms (rounded to 0.1). */
  summary(): { step: string; calls: number; p50Ms: number; maxMs: number }[] {
    const by = new Map<string, number[]>();
    for (const c of this.calls) by.set(c.step, [...(by.get(c.step) ?? []), c.ms]);
    return [...by].map(([step, ms]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const r = (x: number) => Math.round(x * 10) / 10;
      return {
        step,
        calls: ms.length,
        p50Ms: r(sorted[Math.floor((sorted.length - 1) / 2)]!),
        maxMs: r(sorted[sorted.length - 1]!),
      };
    });
  }

  /** Attaches the calls and per-step figures to the test's report entry. */
  async attach(testInfo: TestInfo): Promise<void> {
    if (this.calls.length === 0) return;
    for (const s of this.summary()) {
      testInfo.annotations.push({
        type: 'api-latency',
        description: `${s.step}: ${s.calls} call(s), p50 ${s.p50Ms} ms, max ${s.maxMs} ms`,
      });
    }
    await testInfo.attach('api-latency.json', {
      body: JSON.stringify({ summary: this.summary(), calls: this.calls }, null, 2),
      contentType: 'application/json',
    });
  }
}
