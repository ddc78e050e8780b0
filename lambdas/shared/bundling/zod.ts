/**
 * Bundle-time stand-in for the `zod` entry point (esbuild alias, `lib/constructs/lambda-bundling.ts`). zod's own
 * entry exports `z` as a namespace object, and a bundler keeps every export of a namespace used as a value: each
 * `import { z } from 'zod'` costs ~445 KiB minified (every locale, JSON Schema conversion, the JIT compiler). Our
 * code imports `* as z` (shaken to what it uses); third-party modules that import `{ z }` — the Powertools parser
 * schemas — get the plain object below, which holds only the functions they call. A module calling a member missing
 * here fails when its schemas are built at load, which `npm run check:lambdas` does for every bundle.
 */
import * as classic from '../../../node_modules/zod/v4/classic/external.js';

export * from '../../../node_modules/zod/v4/classic/external.js';

/** The members of `z` that bundled third-party code uses (Powertools parser schemas: CloudWatch, EventBridge). */
export const z = {
  NEVER: classic.NEVER,
  array: classic.array,
  base64: classic.base64,
  boolean: classic.boolean,
  enum: classic.enum,
  iso: classic.iso,
  literal: classic.literal,
  looseObject: classic.looseObject,
  number: classic.number,
  object: classic.object,
  optional: classic.optional,
  record: classic.record,
  string: classic.string,
  union: classic.union,
  unknown: classic.unknown,
};

export default z;
