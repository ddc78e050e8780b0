import { type ConsoleRuntimeConfig, consoleRuntimeConfigSchema } from '../../lib/config/console';

export type { ConsoleRuntimeConfig };

/**
 * Loads the stage's runtime configuration (`<base>/config.json`, written per stage by CDK and served by the local
 * stack), so one build serves every stage.
 * @throws {Error} when the file cannot be fetched or does not match `consoleRuntimeConfigSchema`
 */
export async function loadRuntimeConfig(
  fetchFn: typeof fetch = fetch,
  base: string = import.meta.env.BASE_URL,
): Promise<ConsoleRuntimeConfig> {
  const res = await fetchFn(`${base}config.json`, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const parsed = consoleRuntimeConfigSchema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success)
    throw new Error(`config.json is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}
