/**
 * Case-insensitive single-value header lookup (RFC 9110 §5.1: field names are case-insensitive) on a REST proxy
 * event's `headers`, an authorizer event's `headers`, a proxy result's `headers`, or any name → value map.
 * @returns the value, or `undefined` when absent (or not a string)
 */
export function header(
  headers: Readonly<Record<string, unknown>> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const exact = headers[name];
  if (typeof exact === 'string') return exact;
  const lower = name.toLowerCase();
  for (const k in headers) {
    const v = headers[k];
    if (typeof v === 'string' && k.toLowerCase() === lower) return v;
  }
  return undefined;
}
