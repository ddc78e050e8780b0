import type { z } from 'zod';
import { zodError } from './errors';

/**
 * Validates `value` with a zod schema.
 * @param prefix field-path prefix for errors: `path`, `query`, or none for the body (`rules.2.limit`)
 * @throws {ApiError} 400 listing every invalid field path
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const out = schema.safeParse(value);
  if (!out.success) throw zodError(out.error.issues, prefix);
  return out.data;
}
