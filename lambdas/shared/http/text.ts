import { USER_ID_PATTERN } from '../../../lib/config/data-model';
import * as z from '../../../lib/config/zod';

/** C0/C1 control characters and DEL, except tab, LF and CR (allowed in multi-line text only). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is this regex's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Tab, LF, CR: refused in single-line text and identifiers. */
const LINE_CONTROL = /[\t\n\r]/;
/** Bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI): "Trojan Source". */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
/** Byte-order mark / zero-width no-break space. */
const BOM = /\uFEFF/;
/** A UTF-16 surrogate not part of a pair (the `u` flag matches only lone ones). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why `s` is not acceptable user-visible text, or `undefined` when it is: no control characters (tab, LF and CR only
 * when `multiline`), no bidirectional override/isolate characters, no byte-order mark, no lone surrogate.
 */
export function textProblem(s: string, multiline = false): string | undefined {
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (no lone surrogates)';
  if (CONTROL.test(s) || (!multiline && LINE_CONTROL.test(s))) return 'must not contain control characters';
  if (BIDI.test(s)) return 'must not contain bidirectional override characters';
  if (BOM.test(s)) return 'must not contain a byte-order mark';
  return undefined;
}

/** Options of {@link safeText}. */
export interface TextOptions {
  /** Fewest characters after trimming and NFC (default 1). */
  readonly min?: number;
  /** Most characters after trimming and NFC (default: no limit here; e.g. a byte limit refined by the caller). */
  readonly max?: number;
  /** Tab, LF and CR allowed (default `false`). */
  readonly multiline?: boolean;
  /** Trim surrounding white space (default `true`). */
  readonly trim?: boolean;
  /** Message for `min` (default `must not be empty`). */
  readonly minMessage?: string;
}

/**
 * A zod schema of user-visible text (titles, names, reasons, tags): refuses what {@link textProblem} refuses, then
 * NFC-normalises (so visually equal strings compare equal), trims, and checks the length in characters.
 * Written with `zod/mini` (see `lambdas/reports/schemas.ts`); classic schemas compose it as any other
 * (`z.optional(safeText(…))`).
 */
export function safeText(o: TextOptions): z.ZodMiniType<string, string> {
  const min = z.minLength(o.min ?? 1, o.minMessage ?? 'must not be empty');
  return z.pipe(
    z.pipe(
      z.string().check(
        z.superRefine((s, ctx) => {
          const problem = textProblem(s, o.multiline);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      ),
      z.transform((s: string) => {
        const n = s.normalize('NFC');
        return o.trim === false ? n : n.trim();
      }),
    ),
    o.max === undefined
      ? z.string().check(min)
      : z.string().check(min, z.maxLength(o.max, `at most ${o.max} characters`)),
  );
}

/** A zod schema of a user id: `USER_ID_PATTERN` (`lib/config/data-model.ts`), 1–256 characters. */
export const userIdSchema = z
  .string()
  .check(z.regex(USER_ID_PATTERN, 'must be 1-256 of A-Z a-z 0-9 | @ . _ : + -, starting alphanumeric'));
