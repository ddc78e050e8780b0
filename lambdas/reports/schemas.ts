import * as z from '../../lib/config/zod';
import { safeText } from '../shared/http/text';

/** Longest report title, characters. */
export const MAX_TITLE_CHARS = 200;
/** Largest report body, bytes of UTF-8 (32 KiB). */
export const MAX_BODY_BYTES = 32 * 1024;
/** Most tags per report. */
export const MAX_TAGS = 20;
/** Longest tag, characters. */
export const MAX_TAG_CHARS = 50;
/** Default and largest page size of `GET /v1/reports`. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/*
 * The reports Lambda's runtime schemas are written with `zod/mini` (zod 4's tree-shakable API: the same core schemas
 * and checks, as functions instead of methods): the classic `zod` API carries every method of every schema type and
 * its JSON Schema conversion into the bundle (~30 KiB minified), which the reports bundle has no room for
 * (`lib/config/budgets.ts`, `npm run check:lambdas`). The checks are the classic ones in the same order, so the
 * outputs and issues (paths and messages of the 400) are the same.
 */

/**
 * Body of `POST /v1/reports`. Strict: unknown members (e.g. a `tenantId`) are rejected with 400, since the tenant
 * comes only from the authorizer context. Text follows the hygiene rules of `lambdas/shared/http/text.ts` (no
 * control, bidi-override, BOM or lone-surrogate characters; NFC); the body may hold tabs and line breaks.
 */
export const createReportSchema = z.strictObject({
  title: safeText({ max: MAX_TITLE_CHARS, minMessage: 'title must not be empty' }),
  body: safeText({ min: 0, multiline: true, trim: false }).check(
    z.refine(
      (s) => Buffer.byteLength(s, 'utf8') <= MAX_BODY_BYTES,
      `at most ${MAX_BODY_BYTES} bytes (UTF-8)`,
    ),
  ),
  tags: z._default(
    z.array(safeText({ max: MAX_TAG_CHARS, minMessage: 'tag must not be empty' })).check(
      z.maxLength(MAX_TAGS, `at most ${MAX_TAGS} tags`),
      z.refine((tags) => new Set(tags).size === tags.length, 'tags must be unique'),
    ),
    [],
  ),
});

/** Query of `GET /v1/reports`: `limit` 1–100 (default 20), optional opaque `cursor`. Unknown keys are ignored. */
export const listQuerySchema = z.object({
  limit: z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, `limit must be an integer between 1 and ${MAX_PAGE_SIZE}`)),
        z.transform(Number),
      ),
      z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE_SIZE)),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});
