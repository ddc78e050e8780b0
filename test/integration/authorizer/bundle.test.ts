import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { authorizerEvent, isAllowed, methodArn } from '../../unit/authorizer/support';
import { AUDIENCE, NS } from './issuer';
import { seedTenants } from './tenants';

/** Bundle budget of the authorizer (issue 3: cold start small), bytes of minified ESM. */
const BUDGET_BYTES = 150 * 1000;
const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'lambdas/authorizer/handler.ts');

/**
 * Externals: only `@aws-sdk/*`, which the Lambda Node.js 22 runtime ships (AWS SDK v3). Everything else — Powertools,
 * aws-jwt-verify, zod — is bundled, because the runtime does not provide it.
 */
const EXTERNAL = ['@aws-sdk/*'];

let code = '';
let metafile: Metafile;
let dir = '';

beforeAll(async () => {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    // As deployed (lib/constructs/service-function.ts); its `createRequire` banner adds ~130 bytes.
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  code = out.outputFiles[0]?.text ?? '';
  metafile = out.metafile;
  // Inside node_modules so the bundle resolves the external @aws-sdk/* packages like the Lambda runtime would.
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  dir = await mkdtemp(join(ROOT, 'node_modules/.cache/authorizer-bundle-'));
  await writeFile(join(dir, 'handler.mjs'), code);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('authorizer bundle (esbuild: node22, esm, minified, externals @aws-sdk/*)', () => {
  it(`is at most ${BUDGET_BYTES / 1000} KB`, () => {
    const bytes = Buffer.byteLength(code);
    console.info(`authorizer bundle: ${(bytes / 1000).toFixed(1)} KB minified`);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('keeps the heavy modules out (X-Ray SDK, zod classic/locales) and imports only @aws-sdk/* and node: builtins', () => {
    // Inputs that contribute bytes (esbuild lists tree-shaken files with bytesInOutput 0).
    const inputs = Object.values(metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, v]) => v.bytesInOutput > 0)
        .map(([k]) => k),
    );
    expect(inputs.some((i) => i.includes('aws-xray-sdk-core'))).toBe(false);
    const zod = inputs.filter((i) => i.includes('node_modules/zod/'));
    expect(zod.filter((i) => /zod\/v4\/(locales|classic)\//.test(i))).toEqual([]);
    expect(zod.some((i) => i.includes('zod/v4/mini/'))).toBe(true);
    expect(inputs.some((i) => i.includes('aws-jwt-verify'))).toBe(true);
    const imports = Object.values(metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
    for (const p of imports) expect(p).toMatch(/^(@aws-sdk\/|node:|[a-z_]+$)/);
  });
});

describe('the bundle runs: default HTTPS JWKS fetcher against a self-signed local issuer, tenants in dynalite', () => {
  let server: Server | undefined;
  let db: LocalDynamo;
  let issuer = '';
  let mint: (claims?: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    // Self-signed cert for 127.0.0.1; the child trusts it through NODE_EXTRA_CA_CERTS, so aws-jwt-verify's
    // production (https-only) fetcher is exercised unchanged.
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'bundle-key', alg: 'RS256', use: 'sig' };
    server = createServer(
      { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
      (req, res) => {
        if (req.url === '/.well-known/jwks.json') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        } else res.writeHead(404).end();
      },
    );
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    mint = (claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        aud: AUDIENCE,
        sub: 'alice',
        iat: now,
        exp: now + 600,
        permissions: [],
        [`${NS}tenant_id`]: 'acme',
        [`${NS}roles`]: ['user'],
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'bundle-key' })
        .sign(privateKey);
    };
    db = await startDynalite('bundle');
    await seedTenants(db);
  });
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await db?.stop();
  });

  it('allows a user, denies a suspended tenant, 401s a bad token — and logs reasons, never tokens', async () => {
    const good = await mint();
    const suspended = await mint({ [`${NS}tenant_id`]: 'hooli' });
    const expired = await mint({ exp: Math.floor(Date.now() / 1000) - 3600 });
    const events = [
      authorizerEvent({ authorization: `Bearer ${good}` }),
      authorizerEvent({ authorization: `Bearer ${suspended}` }),
      authorizerEvent({ authorization: `Bearer ${expired}` }),
      authorizerEvent({ authorization: [`Bearer ${good}`, `Bearer ${good}`] }),
    ];
    await writeFile(join(dir, 'events.json'), JSON.stringify(events));
    const script = `
      const { readFileSync } = await import('node:fs');
      const { handler } = await import(${JSON.stringify(join(dir, 'handler.mjs'))});
      const events = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'events.json'))}, 'utf8'));
      const out = [];
      for (const e of events) out.push(await handler(e).then((r) => ({ ok: r }), (err) => ({ err: err.message })));
      process.stdout.write('\\nRESULTS ' + JSON.stringify(out) + '\\n');`;
    const {
      stdout,
      stderr,
      code: exit,
    } = await run(process.execPath, ['--input-type=module', '-e', script], {
      ...process.env,
      NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
      AUTH0_ISSUER: issuer,
      AUTH0_AUDIENCE: AUDIENCE,
      AUTH0_CLAIMS_NAMESPACE: NS,
      AUTH0_CLOCK_TOLERANCE_SEC: '5',
      TENANT_CACHE_TTL_SEC: '5',
      DYNAMODB_ENDPOINT: db.endpoint,
      TENANTS_TABLE: db.tables.tenants,
      AWS_REGION: 'eu-west-1',
      STAGE: 'dev',
      POWERTOOLS_DEV: '',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    expect(exit).toBe(0);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULTS '));
    const results = JSON.parse(line?.slice('RESULTS '.length) ?? '[]');
    expect(results[0].ok.context).toMatchObject({ tenantId: 'acme', userId: 'alice', roles: 'user' });
    expect(results[0].ok.usageIdentifierKey).toBe('key-value-acme-0123456789abcdef');
    expect(isAllowed(results[0].ok.policyDocument, methodArn('GET', '/v1/reports'))).toBe(true);
    expect(isAllowed(results[0].ok.policyDocument, methodArn('GET', '/admin/tenants'))).toBe(false);
    expect(results[1].ok.policyDocument.Statement[0].Effect).toBe('Deny');
    expect(results[2]).toEqual({ err: 'Unauthorized' });
    expect(results[3]).toEqual({ err: 'Unauthorized' });
    // Powertools JSON logs (stdout, WARN/ERROR on stderr) and EMF metrics (stdout): reasons and correlation ids,
    // never a token or an API key value.
    const records = `${stdout}\n${stderr}`
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const logs = records.filter((r) => !r._aws && r.reason);
    expect(logs.map((r) => r.reason)).toEqual(['tenant_suspended', 'token_expired', 'header_duplicate']);
    expect(logs.find((r) => r.reason === 'token_expired')).toMatchObject({
      level: 'WARN',
      service: 'authorizer',
      correlation_id: events[2]?.requestContext.requestId,
    });
    const emf = records.filter((r) => r._aws && r.AuthFailure === 1);
    expect(emf.map((r) => r.reason)).toEqual(['tenant_suspended', 'token_expired', 'header_duplicate']);
    expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'MarketEdge' });
    const logged = `${stdout
      .split('\n')
      .filter((l) => !l.startsWith('RESULTS '))
      .join('\n')}\n${stderr}`;
    for (const t of [good, suspended, expired]) {
      for (const part of t.split('.')) expect(logged).not.toContain(part);
    }
    expect(logged).not.toContain('key-value-acme');
    expect(logged).toContain('"message":"authorized"');
  });
});

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) console.error(stderr);
      resolvePromise({ stdout, stderr, code });
    });
  });
}
