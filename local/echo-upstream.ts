import { createServer, type Server } from 'node:http';

/** The local stand-in for an HTTP backend (`http` routes, reached through the edge proxy). */
export interface EchoUpstream {
  /** `http://127.0.0.1:<port>` — the value of `HTTP_BACKEND_MARKETDATA`. */
  url: string;
  /**
   * Fault injection (`PUT /_local/faults`): `delayMs` holds every answer that long, `status` answers it instead of
   * 200 (with a JSON problem body); `undefined` restores the echo.
   */
  setFault(fault: { delayMs?: number; status?: number } | undefined): void;
  stop(): Promise<void>;
}

/**
 * Starts an HTTP server on a free 127.0.0.1 port that answers every request with 200 and JSON
 * `{ upstream: "echo", method, path, query, headers, body, bodyEncoding }` — what it received, so the edge proxy's
 * forwarding (path, query, injected tenant headers, stripped client headers, body) can be seen end to end.
 * `body` is UTF-8 text, or base64 (`bodyEncoding: "base64"`) when the bytes are not valid UTF-8.
 */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  let fault: { delayMs?: number; status?: number } | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const f = fault;
      if (f?.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(f.status);
        }, f.delayMs);
        timers.add(timer);
      } else answer(f?.status);
    });
    const answer = (status: number | undefined) => {
      if (status) {
        const problem = JSON.stringify({ title: 'Upstream failure (local fault)', status });
        res.writeHead(status, {
          'content-type': 'application/problem+json',
          'content-length': Buffer.byteLength(problem),
        });
        res.end(problem);
        return;
      }
      const buf = Buffer.concat(chunks);
      const text = buf.toString('utf8');
      const utf8 = Buffer.from(text, 'utf8').equals(buf);
      const url = new URL(req.url ?? '/', 'http://upstream');
      const payload = JSON.stringify({
        upstream: 'echo',
        method: req.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: req.headers,
        body: utf8 ? text : buf.toString('base64'),
        bodyEncoding: utf8 ? 'utf8' : 'base64',
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setFault(f) {
      fault = f;
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
