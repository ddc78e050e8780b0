/**
 * Bundle-time stand-in for the `debug` package (esbuild alias, `lib/constructs/lambda-bundling.ts`), used by ioredis
 * for its `ioredis:*` debug output. Same contract for what ioredis calls — `debug(namespace)` returns a logger with
 * `enabled`, `namespace`, `extend` and `destroy` — and the same switch: `DEBUG=ioredis:*` (comma- or
 * space-separated patterns, `*` wildcards, `-pattern` excludes) prints `util.format`ted lines to stderr. Without the
 * colour and terminal detection of the real package (10 KiB minified with its dependencies), which Lambda has no
 * use for.
 */
import { format } from 'node:util';

/** A namespaced debug logger. */
export interface Debugger {
  (...args: unknown[]): void;
  readonly namespace: string;
  enabled: boolean;
  extend(suffix: string, delimiter?: string): Debugger;
  destroy(): boolean;
}

function toRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`);
}

/** Whether `namespace` is switched on by the `DEBUG` environment variable. */
export function isEnabled(namespace: string, setting = process.env.DEBUG ?? ''): boolean {
  let on = false;
  for (const raw of setting.split(/[\s,]+/)) {
    if (!raw) continue;
    if (raw.startsWith('-')) {
      if (toRegExp(raw.slice(1)).test(namespace)) return false;
    } else if (toRegExp(raw).test(namespace)) {
      on = true;
    }
  }
  return on;
}

/** Creates the logger of `namespace` (enabled per {@link isEnabled} at creation). */
export default function debug(namespace: string): Debugger {
  const fn = ((...args: unknown[]) => {
    if (!fn.enabled) return;
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${format(...args)}\n`);
  }) as Debugger;
  Object.defineProperty(fn, 'namespace', { value: namespace });
  fn.enabled = isEnabled(namespace);
  fn.extend = (suffix: string, delimiter = ':') => debug(`${namespace}${delimiter}${suffix}`);
  fn.destroy = () => false;
  return fn;
}
