import { pathToFileURL } from 'node:url';
import { SETTINGS } from '../lib/config/settings';
import type { RunningStack } from './stack';

/** A usage error of a CLI: printed as its message alone (no stack), exit code 2. */
export class CliUsage extends Error {
  override name = 'CliUsage';
}

/**
 * Runs `main` when `moduleUrl` is the script node was started with (not when imported by a test): exits with its
 * code; on an error prints `<name>: <message>` (a {@link CliUsage}: the message; else the stack) and exits 2.
 */
export function runCliMain(moduleUrl: string, name: string, main: () => Promise<number>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(
        `${name}: ${e instanceof Error ? (e instanceof CliUsage ? e.message : (e.stack ?? e.message)) : String(e)}\n`,
      );
      process.exit(2);
    },
  );
}

/**
 * Starts a local stack of stage `stageName` on a free port for a CLI that was given no `--url`: Lambda logs silenced
 * unless `POWERTOOLS_LOG_LEVEL` is set, access log and errors discarded. The caller stops it (`stack.stop()`).
 */
export async function startCliStack(stageName: string): Promise<RunningStack> {
  process.env[SETTINGS.stage.name] = stageName;
  process.env[SETTINGS.logLevel.name] ??= 'SILENT';
  const { startStack } = await import('./stack');
  return startStack({ port: 0, accessLog: () => undefined, onError: () => undefined });
}
