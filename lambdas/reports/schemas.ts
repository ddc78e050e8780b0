import * as z from 'zod';
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

/**
 * Body of `POST /v1/reports`. Strict: unknown members (e.g. a `tenantId`) are rejected with 400, since the tenant
 * comes only from the authorizer context. Text follows the hygiene rules of `lambdas/shared/http/text.ts` (no
 * control, bidi-override, BOM or lone-surrogate characters; NFC); the body may hold tabs and line breaks.
 */
export const createReportSchema = z
  .object({
    title: safeText({ max: MAX_TITLE_CHARS, minMessage: 'title must not be empty' }),
    body: safeText({ min: 0, multiline: true, trim: false }).refine(
      (s) => Buffer.byteLength(s, 'utf8') <= MAX_BODY_BYTES,
      `at most ${MAX_BODY_BYTES} bytes (UTF-8)`,
    ),
    tags: z
      .array(safeText({ max: MAX_TAG_CHARS, minMessage: 'tag must not be empty' }))
      .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
      .refine((tags) => new Set(tags).size === tags.length, 'tags must be unique')
      .default([]),
  })
  .strict();

/** Validated `POST /v1/reports` input. */

/** Query of `GET /v1/reports`: `limit` 1–100 (default 20), optional opaque `cursor`. Unknown keys are ignored. */
export const listQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `limit must be an integer between 1 and ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  cursor: z.string().min(1).max(200).optional(),
});
