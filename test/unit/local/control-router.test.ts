import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane } from '../../../local/control/router';

let server: Server;
let base: string;

beforeAll(async () => {
  const control = controlPlane({
    flags: { isEnabled: async () => false, set: () => undefined },
    extra: {
      alarms: async (_m, _b, query) =>
        query.get('alarm') === 'Nope'
          ? { status: 404, body: { title: 'Not Found', detail: 'no alarm named Nope' } }
          : { status: 200, body: { alarms: [] } },
    },
  });
  server = createServer((req, res) => {
    if (!control(req, res)) res.writeHead(418).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('control plane responses (/_local/*)', () => {
  it('answers success as application/json', async () => {
    const res = await fetch(`${base}/_local/alarms`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ alarms: [] });
  });

  it("answers a handler's error as an RFC 9457 problem with its status", async () => {
    const res = await fetch(`${base}/_local/alarms?alarm=Nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual({ title: 'Not Found', status: 404, detail: 'no alarm named Nope' });
  });

  it("answers the plane's own errors (unknown endpoint, bad JSON) as problems", async () => {
    const unknown = await fetch(`${base}/_local/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    const bad = await fetch(`${base}/_local/alarms`, { method: 'PUT', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await bad.json()).toMatchObject({ status: 400, errors: [{ path: '(body)' }] });
  });
});
