import type { ConsoleRuntimeConfig } from '../../lib/config/console';

export type { ConsoleRuntimeConfig };

/**
 * Loads the stage's runtime configuration (`<base>/config.json`, written per stage by CDK and served by the local
 * stack), so one build serves every stage. Its schema (`consoleRuntimeConfigSchema`, and with it zod) is a chunk of
 * its own, fetched and run while `config.json` is on its way: in the start-up chunk it made the module evaluation
 * of every cold load — the load's longest task — longer by zod's set-up (docs/testing.md, "Web Vitals").
 * @throws {Error} when the file cannot be fetched or does not match `consoleRuntimeConfigSchema` (the message names
 * the first invalid field)
 */
export async function loadRuntimeConfig(
  fetchFn: typeof fetch = fetch,
  base: string = import.meta.env.BASE_URL,
): Promise<ConsoleRuntimeConfig> {
  const schema = import('../../lib/config/console').then((m) => m.consoleRuntimeConfigSchema);
  const res = await fetchFn(`${base}config.json`, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const body: unknown = await res.json().catch(() => undefined);
  const parsed = (await schema).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new Error(`config.json is invalid: ${where}${issue?.message ?? 'unknown'}`);
  }
  return parsed.data;
}
