import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** What the fake backend saw for one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header pairs as received (to check for duplicates). */
  rawHeaders: string[];
  body: Buffer;
}

/** A real local HTTP backend for the proxy tests. */
export interface Upstream {
  baseUrl: string;
  seen: SeenRequest[];
  /** TCP connections accepted so far (keep-alive check). */
  connections: () => number;
  close(): Promise<void>;
}

/**
 * Starts a `node:http` backend on 127.0.0.1:<free port>:
 * - `/echo…` → 200 JSON `{ method, url, headers, sha256, length }`
 * - `/mirror?type=<content-type>` → 200 with the request body bytes and that content type
 * - `/slow?ms=N` → answers after N ms
 * - `/status/<code>` → that status with a JSON body
 * - `/cookies` → two `Set-Cookie` headers plus hop-by-hop and server headers
 */
export async function startUpstream(): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      seen.push({ method: req.method ?? '', url, headers: req.headers, rawHeaders: req.rawHeaders, body });
      const u = new URL(url, 'http://x');
      if (u.pathname.startsWith('/echo')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            method: req.method,
            url,
            headers: req.headers,
            sha256: createHash('sha256').update(body).digest('hex'),
            length: body.length,
          }),
        );
      } else if (u.pathname === '/mirror') {
        res.writeHead(200, { 'content-type': u.searchParams.get('type') ?? 'application/octet-stream' });
        res.end(body);
      } else if (u.pathname === '/slow') {
        const t = setTimeout(
          () => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('late');
          },
          Number(u.searchParams.get('ms') ?? '10000'),
        );
        res.on('close', () => clearTimeout(t));
      } else if (u.pathname.startsWith('/status/')) {
        const code = Number(u.pathname.slice('/status/'.length));
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ upstream: 'said', code }));
      } else if (u.pathname === '/cookies') {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('server', 'secret-backend/9.9');
        res.setHeader('x-powered-by', 'Express');
        res.setHeader('keep-alive', 'timeout=5');
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end('ok');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no');
      }
    });
  });
  server.on('connection', () => {
    connections++;
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    seen,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
