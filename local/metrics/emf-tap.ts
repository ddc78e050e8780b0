/**
 * The local stand-in for the CloudWatch Logs agent of a Lambda: Powertools Metrics writes each EMF line to stdout
 * (`console.log` of a `Console` on `process.stdout`), so the local stack reads them where they are written. One tap
 * per process, shared by every listener (a test process may run more than one stack; each then sees every line).
 */

type Write = typeof process.stdout.write;
type Listener = (line: string) => void;

const listeners = new Set<Listener>();
let original: Write | undefined;
let tap: Write | undefined;
let echoCount = 0;

/**
 * Passes every EMF line written to `process.stdout` (a line starting with `{"_aws"`) to `listener` until the returned
 * function is called. EMF lines are not printed unless some listener asked for `echo` (`LOCAL_EMF_ECHO=1` in the local
 * stack): in AWS they go to the log group, not to a terminal. Other output passes through untouched.
 */
export function tapEmf(listener: Listener, opts: { echo?: boolean } = {}): () => void {
  listeners.add(listener);
  if (opts.echo) echoCount++;
  if (!tap) install();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    listeners.delete(listener);
    if (opts.echo) echoCount--;
    if (!listeners.size) uninstall();
  };
}

function install(): void {
  const stdout = process.stdout;
  original = stdout.write;
  const pass = original;
  tap = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    if (text?.startsWith('{"_aws"')) {
      for (const line of text.split('\n')) {
        if (!line) continue;
        for (const l of listeners) l(line);
      }
      if (!echoCount) {
        const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        if (cb) process.nextTick(cb);
        return true;
      }
    }
    return (pass as (...a: unknown[]) => boolean).call(stdout, chunk, ...rest);
  } as Write;
  stdout.write = tap;
}

function uninstall(): void {
  // Restore only when nobody replaced the tap meanwhile (a test spy); otherwise leave their function in place.
  if (original && process.stdout.write === tap) process.stdout.write = original;
  original = undefined;
  tap = undefined;
}
