import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath } from '../request-path';
import { currentFlags, type LocalFlagTarget, parseFlagUpdate } from './flags';

/** Prefix of the local stack's control plane (not part of the route table, never deployed). */
export const CONTROL_PREFIX = '/_local/';

/**
 * One control endpoint: resolves with a status and a JSON body (for a status ≥ 400 a problem object — `title`,
 * optional `detail` and `errors` — sent as `application/problem+json` with its `status` filled in). `rest` is the path below the endpoint's name (`''`
 * for `/_local/<name>`; `appmonitors/x` for `/_local/rum/appmonitors/x`).
 */
export type ControlHandler = (
  method: string,
  body: unknown,
  query: URLSearchParams,
  rest?: string,
) => Promise<{ status: number; body: unknown }>;

/** Largest control request body, bytes (413 above). */
const MAX_CONTROL_BODY_BYTES = 1024 * 1024;

/** What the control plane drives. */
export interface ControlDeps {
  flags: LocalFlagTarget;
  /** Further endpoints by path below {@link CONTROL_PREFIX} (e.g. `faults`, `alarms`). */
  extra?: Readonly<Record<string, ControlHandler>>;
}

/**
 * The local stack's control plane, `/_local/*` (docs/local.md): what AppConfig and fault injection are in AWS.
 * - `GET /_local/flags` → every flag's current value; `PUT /_local/flags` `{ "<flag>": boolean, … }` sets them at
 *   once for every handler of the process (400 with field paths for unknown names or non-booleans).
 * - further endpoints from `deps.extra`.
 * The local stack listens on 127.0.0.1 by default; these endpoints do no authentication.
 * @returns a request listener that answers `/_local/*` and returns `true`, or returns `false` for other paths
 */
export function controlPlane(deps: ControlDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const handlers: Record<string, ControlHandler> = {
    flags: async (method, body) => {
      if (method === 'GET') return { status: 200, body: await currentFlags(deps.flags) };
      if (method !== 'PUT') return { status: 405, body: { title: 'Method Not Allowed' } };
      const parsed = parseFlagUpdate(body);
      if (!parsed.ok)
        return { status: 400, body: { title: 'Bad Request', status: 400, errors: parsed.errors } };
      deps.flags.set(parsed.values);
      return { status: 200, body: await currentFlags(deps.flags) };
    },
    ...deps.extra,
  };
  return (req, res) => {
    if (!requestPath(req.url).startsWith(CONTROL_PREFIX)) return false;
    const url = new URL(req.url ?? '/', 'http://local');
    const name = url.pathname.slice(CONTROL_PREFIX.length);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        // Errors are RFC 9457 problems, as on the gateway (`local/gateway/client-error.ts`): the content type says so
        // and the body carries its `status`.
        const problem = status >= 400;
        const text = JSON.stringify(problem ? { ...(body as object), status } : body);
        res.writeHead(status, {
          'content-type': problem ? 'application/problem+json' : 'application/json',
          'cache-control': 'no-store',
        });
        res.end(text);
      };
      if (size > MAX_CONTROL_BODY_BYTES) {
        send(413, { title: 'Payload Too Large', status: 413 });
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        send(400, { title: 'Bad Request', status: 400, errors: [{ path: '(body)', message: 'not JSON' }] });
        return;
      }
      const slash = name.indexOf('/');
      const exact = handlers[name];
      const handler = exact ?? (slash > 0 ? handlers[name.slice(0, slash)] : undefined);
      if (!handler) {
        send(404, { title: 'Not Found', status: 404 });
        return;
      }
      const rest = exact ? '' : name.slice(slash + 1);
      handler((req.method ?? 'GET').toUpperCase(), body, url.searchParams, rest).then(
        (r) => send(r.status, r.body),
        (e: unknown) => send(500, { title: 'Internal Server Error', detail: String(e) }),
      );
    });
    return true;
  };
}
