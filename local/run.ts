/**
 * The local stack entry point (`npm start` runs it from a bundle, see `start.mjs`). Prints the banner, then one JSON
 * access-log line per request on stdout. SIGINT/SIGTERM stop everything (including a redis-server it started).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { banner } from './banner';
import { startStack } from './stack';

async function main(): Promise<void> {
  const stack = await startStack();
  process.stdout.write(`${banner(stack, performance.now())}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[local] ${signal}: stopping\n`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  const hint = err.code === 'EADDRINUSE' ? ' (port in use: set PORT=<free port>)' : '';
  process.stderr.write(`[local] failed to start: ${err.message ?? String(e)}${hint}\n`);
  process.exit(1);
});
