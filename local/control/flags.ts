import { FLAG_NAMES, type FlagName, type Flags } from '../../lib/config/flags';

/** The process-wide flag provider of the Lambdas' code (`lambdas/shared/flags.ts`), as the local stack drives it. */
export interface LocalFlagTarget {
  isEnabled(name: FlagName): Promise<boolean>;
  set(values: Partial<Flags>): void;
}

/** Current value of every flag as the handlers see it. */
export async function currentFlags(target: LocalFlagTarget): Promise<Flags> {
  const entries = await Promise.all(FLAG_NAMES.map(async (n) => [n, await target.isEnabled(n)] as const));
  return Object.fromEntries(entries) as Flags;
}

/**
 * Validates a `PUT /_local/flags` body: an object of known flag names → booleans.
 * @returns the values, or the field errors (`path` = flag name) when the body is not such an object
 */
export function parseFlagUpdate(
  body: unknown,
): { ok: true; values: Partial<Flags> } | { ok: false; errors: { path: string; message: string }[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ path: '(body)', message: 'must be a JSON object of flag name → boolean' }],
    };
  }
  const errors: { path: string; message: string }[] = [];
  const values: Partial<Flags> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!(FLAG_NAMES as string[]).includes(k)) errors.push({ path: k, message: 'unknown flag' });
    else if (typeof v !== 'boolean') errors.push({ path: k, message: 'must be a boolean' });
    else values[k as FlagName] = v;
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
