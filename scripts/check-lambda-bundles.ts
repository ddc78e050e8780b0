/**
 * Lambda bundle budget (issue #17): bundles every `lambdas/<name>/handler.ts` exactly as CDK deploys it
 * (`LAMBDA_BUNDLING`, esbuild with a metafile), compares each minified size with `LAMBDA_BUNDLE_BUDGET_KIB`
 * (`lib/config/budgets.ts`), prints the packages that carry the weight, and measures cold module initialisation: the
 * bundle imported in a fresh Node process (median of `COLD_RUNS`, default 5; the authorizer benchmark's method),
 * once as a whole (with the AWS SDK modules it imports, as a Lambda init does) and once with those SDK modules
 * preloaded (the bundle's own evaluation, which is what its size changes).
 * Exits 1 when a bundle is over its size budget or fails to load (cold-import times are reported, not judged: they
 * depend on the machine). Ends with one `RESULT {json}` line.
 *
 * Usage: `npm run check:lambdas` (verify runs it); `COLD_RUNS=0` skips the cold-start measurement.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLE_BUDGET_KIB, LAMBDA_HANDLERS, type LambdaHandlerName } from '../lib/config/budgets';
import { LAMBDA_BUNDLING } from '../lib/constructs/lambda-bundling';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 5);
const TOP = 6;

/** Env a handler needs to get through module initialisation (literal values; nothing is called). */
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  STAGE: 'dev',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AUTH0_ISSUER: 'https://bench.invalid/',
  AUTH0_AUDIENCE: 'https://api.bench.invalid',
  AUTH0_CLAIMS_NAMESPACE: 'https://bench.invalid/',
};

/** Size of one package (or source folder) inside a bundle. */
interface Part {
  name: string;
  kib: number;
}

/** Groups a metafile output's inputs by npm package (or `lambdas/<x>`, `lib/<x>` for our code). */
function parts(meta: Metafile): Part[] {
  const out = Object.values(meta.outputs).find((o) => o.entryPoint);
  const sums = new Map<string, number>();
  for (const [file, input] of Object.entries(out?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    sums.set(pkg, (sums.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...sums].map(([name, bytes]) => ({ name, kib: bytes / 1024 })).sort((a, b) => b.kib - a.kib);
}

/** One fresh-process import: the whole init, and the bundle's own share (its external SDK modules preloaded). */
interface Cold {
  totalMs: number;
  bundleMs: number;
}

async function coldImport(file: string, externals: string[]): Promise<Cold> {
  // Two processes: one times the whole import (SDK included, as a Lambda init does), one preloads the external
  // SDK modules first and times only the bundle's own evaluation (what the size cuts change).
  const time = (preload: string[]) => `${preload.map((x) => `await import(${JSON.stringify(x)});`).join('\n')}
const t0 = performance.now(); const m = await import(${JSON.stringify(file)});
if (typeof m.handler !== 'function') throw new Error('no handler export');
process.stdout.write(String(performance.now() - t0));`;
  const totalMs = await run(time([]));
  const bundleMs = await run(time(externals));
  return { totalMs, bundleMs };
}

function run(script: string): Promise<number> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: ENV,
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
    child.on('close', (code) => (code === 0 ? ok(Number(out)) : fail(new Error(err.trim().split('\n')[0]))));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

async function main(): Promise<void> {
  // Under node_modules/.cache so the external AWS SDK resolves as it does in Lambda.
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'node_modules/.cache/lambda-bundles-'));
  const rows: {
    name: LambdaHandlerName;
    kib: number;
    budgetKib: number;
    coldImportMs: number | null;
    bundleEvalMs: number | null;
    ok: boolean;
    top: Part[];
    error?: string;
  }[] = [];
  try {
    for (const name of LAMBDA_HANDLERS) {
      const outfile = join(dir, `${name}.mjs`);
      const r = await build({
        ...LAMBDA_BUNDLING,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        external: [...LAMBDA_BUNDLING.external],
        banner: { js: LAMBDA_BUNDLING.banner },
        alias: { ...LAMBDA_BUNDLING.alias },
        entryPoints: [join(ROOT, 'lambdas', name, 'handler.ts')],
        bundle: true,
        outfile,
        metafile: true,
        logLevel: 'error',
      });
      const bytes =
        r.metafile.outputs[Object.keys(r.metafile.outputs).find((k) => k.endsWith('.mjs'))!]!.bytes;
      const kib = bytes / 1024;
      const budgetKib = LAMBDA_BUNDLE_BUDGET_KIB[name];
      const externals = [
        ...new Set(
          Object.values(r.metafile.outputs)
            .flatMap((o) => o.imports)
            .filter((i) => i.external && !i.path.startsWith('node:'))
            .map((i) => i.path),
        ),
      ];
      let coldImportMs: number | null = null;
      let bundleEvalMs: number | null = null;
      let error: string | undefined;
      if (COLD_RUNS > 0) {
        try {
          const xs: Cold[] = [];
          // Sequential: two cores, and a parallel run would time the neighbour.
          for (let i = 0; i < COLD_RUNS; i++) xs.push(await coldImport(outfile, externals));
          coldImportMs = median(xs.map((x) => x.totalMs));
          bundleEvalMs = median(xs.map((x) => x.bundleMs));
        } catch (e) {
          error = (e as Error).message;
        }
      }
      rows.push({
        name,
        kib,
        budgetKib,
        coldImportMs,
        bundleEvalMs,
        ok: kib <= budgetKib && !error,
        top: parts(r.metafile).slice(0, TOP),
        ...(error ? { error } : {}),
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const f = (x: number, d = 1) => x.toFixed(d);
  process.stdout.write(
    `Lambda bundles (esbuild, minified, as deployed; node ${process.version}; cold import median of ${COLD_RUNS})\n`,
  );
  for (const r of rows) {
    const cold =
      r.coldImportMs === null || r.bundleEvalMs === null
        ? 'n/a'
        : `${f(r.coldImportMs).padStart(6)} ms (bundle alone ${f(r.bundleEvalMs).padStart(5)} ms)`;
    process.stdout.write(
      `${r.ok ? 'ok  ' : 'OVER'} ${r.name.padEnd(19)} ${f(r.kib).padStart(7)} KiB / ${String(r.budgetKib).padStart(3)} KiB  cold import ${cold}\n`,
    );
    process.stdout.write(`       ${r.top.map((p) => `${p.name} ${f(p.kib)}`).join(', ')}\n`);
    if (r.error) process.stdout.write(`       load failed: ${r.error}\n`);
  }
  const ok = rows.every((r) => r.ok);
  const result = {
    check: 'lambda-bundle-budget',
    ok,
    bundles: Object.fromEntries(
      rows.map((r) => [
        r.name,
        {
          kib: Number(f(r.kib)),
          budget_kib: r.budgetKib,
          cold_import_ms: r.coldImportMs === null ? null : Number(f(r.coldImportMs)),
          bundle_eval_ms: r.bundleEvalMs === null ? null : Number(f(r.bundleEvalMs)),
        },
      ]),
    ),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exitCode = ok ? 0 : 1;
}

await main();
