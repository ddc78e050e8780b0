import { Agent } from 'undici';

/** Options of the container-wide upstream connection pool. */
export interface UpstreamAgentOptions {
  /** Idle keep-alive socket lifetime, ms (default 30 000; undici also honours the server's `Keep-Alive: timeout`). */
  keepAliveTimeoutMs?: number;
  /** TCP/TLS connect timeout, ms (default 3 000; the route's `timeoutMs` still bounds the whole exchange). */
  connectTimeoutMs?: number;
  /** Sockets per origin (default 64). */
  connections?: number;
}

let shared: Agent | undefined;

/** Creates an undici keep-alive {@link Agent} (one pool per origin). */
export function createUpstreamAgent(opts: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: Math.max(opts.keepAliveTimeoutMs ?? 30_000, 60_000),
    connections: opts.connections ?? 64,
    connect: { timeout: opts.connectTimeoutMs ?? 3_000 },
  });
}

/**
 * The container-wide keep-alive agent, created on first use and reused by every invocation of this Lambda
 * container (sockets survive between invocations; after a freeze/thaw, stale sockets are replaced by undici).
 */
export function upstreamAgent(): Agent {
  shared ??= createUpstreamAgent();
  return shared;
}
