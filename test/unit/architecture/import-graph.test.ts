import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Packages the graph may reach only as external imports (asserted below): CDK, and dynalite and DuckDB (native
 * deps; DuckDB serves the local stack's analytics reads, `local/analytics/reader.ts`).
 */
const EXTERNAL = ['aws-cdk-lib', 'constructs', 'dynalite', '@duckdb/node-api'];

/** Bundles `entry` as the local stack / CDK `NodejsFunction` do and returns esbuild's metafile. */
async function graphOf(entry: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outdir: join(root, '.local', 'import-graph'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    external: EXTERNAL,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Every import of the bundle that stayed external (package specifiers). */
function externalImports(meta: Metafile): string[] {
  return Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
}

const handlers = readdirSync(join(root, 'lambdas'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'shared')
  .map((d) => `lambdas/${d.name}/handler.ts`);

describe('import graph: run-time code never loads the CDK', () => {
  const graphs = new Map<string, Metafile>();
  beforeAll(async () => {
    for (const entry of ['local/run.ts', ...handlers]) graphs.set(entry, await graphOf(entry));
  }, 120_000);

  it('finds the entries it checks (the local stack and every Lambda handler)', () => {
    expect(handlers).toEqual(
      expect.arrayContaining(['lambdas/authorizer/handler.ts', 'lambdas/reports/handler.ts']),
    );
    expect(Object.keys(graphs.get('local/run.ts')!.inputs)).toEqual(
      expect.arrayContaining(['local/gateway/server.ts', 'lib/config/gateway.ts']),
    );
  });

  it.each(['local/run.ts', ...handlers])(
    '%s imports no aws-cdk-lib/constructs and no lib/constructs|stacks|monitoring',
    (entry) => {
      const meta = graphs.get(entry)!;
      const cdk = externalImports(meta).filter((p) => /^(aws-cdk-lib|constructs)(\/|$)/.test(p));
      expect(cdk).toEqual([]);
      const cdkSources = Object.keys(meta.inputs).filter((f) =>
        /^(lib\/(constructs|stacks|monitoring)\/|dashboards\/|node_modules\/(aws-cdk-lib|constructs)\/)/.test(
          f,
        ),
      );
      expect(cdkSources).toEqual([]);
    },
  );

  it.each(handlers)(
    '%s contains nothing of local/ (fault injection, drills and the metric store never reach a Lambda bundle)',
    (entry) => {
      const local = Object.keys(graphs.get(entry)!.inputs).filter((f) => f.startsWith('local/'));
      expect(local).toEqual([]);
    },
  );
});
