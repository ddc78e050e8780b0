import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUpstreamAgent, type UpstreamAgent } from '../../../lambdas/edge-proxy/agent';
import { createEdgeProxy } from '../../../lambdas/edge-proxy/proxy';
import { createObservability } from '../../../lambdas/shared/observability';
import { securityEventSchema } from '../../../lambdas/shared/security/event-schema';
import { freePort } from '../../helpers/free-port';
import { type Caller, callers, lambdaContext, restEvent } from '../../unit/reports/events';
import { startUpstream, type Upstream } from './upstream-server';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

const RESOURCE = '/v1/market/{proxy+}';
let upstream: Upstream;
let agent: UpstreamAgent;
const obs = createObservability('edge-proxy');
let proxy: ReturnType<typeof createEdgeProxy>;

beforeAll(async () => {
  upstream = await startUpstream();
  agent = createUpstreamAgent();
  proxy = createEdgeProxy({ obs, agent, backendUrl: () => upstream.baseUrl });
});
afterAll(async () => {
  await agent.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.seen.length = 0;
  vi.restoreAllMocks();
});

function ev(
  proxyPath: string,
  o: Partial<Parameters<typeof restEvent>[0]> & { caller?: Caller | null } = {},
): Parameters<typeof restEvent>[0] {
  return {
    method: 'GET',
    resource: RESOURCE,
    path: `/v1/market/${proxyPath}`,
    caller: callers.acmeAlice,
    pathParameters: { proxy: proxyPath },
    ...o,
  };
}
const call = (e: Parameters<typeof restEvent>[0], h = proxy) => h(restEvent(e), lambdaContext);
const bytesOf = (r: APIGatewayProxyResult) => Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('identity headers', () => {
  it('injects the token tenant and strips client-sent copies (X-Tenant-Id: victim)', async () => {
    const spy = vi.spyOn(obs.metrics, 'addMetric');
    const warn = vi.spyOn(obs.logger, 'warn');
    const r = await call(
      ev('echo', {
        headers: {
          'X-Tenant-Id': 'victim',
          'x-user-id': 'root',
          'X-User-Roles': 'platform-admin',
          'X-TIER': 'enterprise',
          'X-Request-Id': 'forged',
          X_Tenant_Id: 'victim2',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          Authorization: 'Bearer eyJ.secret.token',
          Connection: 'X-Hop',
          'X-Hop': 'x',
          Accept: 'application/json',
          'Accept-Encoding': 'gzip, br',
        },
      }),
    );
    expect(r.statusCode).toBe(200);
    const seen = upstream.seen[0]!;
    expect(seen.headers['x-tenant-id']).toBe('acme');
    expect(seen.headers['x-user-id']).toBe('alice');
    expect(seen.headers['x-user-roles']).toBe('user');
    expect(seen.headers['x-tier']).toBe('standard');
    expect(seen.headers['x-request-id']).toMatch(/^req-/);
    expect(seen.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(seen.headers.accept).toBe('application/json');
    expect(seen.headers['accept-encoding']).toBe('identity');
    const names = seen.rawHeaders
      .filter((_, i) => i % 2 === 0)
      .map((n) => n.toLowerCase().replaceAll('_', '-'));
    expect(names.filter((n) => n === 'x-tenant-id')).toHaveLength(1);
    expect(seen.rawHeaders).not.toContain('victim');
    expect(seen.rawHeaders).not.toContain('victim2');
    expect(spy).toHaveBeenCalledWith('IdentityHeaderSpoofAttempt', 'Count', 1);
    // One IdentityHeaderSpoof security event (the schema's), naming the headers, never their values.
    const logged = warn.mock.calls.find((c) => c[0] === 'client-sent identity headers stripped');
    const event = securityEventSchema.parse(
      (logged?.[1] as Record<string, unknown> | undefined)?.security_event,
    );
    expect(event).toMatchObject({
      type: 'IdentityHeaderSpoof',
      outcome: 'ignored',
      reason: 'identity_headers_stripped',
      tenantId: 'acme',
      principal: 'alice',
      route: RESOURCE,
    });
    expect(String(event.details.headers).split(',').sort()).toEqual([
      'x-tenant-id',
      'x-tier',
      'x-user-id',
      'x-user-roles',
    ]);
    expect(JSON.stringify(event)).not.toMatch(/victim|enterprise|eyJ/);
    warn.mockRestore();
  });

  it('401 without tenant context, 403 without an allowed role, 404 for a non-http route — upstream untouched', async () => {
    expect((await call(ev('echo', { caller: null }))).statusCode).toBe(401);
    const noRoles: Caller = { ...callers.acmeAlice, roles: [] };
    expect((await call(ev('echo', { caller: noRoles }))).statusCode).toBe(403);
    expect(
      (await call({ method: 'GET', resource: '/v1/reports', path: '/v1/reports', caller: callers.acmeAlice }))
        .statusCode,
    ).toBe(404);
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('request forwarding', () => {
  it('forwards method, path remainder and repeated query keys', async () => {
    const r = await call(
      ev('echo/quotes/AC ME', {
        method: 'DELETE',
        multiQuery: { sym: ['A', 'B', 'A'], q: ['x y&z'] },
      }),
    );
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body).method).toBe('DELETE');
    expect(upstream.seen[0]!.url).toBe('/echo/quotes/AC%20ME?sym=A&sym=B&sym=A&q=x%20y%26z');
  });

  it('round-trips a 5 MB text body byte-exact', async () => {
    const text = Buffer.from(randomBytes(3.75 * 1024 * 1024).toString('base64'), 'utf8');
    expect(text.length).toBe(5 * 1024 * 1024);
    const r = await call(
      ev('mirror', {
        method: 'POST',
        query: { type: 'text/plain; charset=utf-8' },
        headers: { 'content-type': 'text/plain' },
        body: text.toString('utf8'),
      }),
    );
    expect(r.statusCode).toBe(200);
    expect(r.isBase64Encoded).toBe(false);
    expect(upstream.seen[0]!.body.length).toBe(text.length);
    expect(sha(bytesOf(r))).toBe(sha(text));
  });

  it('round-trips a binary body byte-exact (base64 in, base64 out)', async () => {
    const bin = randomBytes(1024 * 1024 + 7);
    const r = await call(
      ev('mirror', {
        method: 'PUT',
        query: { type: 'application/octet-stream' },
        headers: { 'content-type': 'application/octet-stream' },
        body: bin.toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(r.statusCode).toBe(200);
    expect(r.isBase64Encoded).toBe(true);
    expect(sha(upstream.seen[0]!.body)).toBe(sha(bin));
    expect(bytesOf(r).equals(bin)).toBe(true);
  });

  it('never sends a body on GET/HEAD', async () => {
    await call(ev('echo', { method: 'GET', body: 'ignored' }));
    const head = await call(ev('echo', { method: 'HEAD' }));
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(upstream.seen.map((s) => s.body.length)).toEqual([0, 0]);
  });

  it('rejects dot segments with 400 before reaching the upstream', async () => {
    const r = await call(ev('../admin', {}));
    expect(r.statusCode).toBe(400);
    expect(upstream.seen).toHaveLength(0);
  });

  it('reuses one keep-alive connection across invocations', async () => {
    const before = upstream.connections();
    for (let i = 0; i < 5; i++) expect((await call(ev('echo'))).statusCode).toBe(200);
    expect(upstream.connections() - before).toBeLessThanOrEqual(1);
  });
});

describe('responses', () => {
  it('passes headers back without hop-by-hop or server internals; repeated Set-Cookie as multi-value', async () => {
    const r = await call(ev('cookies'));
    expect(r.multiValueHeaders?.['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(r.headers?.['content-type']).toBe('text/plain; charset=utf-8');
    for (const h of ['server', 'x-powered-by', 'keep-alive', 'connection', 'content-length']) {
      expect(r.headers?.[h]).toBeUndefined();
    }
    expect(r.body).toBe('ok');
  });

  it('passes upstream 4xx/5xx through and counts 5xx', async () => {
    const spy = vi.spyOn(obs.metrics, 'addMetric');
    const r503 = await call(ev('status/503'));
    expect(r503.statusCode).toBe(503);
    expect(JSON.parse(r503.body)).toEqual({ upstream: 'said', code: 503 });
    expect(spy).toHaveBeenCalledWith('Upstream5xx', 'Count', 1);
    spy.mockClear();
    expect((await call(ev('status/404'))).statusCode).toBe(404);
    expect(spy).not.toHaveBeenCalledWith('Upstream5xx', 'Count', 1);
  });

  it('answers 502 when the body exceeds maxResponseBytes', async () => {
    const small = createEdgeProxy({
      obs,
      agent,
      backendUrl: () => upstream.baseUrl,
      maxResponseBytes: 1000,
    });
    const big = await call(
      ev('mirror', { method: 'POST', body: 'x'.repeat(1001), query: { type: 'text/plain' } }),
      small,
    );
    expect(big.statusCode).toBe(502);
    // 900 raw bytes fit, but base64 (1200) does not.
    const bin = await call(
      ev('mirror', { method: 'POST', body: 'x'.repeat(900), query: { type: 'image/png' } }),
      small,
    );
    expect(bin.statusCode).toBe(502);
    const ok = await call(
      ev('mirror', { method: 'POST', body: 'x'.repeat(900), query: { type: 'text/plain' } }),
      small,
    );
    expect(ok.statusCode).toBe(200);
  });
});

describe('upstream failures', () => {
  it('slow upstream → 504 problem within the route timeout (5000 ms)', async () => {
    const spy = vi.spyOn(obs.metrics, 'addMetric');
    const t0 = performance.now();
    const r = await call(ev('slow', { query: { ms: '15000' } }));
    const elapsed = performance.now() - t0;
    expect(r.statusCode).toBe(504);
    expect(r.headers?.['content-type']).toBe('application/problem+json');
    expect(elapsed).toBeGreaterThanOrEqual(4_900);
    expect(elapsed).toBeLessThan(6_000);
    expect(r.body).not.toMatch(/127\.0\.0\.1|slow|UND_ERR|abort/i);
    expect(spy).toHaveBeenCalledWith('UpstreamTimeout', 'Count', 1);
  });

  it('upstream down → 502 problem without internals', async () => {
    const port = await freePort();
    const down = createEdgeProxy({ obs, agent, backendUrl: () => `http://127.0.0.1:${port}/` });
    const r = await call(ev('echo'), down);
    expect(r.statusCode).toBe(502);
    expect(r.headers?.['content-type']).toBe('application/problem+json');
    expect(r.body).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${port}|ECONNREFUSED|connect`, 'i'));
  });

  it('unconfigured or non-http backend URL → 500 without details', async () => {
    for (const url of [undefined, 'ftp://x/', 'not a url']) {
      const bad = createEdgeProxy({ obs, agent, backendUrl: () => url });
      const r = await call(ev('echo'), bad);
      expect(r.statusCode).toBe(500);
      expect(r.body).not.toMatch(/ftp|HTTP_BACKEND/);
    }
  });
});

describe('handler.ts', () => {
  it('reads HTTP_BACKEND_MARKETDATA and forwards with the container agent', async () => {
    vi.stubEnv('HTTP_BACKEND_MARKETDATA', upstream.baseUrl);
    const { handler } = await import('../../../lambdas/edge-proxy/handler');
    const r = await handler(restEvent(ev('echo', { headers: { 'X-Tenant-Id': 'victim' } })), lambdaContext);
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body).headers['x-tenant-id']).toBe('acme');
  });
});

describe('behind the rate-limit step', () => {
  it('a 429 from the limiter never reaches the upstream; allowed responses carry rate-limit headers', async () => {
    const rl = await import('../../../lambdas/shared/rate-limit');
    const policy = new rl.StaticPolicySource();
    policy.setTenantRules('acme', [
      {
        id: 'market-tiny',
        scope: 'tenant',
        kind: 'rate',
        limit: 2,
        periodSec: 3600,
        burst: 2,
        match: { route: 'ANY /v1/market/{proxy+}' },
      },
    ]);
    rl.configureRateLimiter({ store: new rl.MemoryStore(), policySource: policy });
    try {
      vi.stubEnv('HTTP_BACKEND_MARKETDATA', upstream.baseUrl);
      const { handler } = await import('../../../lambdas/edge-proxy/handler');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await handler(restEvent(ev('echo', { method: 'POST', body: `n${i}` })), lambdaContext);
        statuses.push(r.statusCode);
        if (r.statusCode === 200) expect(r.headers?.['X-RateLimit-Limit']).toBeDefined();
        else expect(JSON.parse(r.body)['violated-policies']).toContain('market-tiny');
      }
      expect(statuses).toEqual([200, 200, 429, 429, 429]);
      expect(upstream.seen.map((s) => s.body.toString())).toEqual(['n0', 'n1']);
    } finally {
      await rl.resetRateLimiter();
    }
  });
});

describe('apm_monitoring_enabled gates UpstreamLatency', () => {
  it('emits the upstream latency (ms) only while the flag is on; the answer is the same either way', async () => {
    for (const on of [true, false]) {
      const gated = createEdgeProxy({
        obs,
        agent,
        backendUrl: () => upstream.baseUrl,
        flags: { isEnabled: async (n) => (n === 'apm_monitoring_enabled' ? on : true) },
      });
      const spy = vi.spyOn(obs.metrics, 'addMetric');
      const r = await call(ev('echo'), gated);
      expect(r.statusCode).toBe(200);
      const names = spy.mock.calls.map((c) => c[0]);
      expect(names.includes('UpstreamLatency'), `flag ${on}`).toBe(on);
      spy.mockRestore();
    }
  });
});
