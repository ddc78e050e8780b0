/**
 * Bundle-time stand-in for the `semver` package (esbuild alias, `lib/constructs/lambda-bundling.ts`): its only users
 * in our Lambda bundles call `semver.gte(version, minimum)` once at load — `cls-hooked` (via the X-Ray SDK) with
 * `process.versions.node`, and the X-Ray SDK's AWS SDK v2 patcher, which we never use. The full package weighs
 * 28 KiB minified; this compares `major.minor.patch` numerically (a prerelease or build suffix is ignored).
 */

function parts(version: string): [number, number, number] {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) throw new TypeError(`Invalid Version: ${version}`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** `-1`, `0` or `1` as `a` is lower than, equal to or greater than `b` (numeric `major.minor.patch`). */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    if (x[i]! > y[i]!) return 1;
    if (x[i]! < y[i]!) return -1;
  }
  return 0;
}

/** `a >= b` (numeric `major.minor.patch`). */
export function gte(a: string, b: string): boolean {
  return compare(a, b) >= 0;
}

/** `a < b` (numeric `major.minor.patch`). */
export function lt(a: string, b: string): boolean {
  return compare(a, b) < 0;
}

export default { compare, gte, lt };
