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
  const text = line.trim();
  if (!text.startsWith('{') || !text.includes('"_aws"')) return [];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const aws = doc._aws as { CloudWatchMetrics?: unknown } | undefined;
  if (!aws || !Array.isArray(aws.CloudWatchMetrics)) return [];
  const tenantId = typeof doc.tenantId === 'string' ? doc.tenantId : undefined;
  const points: EmfPoint[] = [];
  for (const d of aws.CloudWatchMetrics as Directive[]) {
    if (typeof d?.Namespace !== 'string' || !Array.isArray(d.Metrics)) continue;
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
      const raw = doc[m.Name];
      const values = Array.isArray(raw) ? raw : [raw];
      for (const v of values) {
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        points.push({
          namespace: d.Namespace,
          name: m.Name,
          unit: typeof m.Unit === 'string' ? m.Unit : 'None',
          value: v,
          dimensions,
          ...(tenantId !== undefined ? { tenantId } : {}),
        });
      }
    }
  }
  return points;
}
