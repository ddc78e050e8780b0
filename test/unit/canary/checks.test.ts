import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  type CanaryOptions,
  canaryCheckRoutes,
  failureSummary,
  runCanary,
  TOKEN_REFRESH_MARGIN_SEC,
  type TokenCache,
} from '../../../canary/checks';
import { CANARY_CHECKS, checksMatchRoutes, tokenEndpoint } from '../../../lib/config/canary';
import { getStageConfig } from '../../../lib/config/stages';
import { ApiCanary, bundleCanary } from '../../../lib/constructs/api-canary';
import { repoRoot } from '../../../local/paths';

const API = 'https://api.test/prod';
const TOKEN_URL = 'https://tenant.test/oauth/token';
const SECRET = 'very-secret-client-secret';
const TOKEN = 'eyJ.token.value';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

/** A stub `fetch`: answers by URL from `routes` (a status + JSON body, or a thrown error), records every call. */
function stubFetch(routes: Record<string, () => { status: number; body?: unknown } | Error>) {
  const calls: Call[] = [];
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    const answer = routes[url]?.() ?? { status: 404, body: { title: 'Not Found' } };
    if (answer instanceof Error) throw answer;
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status: answer.status,
    });
  }) as typeof fetch;
  return { f, calls };
}

const healthy = () => ({
  [TOKEN_URL]: () => ({
    status: 200,
    body: { access_token: TOKEN, expires_in: 86_400, token_type: 'Bearer' },
  }),
  [`${API}/health`]: () => ({ status: 200, body: { status: 'ok' } }),
  [`${API}/v1/me`]: () => ({ status: 200, body: { tenantId: 'marketedge' } }),
});

function options(f: typeof fetch, o: Partial<CanaryOptions> = {}): CanaryOptions {
  return {
    apiUrl: API,
    tokenUrl: TOKEN_URL,
    audience: 'https://api.marketedge.io',
    credentials: async () => ({ clientId: 'canary-client', clientSecret: SECRET }),
    fetch: f,
    ...o,
  };
}

describe('canary checks (lib/config/canary.ts)', () => {
  it('calls /health without and /v1/me with a token, both routes of the route table', () => {
    expect(CANARY_CHECKS.map((c) => [c.path, c.auth])).toEqual([
      ['/health', false],
      ['/v1/me', true],
    ]);
    expect(checksMatchRoutes()).toBe(true);
    expect(
      checksMatchRoutes([{ name: 'x', method: 'GET', path: '/v1/nope', auth: true, expectStatus: 200 }]),
    ).toBe(false);
    expect(
      checksMatchRoutes([{ name: 'h', method: 'GET', path: '/health', auth: true, expectStatus: 200 }]),
    ).toBe(false);
    expect(canaryCheckRoutes(CANARY_CHECKS)).toBe('GET /health, GET /v1/me (token)');
  });

  it("derives Auth0's token endpoint from the issuer", () => {
    expect(tokenEndpoint('https://marketedge.eu.auth0.com/')).toBe(
      'https://marketedge.eu.auth0.com/oauth/token',
    );
    expect(tokenEndpoint('http://localhost:3000')).toBe('http://localhost:3000/oauth/token');
  });
});

