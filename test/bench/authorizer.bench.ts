/**
 * Authorizer micro-benchmark (`npm run bench:authorizer`).
 *
 * Warm: per-token verify time of aws-jwt-verify (our verifier: RS256, JWKS cached, iss/aud/exp checks) against the
 * peer `jose.jwtVerify` on the same tokens and the same (cached, local) JWKS, plus the full authorizer call (header
 * extraction, verify, claims, cached tenant, whole-API policy). Cold: a fresh `node` process per sample that imports
 * an esbuild bundle (node22, esm, minified — as deployed) and does the first verify, JWKS fetched from a local http
 * endpoint; the peer does the same with jose's `createRemoteJWKSet`. Tenants are served from memory (in Lambda the
 * tenant lookup is a cached DynamoDB GetItem; it is not what is measured here).
 * Env: BENCH_TOKENS (distinct tokens, default 200), BENCH_ROUNDS (verifies per token and library, default 10),
 * BENCH_COLD (fresh processes per side, default 7).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BuildOptions, build } from 'esbuild';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { createAuthorizer } from '../../lambdas/authorizer/authorizer';
import { createFetchJwksCache } from '../../lambdas/authorizer/jwks';
import { AUTHORIZER_BUDGET } from '../../lib/config/budgets';
import { AUDIENCE, NS, startIssuer } from '../integration/authorizer/issuer';
import { DEMO_TENANTS } from '../integration/authorizer/tenants';
import { authorizerEvent } from '../unit/authorizer/support';

const ROOT = resolve(import.meta.dirname, '../..');
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const COLD = Number(process.env.BENCH_COLD ?? 7);

const quiet = {
  logger: { info() {}, warn() {}, error() {} },
  metrics: { singleMetric: () => ({ addDimension() {}, addMetadata() {}, addMetric() {} }) },
};

function stats(samples: number[]): { mean: number; p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: at(0.5), p99: at(0.99) };
}
const us = (v: number) => `${(v * 1000).toFixed(1)} µs`;
const ms = (v: number) => `${v.toFixed(1)} ms`.padEnd(9);

async function main(): Promise<void> {
  const iss = await startIssuer();
  const tenants = new Map(DEMO_TENANTS.map((t) => [t.tenantId, t]));
  try {
    const tokens: string[] = [];
    for (let i = 0; i < TOKENS; i++) tokens.push(await iss.mint({ sub: `user-${i}` }));
    const jwks = (await (await fetch(iss.jwksUri)).json()) as JSONWebKeySet;

    // ---------- warm ----------
    const authorize = createAuthorizer({
      issuer: iss.issuer,
      audience: AUDIENCE,
      claimsNamespace: NS,
      clockToleranceSec: 10,
      jwksCache: createFetchJwksCache(),
      getTenant: async (id) => tenants.get(id),
      ...quiet,
    });
    const joseKeys = createLocalJWKSet(jwks);
    const joseVerify = (t: string) =>
      jwtVerify(t, joseKeys, {
        issuer: iss.issuer,
        audience: AUDIENCE,
        algorithms: ['RS256'],
        clockTolerance: 10,
      });
    const events = tokens.map((t) => authorizerEvent({ authorization: `Bearer ${t}` }));
    // Warm-up both (JWKS fetched and key objects cached by each library; JIT).
    for (const t of tokens.slice(0, 50)) {
      await authorize.verifier.verify(t);
      await joseVerify(t);
    }
    const ours: number[] = [];
    const peer: number[] = [];
    const full: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i] as string;
        // Interleaved so both see the same machine state.
        let t0 = performance.now();
        await authorize.verifier.verify(t);
        ours.push(performance.now() - t0);
        t0 = performance.now();
        await joseVerify(t);
        peer.push(performance.now() - t0);
        t0 = performance.now();
        await authorize(events[i] as (typeof events)[number]);
        full.push(performance.now() - t0);
      }
    }
    const o = stats(ours);
    const p = stats(peer);
    const f = stats(full);

    // ---------- cold ----------
    await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
    const dir = await mkdtemp(join(ROOT, 'node_modules/.cache/authorizer-bench-'));
    try {
      // Four bundles (esbuild, as deployed): the verifier alone (ours vs peer: the fair comparison), the whole
      // authorizer core (also loads the DynamoDB SDK for the tenant repository), and the Lambda handler.
      const entries = {
        verifyOurs:
          `export { JwtVerifier } from 'aws-jwt-verify';\n` +
          `export { createFetchJwksCache } from ${JSON.stringify(join(ROOT, 'lambdas/authorizer/jwks'))};\n`,
        verifyPeer: `export { createRemoteJWKSet, jwtVerify } from 'jose';\n`,
        authorizer:
          `export { createAuthorizer } from ${JSON.stringify(join(ROOT, 'lambdas/authorizer/authorizer'))};\n` +
          `export { createFetchJwksCache } from ${JSON.stringify(join(ROOT, 'lambdas/authorizer/jwks'))};\n`,
      };
      const options: BuildOptions = {
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        minify: true,
        external: ['@aws-sdk/*'],
        logLevel: 'silent',
        nodePaths: [join(ROOT, 'node_modules')],
      };
      for (const [name, source] of Object.entries(entries)) {
        await writeFile(join(dir, `${name}.ts`), source);
        await build({
          ...options,
          entryPoints: [join(dir, `${name}.ts`)],
          outfile: join(dir, `${name}.mjs`),
        });
      }
      await build({
        ...options,
        entryPoints: [join(ROOT, 'lambdas/authorizer/handler.ts')],
        outfile: join(dir, 'handler.mjs'),
      });

      const token = tokens[0] as string;
      const c = JSON.stringify({ issuer: iss.issuer, audience: AUDIENCE, ns: NS, jwksUri: iss.jwksUri });
      const load = (name: string) => `
        const t0 = performance.now();
        const m = await import(${JSON.stringify(join(dir, `${name}.mjs`))});
        const t1 = performance.now();
        const c = ${c};`;
      const done = `
        const t2 = performance.now();
        process.stdout.write(JSON.stringify({ importMs: t1 - t0, totalMs: t2 - t0 }));`;
      const scripts = {
        verifyOurs: `${load('verifyOurs')}
          const v = m.JwtVerifier.create({ issuer: c.issuer, audience: c.audience, graceSeconds: 10 },
            { jwksCache: m.createFetchJwksCache() });
          await v.verify(${JSON.stringify(token)});${done}`,
        verifyPeer: `${load('verifyPeer')}
          const keys = m.createRemoteJWKSet(new URL(c.jwksUri));
          await m.jwtVerify(${JSON.stringify(token)}, keys, { issuer: c.issuer, audience: c.audience,
            algorithms: ['RS256'], clockTolerance: 10 });${done}`,
        authorizer: `${load('authorizer')}
          const a = m.createAuthorizer({ issuer: c.issuer, audience: c.audience, claimsNamespace: c.ns,
            clockToleranceSec: 10, jwksCache: m.createFetchJwksCache(), getTenant: async () => (${JSON.stringify(tenants.get('acme'))}),
            logger: { info() {}, warn() {}, error() {} },
            metrics: { singleMetric: () => ({ addDimension() {}, addMetadata() {}, addMetric() {} }) } });
          const r = await a(${JSON.stringify(events[0])});
          if (!r.context) throw new Error('not allowed');${done}`,
        handler: `${load('handler')}
          const t2 = performance.now();
          process.stdout.write(JSON.stringify({ importMs: t1 - t0, totalMs: t2 - t0 }));`,
      };
      const env = {
        ...process.env,
        AUTH0_ISSUER: 'https://bench.invalid/',
        AUTH0_AUDIENCE: AUDIENCE,
        AUTH0_CLAIMS_NAMESPACE: NS,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        TENANTS_TABLE: 'bench-tenants',
        AWS_REGION: 'eu-west-1',
      };
      const cold: Record<keyof typeof scripts, Sample[]> = {
        verifyOurs: [],
        verifyPeer: [],
        authorizer: [],
        handler: [],
      };
      for (let i = 0; i < COLD; i++) {
        for (const name of Object.keys(scripts) as (keyof typeof scripts)[]) {
          cold[name].push(await fresh(scripts[name], env));
        }
      }
      const med = (xs: Sample[], k: keyof Sample) => stats(xs.map((x) => x[k])).p50;

      const lines = [
        `authorizer micro-benchmark — node ${process.version}, ${TOKENS} tokens × ${ROUNDS} rounds (RS256, 2048-bit)`,
        '',
        'warm verify per token            mean        p50         p99',
        `  aws-jwt-verify (ours)          ${us(o.mean).padEnd(11)} ${us(o.p50).padEnd(11)} ${us(o.p99)}`,
        `  jose.jwtVerify (peer)          ${us(p.mean).padEnd(11)} ${us(p.p50).padEnd(11)} ${us(p.p99)}`,
        `  ratio ours/peer                ${(o.mean / p.mean).toFixed(2)}× (mean), ${(o.p50 / p.p50).toFixed(2)}× (p50)`,
        `  full authorizer call (ours)    ${us(f.mean).padEnd(11)} ${us(f.p50).padEnd(11)} ${us(f.p99)}`,
        '',
        `cold init in a fresh process (median of ${COLD}; esbuild bundles, minified)   import    import + first verify`,
        `  aws-jwt-verify verifier (ours)        ${ms(med(cold.verifyOurs, 'importMs'))} ${ms(med(cold.verifyOurs, 'totalMs'))}`,
        `  jose jwtVerify + remote JWKS (peer)   ${ms(med(cold.verifyPeer, 'importMs'))} ${ms(med(cold.verifyPeer, 'totalMs'))}`,
        `  ratio ours/peer (import + first verify) ${(med(cold.verifyOurs, 'totalMs') / med(cold.verifyPeer, 'totalMs')).toFixed(2)}×`,
        `  whole authorizer core, first authorize  ${ms(med(cold.authorizer, 'importMs'))} ${ms(med(cold.authorizer, 'totalMs'))}  (loads @aws-sdk/client-dynamodb)`,
        `  handler.ts bundle (Lambda entry)        ${ms(med(cold.handler, 'importMs'))}`,
      ];
      console.log(lines.join('\n'));
      const round = (x: number, d = 3) => Number(x.toFixed(d));
      const result = {
        warm_verify_p50_us: round(o.p50 * 1000, 1),
        peer_warm_verify_p50_us: round(p.p50 * 1000, 1),
        warm_ratio_p50: round(o.p50 / p.p50, 2),
        authorizer_call_p50_us: round(f.p50 * 1000, 1),
        cold_verify_ms: round(med(cold.verifyOurs, 'totalMs'), 1),
        peer_cold_verify_ms: round(med(cold.verifyPeer, 'totalMs'), 1),
        cold_ratio: round(med(cold.verifyOurs, 'totalMs') / med(cold.verifyPeer, 'totalMs'), 2),
        authorizer_call_p99_us: round(f.p99 * 1000, 1),
        // Budgets from lib/config/budgets.ts (AUTHORIZER_BUDGET).
        budget_call_p99_ms: AUTHORIZER_BUDGET.warmCallP99Ms,
        budget_cold_verify_ms: AUTHORIZER_BUDGET.coldVerifyMs,
        within_budget:
          f.p99 <= AUTHORIZER_BUDGET.warmCallP99Ms &&
          med(cold.verifyOurs, 'totalMs') <= AUTHORIZER_BUDGET.coldVerifyMs,
      };
      console.log(`RESULT ${JSON.stringify(result)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await iss.close();
  }
}

interface Sample {
  importMs: number;
  totalMs: number;
}

function fresh(script: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`child failed (${code}): ${err}`));
      else ok(JSON.parse(out) as Sample);
    });
  });
}

await main();
