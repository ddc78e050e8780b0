import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Options of the container-wide upstream connection pool. */
export interface UpstreamAgentOptions {
  /** Idle keep-alive socket lifetime, ms (default 30 000). */
  keepAliveTimeoutMs?: number;
  /** Sockets per origin (default 64). */
  connections?: number;
}

/**
 * Keep-alive connection pools to the upstreams, one `node:http` and one `node:https` agent (each pools per origin).
 * Node's own HTTP client instead of undici keeps the edge-proxy bundle within its size budget (undici alone was
 * 524 KiB minified; `lib/config/budgets.ts`).
 */
export interface UpstreamAgent {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  /** Closes every pooled socket (tests; a Lambda container never calls it). */
  close(): Promise<void>;
}

let shared: UpstreamAgent | undefined;

/** Creates a keep-alive {@link UpstreamAgent}. */
export function createUpstreamAgent(opts: UpstreamAgentOptions = {}): UpstreamAgent {
  const common = {
    keepAlive: true,
    keepAliveMsecs: 1_000,
    maxSockets: opts.connections ?? 64,
    maxFreeSockets: opts.connections ?? 64,
    // Idle pooled sockets are closed after this long (Node applies it as the free socket's timeout).
    timeout: opts.keepAliveTimeoutMs ?? 30_000,
    scheduling: 'lifo' as const,
  };
  const http = new HttpAgent(common);
  const https = new HttpsAgent(common);
  return {
    http,
    https,
    close: async () => {
      http.destroy();
      https.destroy();
    },
  };
}

/**
 * The container-wide keep-alive agent, created on first use and reused by every invocation of this Lambda
 * container (sockets survive between invocations; a socket the upstream closed during a freeze is detected by Node
 * and replaced, and a request that fails on a reused socket is answered 502 like any other connection reset).
 */
export function upstreamAgent(): UpstreamAgent {
  shared ??= createUpstreamAgent();
  return shared;
}