describe('runCanary (canary/checks.ts)', () => {
  it('a healthy stage: token by client credentials, then each check with its expected status', async () => {
    const { f, calls } = stubFetch(healthy());
    const run = await runCanary(options(f));
    expect(run.ok).toBe(true);
    expect(run.checks.map((c) => [c.name, c.status, c.ok])).toEqual([
      ['health', 200, true],
      ['me', 200, true],
    ]);
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, `${API}/health`, `${API}/v1/me`]);
    const form = new URLSearchParams(String(calls[0]?.init?.body));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'canary-client',
      client_secret: SECRET,
      audience: 'https://api.marketedge.io',
    });
    const headers = (i: number) => calls[i]?.init?.headers as Record<string, string>;
    expect(headers(1).authorization).toBeUndefined();
    expect(headers(2).authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps the token across runs until a minute before it expires, then fetches a new one', async () => {
    let now = 1_000_000;
    const cache: TokenCache = {};
    let reads = 0;
    const { f, calls } = stubFetch({
      ...healthy(),
      [TOKEN_URL]: () => ({ status: 200, body: { access_token: TOKEN, expires_in: 120 } }),
    });
    const o = options(f, {
      cache,
      now: () => now,
      credentials: async () => {
        reads++;
        return { clientId: 'c', clientSecret: SECRET };
      },
    });
    expect((await runCanary(o)).tokenMs).toBeGreaterThan(0);
    now += (120 - TOKEN_REFRESH_MARGIN_SEC - 1) * 1000;
    expect((await runCanary(o)).tokenMs).toBe(0);
    now += 2000;
    await runCanary(o);
    expect(calls.filter((c) => c.url === TOKEN_URL)).toHaveLength(2);
    expect(reads).toBe(2); // the secret is read only when a token is due
  });

  it('a token the API refuses (401) is dropped from the cache', async () => {
    const cache: TokenCache = {};
    const { f } = stubFetch({
      ...healthy(),
      [`${API}/v1/me`]: () => ({ status: 401, body: { title: 'Unauthorized' } }),
    });
    const run = await runCanary(options(f, { cache }));
    expect(run.ok).toBe(false);
    expect(run.checks[1]).toMatchObject({
      status: 401,
      ok: false,
      error: 'expected 200, got 401: Unauthorized',
    });
    expect(cache.token).toBeUndefined();
  });

  it('fails with the problem title when /health answers 503, and still runs the other checks', async () => {
    const { f } = stubFetch({
      ...healthy(),
      [`${API}/health`]: () => ({
        status: 503,
        body: { title: 'Service Unavailable', detail: 'maintenance' },
      }),
    });
    const run = await runCanary(options(f));
    expect(run.ok).toBe(false);
    expect(run.checks.map((c) => c.ok)).toEqual([false, true]);
    expect(failureSummary(run)).toBe('GET /health: expected 200, got 503: Service Unavailable (maintenance)');
  });

  it('a refused token request fails the run; the authenticated check is not sent', async () => {
    const { f, calls } = stubFetch({
      ...healthy(),
      [TOKEN_URL]: () => ({
        status: 401,
        body: { error: 'access_denied', error_description: 'Unauthorized' },
      }),
    });
    const run = await runCanary(options(f));
    expect(run).toMatchObject({
      ok: false,
      tokenMs: null,
      tokenError: 'token endpoint answered 401: access_denied: Unauthorized',
    });
    expect(run.checks[0]?.ok).toBe(true);
    expect(run.checks[1]).toMatchObject({ ok: false, status: 0 });
    expect(calls.map((c) => c.url)).not.toContain(`${API}/v1/me`);
    expect(failureSummary(run)).toMatch(/^token: token endpoint answered 401/);
  });

  it('credentials of the wrong shape name the bad fields, never their values', async () => {
    const { f } = stubFetch(healthy());
    const run = await runCanary(
      options(f, { credentials: async () => ({ clientId: 'c', client_secret: SECRET }) }),
    );
    expect(run.tokenError).toMatch(/^credentials invalid: /);
    expect(run.tokenError).toContain('clientSecret');
    expect(JSON.stringify(run)).not.toContain(SECRET);
  });

  it('network errors and timeouts are failures with status 0, not exceptions', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { f } = stubFetch({
      ...healthy(),
      [`${API}/health`]: () => new TypeError('fetch failed'),
      [`${API}/v1/me`]: () => timeout as unknown as Error,
    });
    const run = await runCanary(options(f));
    expect(run.checks.map((c) => [c.status, c.error])).toEqual([
      [0, 'fetch failed'],
      [0, 'timed out'],
    ]);
  });

  it('never puts the token or the client secret into the result', async () => {
    const { f } = stubFetch({
      ...healthy(),
      [`${API}/v1/me`]: () => ({ status: 500, body: 'x'.repeat(500) }),
    });
    const run = await runCanary(options(f));
    const text = JSON.stringify(run);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
    expect(run.checks[1]?.error?.length).toBeLessThan(260);
  });
});

describe('the Synthetics bundle (canary/index.ts → index.js)', () => {
  it('is CommonJS exporting handler, which refuses to run unconfigured (names the variable)', async () => {
    // Inside the checkout, so the external AWS SDK resolves from node_modules as the runtime's own copy would.
    mkdirSync(join(repoRoot(), '.local'), { recursive: true });
    const dir = bundleCanary(mkdtempSync(join(repoRoot(), '.local', 'canary-bundle-')));
    // The checkout is "type": "module"; the canary's zip has no package.json, so index.js is CommonJS there.
    writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
    const mod = createRequire(import.meta.url)(join(dir, 'index.js')) as { handler: () => Promise<unknown> };
    expect(typeof mod.handler).toBe('function');
    const saved = process.env.CANARY_API_URL;
    delete process.env.CANARY_API_URL;
    try {
      await expect(mod.handler()).rejects.toThrow(/CANARY_API_URL is not set/);
    } finally {
      if (saved !== undefined) process.env.CANARY_API_URL = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000); // esbuild bundles the canary first: seconds on a loaded 2-core machine, not the 5 s default
});

describe('ApiCanary and temporary files', () => {
  it('removes its temporary bundle directory once the asset is staged, and imports only AWS SDK v3', () => {
    // os.tmpdir() follows TMPDIR: a private one makes "nothing left behind" exact even with other synths running.
    mkdirSync(join(repoRoot(), '.local'), { recursive: true });
    const tmp = mkdtempSync(join(repoRoot(), '.local', 'canary-tmp-'));
    const out = mkdtempSync(join(repoRoot(), '.local', 'canary-out-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const app = new App({ outdir: out });
      const stack = new Stack(app, 'CanaryTmp');
      new ApiCanary(stack, 'Canary', { config: getStageConfig('dev'), apiUrl: 'https://api.test/dev' });
      const assembly = app.synth();
      expect(readdirSync(tmp)).toEqual([]);
      // The bundle reached the cloud assembly: one asset directory holds index.js.
      const assets = readdirSync(assembly.directory).filter((n) => n.startsWith('asset.'));
      const bundled = assets.map((a) => join(assembly.directory, a, 'index.js')).filter((f) => existsSync(f));
      expect(bundled).toHaveLength(1);
      const code = readFileSync(bundled[0]!, 'utf8');
      expect(code).toContain('@aws-sdk/client-secrets-manager');
      expect(code).not.toMatch(/require\(["']aws-sdk["']\)/);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(tmp, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000); // esbuild + a CDK synth: seconds on an idle machine, much longer on a loaded one
});
