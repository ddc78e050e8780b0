import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAccessToken, type TokenRequest } from '../../../local/oidc';
import { type RunningStack, startStack } from '../../../local/stack';

/** A local stack started in this test process (port 0, temporary dev-key dir), with its access log captured. */
export interface TestStack {
  stack: RunningStack;
  url: string;
  /** Parsed access-log records, in order. */
  accessLog: Record<string, string>[];
  /** Mints a token like `npm run token` (same key, issuer, namespace, audience). */
  token(req: Partial<TokenRequest> & { tenantId: string; userId: string }): Promise<string>;
  /** GET/POST/… with an optional bearer token; resolves with status, headers, parsed JSON body (or text). */
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  stop(): Promise<void>;
}

/** A response as the tests look at it. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** `JSON.parse(text)` or `undefined` when not JSON. */
  json: Record<string, unknown> | undefined;
}

/**
 * Starts the local stack in-process.
 * @param redis `memory` (in-memory limiter store) or a Redis URL
 * @param opts `cluster`: the URL is a seed node of a Redis Cluster (`REDIS_CLUSTER=true`, the cluster client)
 */
export async function startTestStack(
  redis: 'memory' | string,
  opts: { cluster?: boolean } = {},
): Promise<TestStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
  process.env.LOCAL_STATE_DIR = stateDir;
  if (redis === 'memory') {
    process.env.LOCAL_REDIS = 'memory';
    delete process.env.REDIS_URL;
  } else {
    process.env.REDIS_URL = redis;
  }
  if (opts.cluster) process.env.REDIS_CLUSTER = 'true';
  else delete process.env.REDIS_CLUSTER;
  const accessLog: Record<string, string>[] = [];
  const stack = await startStack({
    port: 0,
    accessLog: (line) => accessLog.push(JSON.parse(line) as Record<string, string>),
  });
  const auth0 = stack.config.stageConfig.auth0;
  return {
    stack,
    url: stack.url,
    accessLog,
    token: (req) =>
      signAccessToken(stack.devKey, stack.issuer, auth0.claimsNamespace, {
        roles: ['user'],
        permissions: [],
        audience: auth0.audience,
        ...req,
      }),
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      const res = await fetch(`${stack.url}${path}`, { method, headers, body });
      const text = await res.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async stop() {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Sends `n` requests at once and returns their statuses in completion order. */
export async function burst(t: TestStack, n: number, path: string, token: string): Promise<TestResponse[]> {
  return Promise.all(Array.from({ length: n }, () => t.call('GET', path, { token })));
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
