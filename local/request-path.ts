/**
 * A request path that reads the same as a WHATWG URL pathname: starts with one `/` and holds only characters the
 * URL parser keeps as they are (no `%`, no `\`, nothing of the path percent-encode set, no control characters).
 */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
/** A `.` or `..` segment, which the URL parser resolves. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/**
 * The pathname of a request target, exactly as `new URL(target, 'http://local').pathname` gives it, without parsing a
 * URL when the target's path is already in that form (the common case). The local stack's front doors (console,
 * control plane, export downloads) each ask it for every request before the gateway serves it: three URL parses per
 * request cost about 1.5 % of the stack's CPU under `npm run load` (docs/load-testing.md).
 * @param target `req.url` (origin form `/path?query`; anything else goes through the URL parser)
 */
export function requestPath(target = '/'): string {
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return path;
  return new URL(target, 'http://local').pathname;
}
