// @ts-check
/**
 * `npm start`: starts the local stack (docs/local.md). `node local/start.mjs --build` (the `prepare` script, run by
 * `npm ci`) only builds.
 *
 * The stack's TypeScript entry point is `local/run.ts`. To keep start-up well inside its 10 s budget on a busy
 * 2-core machine, this launcher runs an esbuild bundle of it (`.local/build/stack/`, ES modules, code-split,
 * linked source maps) with plain Node: one pre-linked file loads in about
 * 1 s of CPU where ~1 000 modules through the TypeScript loader take 3–5 s. The bundle is rebuilt whenever an input
 * (a source file or a bundled `node_modules` file) or `package-lock.json` is newer than it. It is the same source the
 * Lambdas are bundled from (CDK `NodejsFunction` bundles with esbuild too). `LOCAL_NO_BUNDLE=1` runs the sources
 * through tsx instead (also the fallback when bundling fails).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = join(root, '.local', 'build');
const outDir = join(buildDir, 'stack');
const entry = join(outDir, 'run.js');
const inputsFile = join(buildDir, 'stack.inputs.json');

/**
 * Packages left out of the bundle (loaded from node_modules at run time). The stack never imports aws-cdk-lib (the
 * gateway contract is `lib/config/gateway.ts`, pure data; test/unit/architecture/import-graph.test.ts proves it);
 * it stays listed so an accidental import would load it from node_modules rather than bloat the bundle. DuckDB
 * (`@duckdb/node-api`, the local analytics reader) loads a native addon per platform, which esbuild cannot bundle.
 */
const EXTERNAL = ['aws-cdk-lib', 'dynalite', '@duckdb/node-api'];

/** @returns {boolean} whether the bundle exists and no input is newer than it */
function isFresh() {
  try {
    const builtAt = statSync(entry).mtimeMs;
    /** @type {string[]} */
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    for (const f of [...inputs, 'package-lock.json']) {
      if (statSync(resolve(root, f)).mtimeMs > builtAt) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the bundle unless it is fresh.
 * @returns {Promise<string>} path of the entry chunk
 * @throws esbuild build errors
 */
async function ensureBundle() {
  if (isFresh()) return entry;
  const { build, stop } = await import('esbuild');
  const tmp = join(buildDir, `tmp-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { run: join(root, 'local', 'run.ts') },
      outdir: tmp,
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      metafile: true,
      external: EXTERNAL,
      outExtension: { '.js': '.js' },
      // CommonJS dependencies call require(); give each ES module chunk one.
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    // The output directory needs a package.json saying these .js files are ES modules (the repo's says so too,
    // but .local/build is outside any package scope when copied elsewhere).
    writeFileSync(join(tmp, 'package.json'), '{"type":"module"}\n');
    writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await stop();
  }
  return entry;
}

/** Console build marker: Vite's manifest, written last. */
const consoleManifest = join(root, 'web', 'dist', '.vite', 'manifest.json');

/** @returns {number} newest mtime (ms) of the console's inputs: `web/` (not `dist`), `lib/config/`, the lock file */
function newestConsoleInput() {
  let newest = statSync(join(root, 'package-lock.json')).mtimeMs;
  /** @param {string} dir */
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'dist' || e.name === 'node_modules' || e.name === 'test') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(root, 'web'));
  walk(join(root, 'lib', 'config'));
  return newest;
}

/**
 * Builds the web console (`web/dist`, served at `/console/`) with Vite when it is missing or older than an input.
 * A failed build is reported and the stack starts anyway (`/console/` then answers 503 with how to build).
 */
function ensureConsole() {
  try {
    if (statSync(consoleManifest).mtimeMs >= newestConsoleInput()) return;
  } catch {
    // missing: build
  }
  const t0 = performance.now();
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    },
  );
  if (r.status === 0)
    process.stdout.write(
      `web console built in ${((performance.now() - t0) / 1000).toFixed(1)} s: web/dist\n`,
    );
  else
    process.stderr.write(`web console build failed (exit ${r.status}); run npm run build:web to see why\n`);
}

async function runSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'local', 'run.ts')).href);
}

process.env.LOCAL_ROOT_DIR ??= root;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Tracing is off locally (POWERTOOLS_TRACE_ENABLED=false, local/stack.ts), but importing aws-xray-sdk-core (via the
// Powertools Tracer) in its default automatic mode creates a cls-hooked namespace: an async_hooks hook with a destroy
// callback on every promise of the process, which cost more CPU and GC per request than the rest of the edge path
// under `npm run load` (docs/load-testing.md). Manual mode skips that namespace; no trace is recorded either way.
if (process.env.POWERTOOLS_TRACE_ENABLED !== 'true') process.env.AWS_XRAY_MANUAL_MODE ??= 'true';

ensureConsole();
if (process.argv.includes('--build')) {
  await ensureBundle().then(
    (file) => process.stdout.write(`local stack bundle ready: ${file}\n`),
    (e) => process.stderr.write(`local stack bundle not built (npm start will retry): ${String(e)}\n`),
  );
} else if (process.env.LOCAL_NO_BUNDLE === '1') {
  await runSources();
} else {
  /** @type {string | undefined} */
  let bundle;
  try {
    bundle = await ensureBundle();
  } catch (e) {
    process.stderr.write(`[local] bundling failed, running the sources with tsx: ${String(e)}\n`);
  }
  if (bundle) {
    process.setSourceMapsEnabled(true);
    await import(pathToFileURL(bundle).href);
  } else {
    await runSources();
  }
}
