import type { EventPattern, PatternValue } from '../../lib/config/security';

/**
 * EventBridge event-pattern matching for the local bus, for the subset of the syntax the platform's rules use
 * (`lib/config/security.ts`): every pattern key must match (AND); a field matches when any listed value or test
 * matches (OR); an array in the event matches when any element does; `numeric` (`=`, `<`, `<=`, `>`, `>=` pairs),
 * `prefix`, `suffix`, `exists`, `anything-but`. A pattern the local bus does not understand throws, so a new rule
 * cannot silently never match locally.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return false;
  const obj = event as Record<string, unknown>;
  for (const [key, sub] of Object.entries(pattern)) {
    const value = obj[key];
    if (Array.isArray(sub)) {
      if (!matchesField(sub as readonly PatternValue[], value, key in obj)) return false;
    } else if (!matchesPattern(sub as EventPattern, value)) return false;
  }
  return true;
}

function matchesField(tests: readonly PatternValue[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  return tests.some((t) => {
    if (t !== null && typeof t === 'object') {
      if ('exists' in t) return t.exists === (present && value !== undefined);
      if (!present) return false;
      return values.some((v) => matchesTest(t, v));
    }
    return present && values.some((v) => v === t);
  });
}

function matchesTest(t: Exclude<PatternValue, string | number | boolean | null>, v: unknown): boolean {
  if ('prefix' in t) return typeof v === 'string' && v.startsWith(t.prefix);
  if ('suffix' in t) return typeof v === 'string' && v.endsWith(t.suffix);
  if ('anything-but' in t) {
    const banned = Array.isArray(t['anything-but']) ? t['anything-but'] : [t['anything-but']];
    return !banned.includes(v as string | number);
  }
  if ('numeric' in t) return typeof v === 'number' && numericMatches(t.numeric, v);
  throw new Error(`unsupported event-pattern test: ${JSON.stringify(t)}`);
}

function numericMatches(spec: readonly (string | number)[], v: number): boolean {
  if (spec.length % 2 !== 0)
    throw new Error(`numeric test needs operator/value pairs: ${JSON.stringify(spec)}`);
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const bound = Number(spec[i + 1]);
    const ok =
      op === '='
        ? v === bound
        : op === '<'
          ? v < bound
          : op === '<='
            ? v <= bound
            : op === '>'
              ? v > bound
              : op === '>='
                ? v >= bound
                : undefined;
    if (ok === undefined) throw new Error(`unsupported numeric operator: ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}
