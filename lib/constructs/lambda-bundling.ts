import { fileURLToPath } from 'node:url';

/**
 * esbuild banner for ESM bundles: CommonJS dependencies bundled into an ES module still call `require()` for Node
 * built-ins (ioredis, Powertools); `createRequire` gives them one. (No `__dirname`/`__filename` shims: a bundled
 * module declaring its own would turn into a duplicate declaration.)
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __marketedgeCreateRequire } from 'node:module'; const require = __marketedgeCreateRequire(import.meta.url);";

const shim = (file: string): string =>
  fileURLToPath(new URL(`../../lambdas/shared/bundling/${file}`, import.meta.url));
const pkg = (path: string): string => fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url));

/**
 * How every Lambda is bundled: the one source for CDK (`ServiceFunction`, through `NodejsFunction`'s esbuild CLI
 * call) and for the bundle-size check (`scripts/check-lambda-bundles.ts`, through esbuild's API with a metafile), so
 * the size that is checked is the size that is deployed. Shapes follow esbuild's `BuildOptions`.
 */
export const LAMBDA_BUNDLING = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  /**
   * The AWS SDK v3 packages the Node 22 Lambda runtime ships (the service clients and what they depend on), left
   * external: Powertools/ioredis/zod are bundled, these never. Not every `@aws-sdk/*` package is in the runtime:
   * `@aws-sdk/s3-request-presigner` (the admin API's export links) matches none of these patterns and is bundled
   * (~25 KiB with its `@smithy/core` parts; it signs with the runtime's `@aws-sdk/signature-v4-multi-region`).
   */
  external: [
    '@aws-sdk/client-*',
    '@aws-sdk/lib-*',
    '@aws-sdk/core',
    '@aws-sdk/types',
    '@aws-sdk/signature-v4-multi-region',
    '@aws-sdk/credential-provider-*',
    '@aws-sdk/middleware-*',
    '@aws-sdk/util-*',
  ],
  /**
   * Package-level stand-ins that keep the bundles within `lib/config/budgets.ts` (see each file's TSDoc):
   * `semver` (28 KiB, used for one version comparison at load), `debug` (10 KiB with its terminal helpers) and
   * `zod`'s entry (its `z` namespace export costs ~445 KiB in any bundle that imports `{ z }`; `zod/mini` keeps
   * its own entry, and so does `zod/locales`, from which `lib/config/zod.ts` takes the English messages — the longer
   * alias wins).
   */
  alias: {
    zod: shim('zod.ts'),
    'zod/mini': pkg('zod/v4/mini/index.js'),
    'zod/locales': pkg('zod/v4/locales/index.js'),
    semver: shim('semver-gte.ts'),
    debug: shim('debug.ts'),
  },
} as const;
