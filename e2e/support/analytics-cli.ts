import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `npm run analytics -- <args>` (the same CLI, `local/analytics/cli.ts`) over this stack's analytics store
 * (`E2E_ANALYTICS_DIR`, set by suite-config.ts as the stack's `ANALYTICS_DIR`), not the developer's `.local/`.
 * @returns the CLI's stdout
 * @throws {Error} when `E2E_ANALYTICS_DIR` is not set, or the CLI exits non-zero
 */
export async function analyticsCli(args: string[]): Promise<string> {
  const dir = process.env.E2E_ANALYTICS_DIR;
  if (!dir) throw new Error('E2E_ANALYTICS_DIR is not set: run the suites through playwright.config.ts');
  const { stdout } = await run('npm', ['run', '--silent', 'analytics', '--', ...args], {
    env: { ...process.env, ANALYTICS_DIR: dir },
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}
