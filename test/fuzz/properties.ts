import { request } from 'node:http';
import type { FuzzRequest } from './arbitraries';

/** A response as the properties look at it. */
export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Wall time of the exchange, ms. */
  ms: number;
}

/** Longest acceptable answer, ms (generous: CPU contention on a shared 2-core machine). */
export const ANSWER_BOUND_MS = 10_000;

/**
 * The error contract and safety properties every answer must meet (docs/api-errors.md):
 * never a 5xx; every error is `application/problem+json` with `type`, `title`, `status` (= the HTTP status), `detail`
 * and the request id (= `x-amzn-RequestId`); no response echoes a token; the answer comes within
 * {@link ANSWER_BOUND_MS}.
 * @param secrets strings no response may contain (the callers' tokens)
 * @returns the violated properties (empty when none)
 */
export function violations(req: FuzzRequest, res: FuzzResponse, secrets: readonly string[]): string[] {
  const out: string[] = [];
  if (res.status >= 500) out.push(`status ${res.status} (a 5xx)`);
  if (res.ms > ANSWER_BOUND_MS) out.push(`answered after ${Math.round(res.ms)} ms`);
  const all = `${res.text}\n${JSON.stringify(res.headers)}`;
  for (const s of secrets) {
    if (all.includes(s) || all.includes(s.split('.')[2] ?? s)) out.push('a token is echoed');
  }
  if (res.status >= 400 && req.method !== 'HEAD') {
    const type = String(res.headers['content-type'] ?? '');
    if (!type.startsWith('application/problem+json')) out.push(`error content-type ${type || '(none)'}`);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      out.push('error body is not JSON');
    }
    if (body) {
      for (const k of ['type', 'title', 'detail'] as const) {
        if (typeof body[k] !== 'string') out.push(`problem has no ${k}`);
      }
      if (body.status !== res.status) out.push(`problem status ${String(body.status)} ≠ ${res.status}`);
      const rid = res.headers['x-amzn-requestid'];
      if (typeof body.requestId !== 'string' || body.requestId !== rid)
        out.push('problem lacks the request id');
    }
  }
  return out;
}

/** Sends a request with its path exactly as given (no URL normalisation), over a fresh connection. */
export function send(base: URL, req: FuzzRequest): Promise<FuzzResponse> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, connection: 'close' },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - t0,
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A short, printable form of a request for failure reports (long values abbreviated). */
export function describe(req: FuzzRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? `<${req.caller} token>` : v]),
  );
  return cut(
    JSON.stringify({ method: req.method, path: req.path, headers, body: req.body, route: req.route }),
  );
}

/** Fuzz run settings: `FUZZ_SEED` (default 20261202) and `FUZZ_RUNS` (default 250; raise for a long run). */
export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): { seed: number; numRuns: number } {
  const seed = Number(env.FUZZ_SEED);
  const runs = Number(env.FUZZ_RUNS);
  return {
    seed: Number.isInteger(seed) ? seed : 20261202,
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : 250,
  };
}
