import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: `LOCAL_ROOT_DIR` (set by the `npm start` launcher before it loads the pre-built bundle, whose
 * own location is `.local/build/`), else the parent of this `local/` directory.
 * @param env environment to read (default `process.env`)
 */
export function repoRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_ROOT_DIR ? resolve(env.LOCAL_ROOT_DIR) : fileURLToPath(new URL('..', import.meta.url));
}

/**
 * Creates `file` with `contents` (mode 0600, its directory 0700) unless it exists, atomically: written to a temporary
 * file, then hard-linked into place, so concurrent first runs (parallel test workers, two stacks) all end up reading
 * the one file that won — never a half-written one. `contents` is called only when the file is missing (compute
 * anything asynchronous before, e.g. a key pair).
 * @throws file-system errors other than losing the race (`EEXIST`)
 */
export function createFileOnce(file: string, contents: () => string): void {
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents(), { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
}
