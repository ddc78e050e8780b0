/**
 * Embedded Metric Format (EMF) lines as CloudWatch Logs reads them: what Powertools Metrics writes to stdout, one JSON
 * object per line with an `_aws.CloudWatchMetrics` directive.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** One value of one custom metric, as extracted from an EMF line. */
export interface EmfPoint {
  namespace: string;
  name: string;
  /** CloudWatch unit (`Count`, `Milliseconds`, …). */
  unit: string;
  value: number;
  /**
   * Every dimension key named by the line's dimension sets, with its value (e.g. `service`, `stage`, `route`,
   * `tier`). Metadata such as `tenantId` is not a dimension and is not here.
   */
  dimensions: Readonly<Record<string, string>>;
  /** `tenantId` metadata of the line, when present (never a dimension; the operations view groups by it). */
  tenantId?: string;
}

interface Directive {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

/**
 * Extracts the metric values of one EMF line; `[]` for any other line (plain logs, malformed JSON, no directive).
 * A metric whose value is an array yields one point per element (Powertools batches repeated `addMetric` calls);
 * non-finite values are skipped, like CloudWatch does.
 */
export function parseEmfLine(line: string): EmfPoint[] {
  const points: EmfPoint[] = [];
  readEmfLine(line, (namespace, name, unit, value, dimensions, tenantId) => {
    const p: EmfPoint = { namespace, name, unit, value, dimensions };
    if (tenantId !== undefined) p.tenantId = tenantId;
    points.push(p);
  });
  return points;
}

/**
 * Calls `each` with every metric value of one EMF line, as {@link parseEmfLine} extracts them, without building a
 * point object per value (the local store builds its own). The values of one directive share one `dimensions` object.
 * @returns how many values it passed (0 for any other line)
 */
export function readEmfLine(
  line: string,
  each: (
    namespace: string,
    name: string,
    unit: string,
    value: number,
    dimensions: Readonly<Record<string, string>>,
    tenantId: string | undefined,
  ) => void,
): number {
  // The tap passes lines that start with `{"_aws"` (JSON.parse allows surrounding whitespace): no trim, no scan.
  const key = repeatKey(line);
  const seen = key === undefined ? undefined : repeated.get(key);
  if (seen) {
    for (const v of seen) each(v.namespace, v.name, v.unit, v.value, v.dimensions, v.tenantId);
    return seen.length;
  }
  let text = line;
  if (!line.startsWith('{"_aws"')) {
    text = line.trim();
    if (!text.startsWith('{') || !text.includes('"_aws"')) return 0;
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 0;
  }
  const aws = doc._aws as { CloudWatchMetrics?: unknown } | undefined;
  if (!aws || !Array.isArray(aws.CloudWatchMetrics)) return 0;
  const tenantId = typeof doc.tenantId === 'string' ? doc.tenantId : undefined;
  const values: RepeatedValue[] = [];
  let count = 0;
  for (const d of aws.CloudWatchMetrics as Directive[]) {
    if (typeof d?.Namespace !== 'string' || !Array.isArray(d.Metrics)) continue;
    const namespace = d.Namespace;
    const dimensions: Record<string, string> = {};
    for (const set of Array.isArray(d.Dimensions) ? d.Dimensions : []) {
      if (!Array.isArray(set)) continue;
      for (const key of set) {
        const v = doc[key as string];
        if (typeof key === 'string' && typeof v === 'string') dimensions[key] = v;
      }
    }
    for (const m of d.Metrics as { Name?: unknown; Unit?: unknown }[]) {
      if (typeof m?.Name !== 'string') continue;
      const name = m.Name;
      const unit = typeof m.Unit === 'string' ? m.Unit : 'None';
      const raw = doc[name];
      if (Array.isArray(raw)) {
        for (const v of raw) {
          if (typeof v !== 'number' || !Number.isFinite(v)) continue;
          each(namespace, name, unit, v, dimensions, tenantId);
          values.push({ namespace, name, unit, value: v, dimensions, tenantId });
          count++;
        }
      } else if (typeof raw === 'number' && Number.isFinite(raw)) {
        each(namespace, name, unit, raw, dimensions, tenantId);
        values.push({ namespace, name, unit, value: raw, dimensions, tenantId });
        count++;
      }
    }
  }
  if (key !== undefined && values.every((v) => Number.isInteger(v.value))) {
    if (repeated.size >= MAX_REPEATED) repeated.clear();
    for (const v of values) Object.freeze(v.dimensions);
    repeated.set(key, values);
  }
  return count;
}

interface RepeatedValue {
  namespace: string;
  name: string;
  unit: string;
  value: number;
  dimensions: Readonly<Record<string, string>>;
  tenantId: string | undefined;
}

/**
 * The values of lines seen before, by the line without its `_aws.Timestamp` (which nothing here reads): a handler
 * writes the same count line (e.g. `RateLimitAllowed: 1` per tier, route and tenant) on every request, and looking
 * it up costs far less than `JSON.parse`. Only lines whose values are all integers (counts) are kept — latencies are
 * fractional and rarely repeat — and at most {@link MAX_REPEATED} (then it starts over).
 */
const repeated = new Map<string, readonly RepeatedValue[]>();
const MAX_REPEATED = 2_000;
const TIMESTAMP_PREFIX = '{"_aws":{"Timestamp":';

/**
 * `line` after its `Timestamp` when it starts as Powertools writes it — `{"_aws":{"Timestamp":` then a JSON integer
 * without leading zero, then `,` — else `undefined`. Two lines with one key differ only in that integer, so they
 * parse to the same values (or both fail to parse).
 */
function repeatKey(line: string): string | undefined {
  if (!line.startsWith(TIMESTAMP_PREFIX)) return undefined;
  let i = TIMESTAMP_PREFIX.length;
  const first = line.charCodeAt(i);
  if (first < 49 || first > 57) return undefined; // 1-9
  i++;
  for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i));
  return line.charCodeAt(i) === 44 ? line.slice(i) : undefined; // ','
}
