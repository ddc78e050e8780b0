import * as z from '../../../lib/config/zod';
import { fieldErrors, validationError } from './problem';

/**
 * Validates `value` with a zod schema, classic (`zod`) or `zod/mini` (`lib/config/zod.ts`, which also installs the
 * English messages the errors carry).
 * @param prefix field-path prefix for errors: `path`, `query`, or none for the body (`rules.2.limit`)
 * @returns the schema's output
 * @throws {HttpError} 400 listing every invalid field path
 */
export function parse<S extends z.core.$ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const out = z.safeParse(schema, value);
  if (!out.success) throw validationError(fieldErrors(out.error.issues, prefix));
  return out.data;
}
