/**
 * The zod the runtime schemas of `lib/config` and the Lambdas are written with: `zod/mini` (zod 4's tree-shakable
 * API — the same core schemas, checks and issues as the classic `zod` API, as functions instead of methods), with
 * zod's English messages switched on.
 *
 * Why mini: a bundle that holds one classic schema carries every method of every classic schema type and their JSON
 * Schema conversion (~60 KiB minified in the reports Lambda), which the 500 KiB Lambda budgets
 * (`lib/config/budgets.ts`) have no room for. Why the locale: the classic entry point installs the English messages
 * when it loads, `zod/mini` does not, so a bundle with no classic zod would answer "Invalid input" where the API has
 * always said e.g. "Invalid input: expected string, received number". The messages are global: installing them
 * here changes nothing for code that also loads classic zod.
 *
 * Import it as `import * as z from '<…>/lib/config/zod'`; write a classic `z.string().min(1).optional()` as
 * `z.optional(z.string().check(z.minLength(1)))` — the same checks in the same order give the same result.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

// `en` by name, not `z.locales.en`: the `locales` namespace object would bring every language into the bundle.
config(en());

export * from 'zod/mini';
