import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: `LOCAL_ROOT_DIR` (set by the `npm start` launcher before it loads the pre-built bundle, whose
 * own location is `.local/build/`), else the parent of this `local/` directory.
 * @param env environment to read (default `process.env`)
 */
export function repoRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_ROOT_DIR ? resolve(env.LOCAL_ROOT_DIR) : fileURLToPath(new URL('..', import.meta.url));
}
