import { mkdir, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `fn` while holding a lock named `name` on the stack under test, across the run's workers (projects run in
 * parallel, so the same spec runs at once in Chromium and Firefox). For tests that change stack-wide state — a
 * feature flag through `/_local/flags` — and put it back afterwards: without the lock one browser's test turns the
 * flag off while the other's still needs it on. The lock is a directory (`mkdir` is atomic) keyed by the stack's
 * port, polled every 250 ms; at most `timeoutMs` (default 120 s) of waiting.
 * @throws Error when the lock is not free within `timeoutMs`
 */
export async function withStackLock<T>(name: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const dir = join(tmpdir(), `marketedge-e2e-${process.env.E2E_PORT ?? 'remote'}-${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() > deadline) throw new Error(`stack lock ${name} not free after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(dir);
  }
}
