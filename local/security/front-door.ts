import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_SCHEDULES, type SecurityScheduleName } from '../../lib/config/security';
import type { LocalSecurity } from './runtime';

/** Path prefix of the local security endpoints (not part of the API: no route, no authorizer, no WAF). */
export const LOCAL_SECURITY_PATH = '/_local/security';

const MAX_BODY = 1024 * 1024;

/**
 * Local-only endpoints that stand in for AWS control planes the drill and developers need:
 * - `POST /_local/security/events` — EventBridge `PutEvents`: a JSON array of events in the EventBridge envelope
 *   (e.g. GuardDuty findings); answers what each matched and what the responder did;
 * - `POST /_local/security/schedules/{expirySweep|anomalyHourly}` — runs a schedule now, body `{"time": ISO}`
 *   optional (the hourly evaluation looks at the hour before `time`);
 * - `POST /_local/security/access-log` — a JSON array of access-log records (or lines) replayed through
 *   security-events as the subscription would deliver them (the drill's earlier hours of tenant traffic);
 * - `GET /_local/security/state` — IP sets, block records, paging/ticket topics, dead letters, the security log.
 * Answers `true` when it took the request.
 */
export function securityFrontDoor(
  security: LocalSecurity,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== LOCAL_SECURITY_PATH && !path.startsWith(`${LOCAL_SECURITY_PATH}/`)) return false;
    const sub = path.slice(LOCAL_SECURITY_PATH.length);
    const method = (req.method ?? 'GET').toUpperCase();
    readJson(req)
      .then(async (body) => {
        if (method === 'GET' && sub === '/state') return reply(res, 200, await security.state());
        if (method === 'POST' && sub === '/events') {
          if (!Array.isArray(body))
            return reply(res, 400, { message: 'body must be a JSON array of events' });
          return reply(res, 200, { deliveries: await security.putEvents(body) });
        }
        if (method === 'POST' && sub === '/access-log') {
          if (!Array.isArray(body))
            return reply(res, 400, { message: 'body must be a JSON array of records' });
          const lines = body.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
          await security.replayAccessLog(lines);
          return reply(res, 200, { lines: lines.length });
        }
        const schedule = /^\/schedules\/([A-Za-z]+)$/.exec(sub)?.[1];
        if (method === 'POST' && schedule) {
          if (!(schedule in SECURITY_SCHEDULES))
            return reply(res, 404, { message: `no schedule ${schedule}` });
          const time = (body as { time?: unknown } | undefined)?.time;
          if (time !== undefined && typeof time !== 'string')
            return reply(res, 400, { message: 'time must be an ISO date string' });
          const result = await security.runSchedule(schedule as SecurityScheduleName, time);
          return reply(res, 200, { result });
        }
        return reply(res, 404, { message: 'Not Found' });
      })
      .catch((err: unknown) => {
        const status = err instanceof BodyError ? err.status : 500;
        reply(res, status, { message: err instanceof Error ? err.message : String(err) });
      });
    return true;
  };
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY) return reject(new BodyError(413, 'body over 1 MiB'));
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BodyError(400, 'body is not JSON'));
      }
    });
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
