import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONSOLE_BASE_PATH, type ConsoleRuntimeConfig } from '../lib/config/console';
import { consoleSecurityHeaders } from '../lib/config/console-headers';
import {
  AUTHORIZE_PATH,
  LOGOUT_PATH,
  type LocalLoginServer,
  type LoginReply,
  TOKEN_PATH,
} from './oidc-login';
import { requestPath } from './request-path';

/** Largest form body the local authorization server reads, bytes. */
const MAX_FORM_BYTES = 16 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the console front door serves. */
export interface ConsoleServerOptions {
  /** Directory of the built console (`web/dist`). */
  distDir: string;
  /** The runtime configuration served as `/console/config.json`. */
  runtimeConfig: ConsoleRuntimeConfig;
  /**
   * Extra fields of `config.json` computed on each request (e.g. `rum` while its flag is on); their origins must be
   * the API's or the issuer's (the CSP's `connect-src`).
   */
  dynamicConfig?: () => Promise<Partial<ConsoleRuntimeConfig>>;
  /** The local authorization server (`/authorize`, `/oauth/token`, `/oidc/logout`). */
  login: LocalLoginServer;
}

/**
 * The local stack's non-API paths, in front of the gateway: the console's static files under `/console/` (a path
 * without a file falls back to `index.html`, as the CloudFront distribution does; `config.json` is generated), and the
 * local issuer's login endpoints. Returns a listener that answers `true` when it took the request.
 */
export function createConsoleServer(
  opts: ConsoleServerOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const configBody = JSON.stringify(opts.runtimeConfig);
  const securityHeaders = consoleSecurityHeaders({
    connectSrc: [new URL(opts.runtimeConfig.apiUrl).origin, new URL(opts.runtimeConfig.authority).origin],
    hsts: false,
  });
  return (req, res) => {
    const path = requestPath(req.url);
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/console') {
      send(res, { status: 301, headers: { location: CONSOLE_BASE_PATH }, body: '' });
      return true;
    }
    if (path.startsWith(CONSOLE_BASE_PATH)) {
      if (method !== 'GET' && method !== 'HEAD') {
        send(res, { status: 405, headers: { allow: 'GET, HEAD' }, body: '' });
        return true;
      }
      if (path === `${CONSOLE_BASE_PATH}config.json`) {
        const extra = opts.dynamicConfig ? opts.dynamicConfig() : Promise.resolve(undefined);
        extra.then(
          (more) =>
            send(
              res,
              {
                status: 200,
                headers: {
                  'content-type': 'application/json',
                  'cache-control': 'no-cache',
                  ...securityHeaders,
                },
                body: more ? JSON.stringify({ ...opts.runtimeConfig, ...more }) : configBody,
              },
              method === 'HEAD',
            ),
          () => res.destroy(),
        );
        return true;
      }
      const reply = staticFile(opts.distDir, path.slice(CONSOLE_BASE_PATH.length));
      Object.assign(reply.headers, securityHeaders);
      send(res, reply, method === 'HEAD');
      return true;
    }
    if (path === AUTHORIZE_PATH && method === 'GET') {
      send(res, opts.login.authorizePage(searchParams(req.url)));
      return true;
    }
    if (path === LOGOUT_PATH && method === 'GET') {
      send(res, opts.login.logout(searchParams(req.url)));
      return true;
    }
    if ((path === AUTHORIZE_PATH || path === TOKEN_PATH) && method === 'POST') {
      readForm(req).then(
        async (form) => {
          if (!form) return send(res, { status: 413, headers: {}, body: '' });
          send(res, path === TOKEN_PATH ? await opts.login.token(form) : opts.login.authorizeSubmit(form));
        },
        () => res.destroy(),
      );
      return true;
    }
    return false;
  };
}

function staticFile(distDir: string, rel: string): LoginReply & { raw?: Buffer } {
  const safe = normalize(rel).replace(/^(\.\.(\/|\\|$))+/, '');
  const file = join(distDir, safe);
  const inside = file === distDir || file.startsWith(distDir + sep);
  const isFile = inside && safe !== '' && existsSync(file) && statSync(file).isFile();
  if (isFile) {
    const hashed = safe.startsWith(`assets${sep}`);
    return {
      status: 200,
      headers: {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body: '',
      raw: readFileSync(file),
    };
  }
  if (extname(safe) && safe.startsWith(`assets${sep}`))
    return { status: 404, headers: {}, body: 'Not Found' };
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    return {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' },
      body: 'The console is not built yet: run `npm run build:web` (npm ci and npm start build it).\n',
    };
  }
  return {
    status: 200,
    headers: { 'content-type': MIME['.html'] ?? 'text/html', 'cache-control': 'no-cache' },
    body: '',
    raw: readFileSync(index),
  };
}

function send(res: ServerResponse, reply: LoginReply & { raw?: Buffer }, headOnly = false): void {
  const body = reply.raw ?? Buffer.from(reply.body);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  res.end(headOnly ? undefined : body);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The query of a request target (parsed only on the routes that read one). */
function searchParams(target = '/'): URLSearchParams {
  return new URL(target, 'http://local').searchParams;
}
