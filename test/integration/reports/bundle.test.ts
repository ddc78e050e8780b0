import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING } from '../../../lib/constructs/lambda-bundling';

const ROOT = resolve(import.meta.dirname, '../../..');

/** esbuild options of a deployed Lambda bundle (`LAMBDA_BUNDLING`, as `scripts/check-lambda-bundles.ts` spreads it). */
const deployed: BuildOptions = {
  ...LAMBDA_BUNDLING,
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  external: [...LAMBDA_BUNDLING.external],
  banner: { js: LAMBDA_BUNDLING.banner },
  alias: { ...LAMBDA_BUNDLING.alias },
  bundle: true,
  metafile: true,
  logLevel: 'silent',
};

/** Inputs of a bundle from zod's classic API (`zod/v4/classic/…`): each one drags in the whole classic layer. */
async function classicZodInputs(entry: string): Promise<string[]> {
  const r = await build({
    ...deployed,
    metafile: true,
    entryPoints: [join(ROOT, entry)],
    write: false,
    outdir: '/tmp',
  });
  return Object.keys(r.metafile.inputs).filter((f) => /node_modules\/zod\/v4\/classic\//.test(f));
}

describe('request Lambdas carry no classic zod (their bundles have no room for it: lib/config/budgets.ts)', () => {
  it.each(['lambdas/reports/handler.ts', 'lambdas/edge-proxy/handler.ts'])('%s', async (entry) => {
    expect(await classicZodInputs(entry)).toEqual([]);
  });
});

describe('the reports schemas, bundled alone as deployed, answer with the English messages of the API', () => {
  let dir = '';
  beforeAll(async () => {
    await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
    dir = await mkdtemp(join(ROOT, 'node_modules/.cache/reports-schemas-'));
    await build({
      ...deployed,
      entryPoints: [join(ROOT, 'lambdas/reports/schemas.ts')],
      outfile: join(dir, 's.mjs'),
    });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * Issues `{ path, message }` of each input, parsed in a fresh Node process that loads only the bundle: zod's
   * message configuration is global, and this test process has loaded classic zod (which installs English messages).
   */
  async function issuesInFreshProcess(schema: string, inputs: unknown[]): Promise<unknown[]> {
    const script = `const m = await import(${JSON.stringify(join(dir, 's.mjs'))});
const out = ${JSON.stringify(inputs)}.map((v) => {
  const r = m.${schema}.safeParse(v);
  return r.success ? { data: r.data } : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
});
process.stdout.write(JSON.stringify(out));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    return JSON.parse(stdout) as unknown[];
  }

  it('POST /v1/reports body: type, unknown key, text, size, tags', async () => {
    const out = await issuesInFreshProcess('createReportSchema', [
      { title: 5, body: 'b' },
      { title: 't', body: 'b', tenantId: 'other' },
      { title: '  ', body: 'b\u0000', tags: ['a', 'a'] },
      { title: 't', body: 'x'.repeat(32 * 1024 + 1), tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { title: ' T\u0065\u0301 ', body: 'b' },
    ]);
    expect(out).toEqual([
      [{ path: 'title', message: 'Invalid input: expected string, received number' }],
      [{ path: '', message: 'Unrecognized key: "tenantId"' }],
      [
        { path: 'title', message: 'title must not be empty' },
        { path: 'body', message: 'must not contain control characters' },
        { path: 'tags', message: 'tags must be unique' },
      ],
      [
        { path: 'body', message: 'at most 32768 bytes (UTF-8)' },
        { path: 'tags', message: 'at most 20 tags' },
      ],
      { data: { title: 'T\u00e9', body: 'b', tags: [] } },
    ]);
  });

  it('GET /v1/reports query: limit and cursor', async () => {
    const out = await issuesInFreshProcess('listQuerySchema', [
      { limit: '0' },
      { limit: 'ten' },
      { limit: '101', cursor: '' },
      { limit: '5', other: 'x' },
    ]);
    expect(out).toEqual([
      [{ path: 'limit', message: 'Too small: expected number to be >=1' }],
      [{ path: 'limit', message: 'limit must be an integer between 1 and 100' }],
      [
        { path: 'limit', message: 'Too big: expected number to be <=100' },
        { path: 'cursor', message: 'Too small: expected string to have >=1 characters' },
      ],
      { data: { limit: 5 } },
    ]);
  });
});
