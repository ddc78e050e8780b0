import { accessLogValue } from '../../lib/config/gateway';
import type { AccessLogRecord } from '../gateway/access-log';
import { type EmfPoint, readEmfLine } from './emf';

/** A custom-metric value with the store's receive time. */
export interface StoredPoint extends EmfPoint {
  /** Receive time, epoch ms (the store's clock). */
  t: number;
}

/**
 * One request as API Gateway counts it (from the access log): the source of the `AWS/ApiGateway` metrics `Count`,
 * `4XXError`, `5XXError`, `Latency`, `IntegrationLatency`, per stage and per route.
 */
export interface ApiRequest {
  /** Receive time, epoch ms (the store's clock). */
  t: number;
  method: string;
  /** Route path of the route table (`$context.resourcePath`); `-` when no route matched. */
  route: string;
  status: number;
  /** Gateway response latency, ms. */
  latencyMs: number;
  /** Integration (Lambda) latency, ms; absent when no integration ran. */
  integrationLatencyMs?: number;
  tenantId?: string;
  /** `user` or `service` (authorizer context); absent without authorization. */
  principalType?: string;
  /** `user`, `service` or `admin` (authorizer context, `userTypeOf`); absent without authorization. */
  userType?: string;
  tier?: string;
  /** Gateway response type (`THROTTLED`, `UNAUTHORIZED`, …) when the gateway answered itself. */
  errorType?: string;
}

/** Options of {@link MetricStore}. */
export interface MetricStoreOptions {
  /** Clock stamping what arrives, epoch ms (default `Date.now`; tests inject one). */
  clock?: () => number;
  /** How long data is kept, ms (default 1 h). */
  retentionMs?: number;
  /** Most custom-metric points kept, and most requests kept (default 200,000 each; the oldest go first). */
  maxEntries?: number;
}

/** What arrived through {@link MetricStore.enqueueEmfLine} / {@link MetricStore.enqueueAccessLog}, not yet stored. */
type Arrival =
  | { t: number; emf: string }
  | { t: number; access: string | Readonly<Partial<AccessLogRecord>> };

/**
 * The local stack's in-memory CloudWatch: custom-metric points from EMF lines and API requests from access-log
 * lines, stamped with the store's clock when they arrive (the EMF `Timestamp` is wall time and is ignored, so an
 * injected clock applies to everything), kept for `retentionMs`. Queries take half-open windows `[from, to)`.
 *
 * The `enqueue*` methods are the request path's taps: they stamp the arrival and queue it; parsing and storing run
 * once per event-loop turn (`setImmediate`), off the request's turn. Every read (and every `add*`) stores what is
 * queued first, so a reader always sees everything that arrived before it, with its arrival time.
 */
export class MetricStore {
  readonly clock: () => number;
  private readonly retentionMs: number;
  private readonly maxEntries: number;
  private readonly byName = new Map<string, StoredPoint[]>();
  private reqs: ApiRequest[] = [];
  private pointCount = 0;
  private emfLines = 0;
  private queue: Arrival[] = [];
  private drainScheduled: NodeJS.Immediate | undefined;

  constructor(opts: MetricStoreOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.retentionMs = opts.retentionMs ?? 3_600_000;
    this.maxEntries = opts.maxEntries ?? 200_000;
  }

  /** Takes one stdout line: the metric values of an EMF line are stored, other lines ignored. @returns points stored */
  addEmfLine(line: string): number {
    this.drain();
    return this.storeEmfLine(line, this.clock());
  }

  /** Queues one stdout line for {@link addEmfLine}, stamped now; stored at the next `setImmediate` or read. */
  enqueueEmfLine(line: string): void {
    this.enqueue({ t: this.clock(), emf: line });
  }

  /** Queues one access-log line or record for {@link addAccessLog}, stamped now; stored at the next `setImmediate` or read. */
  enqueueAccessLog(line: string | Readonly<Partial<AccessLogRecord>>): void {
    this.enqueue({ t: this.clock(), access: line });
  }

  /** Stores everything queued by the `enqueue*` methods now, in arrival order (reads call it themselves). */
  drain(): void {
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    this.drainScheduled = undefined;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    for (const a of queue) {
      if ('emf' in a) this.storeEmfLine(a.emf, a.t);
      else this.storeAccessLog(a.access, a.t);
    }
  }

  /** Stores one custom-metric value at the store's current time. */
  addPoint(p: EmfPoint): void {
    this.drain();
    this.storePoint(p, this.clock());
  }

  private enqueue(a: Arrival): void {
    this.queue.push(a);
    this.drainScheduled ??= setImmediate(() => this.drain());
  }

  private storeEmfLine(line: string, t: number): number {
    const n = readEmfLine(line, (namespace, name, unit, value, dimensions, tenantId) => {
      // One object per value, built once with the fields of StoredPoint in one order (no copy of a parsed point).
      const p: StoredPoint = { namespace, name, unit, value, dimensions, t };
      if (tenantId !== undefined) p.tenantId = tenantId;
      this.push(p);
    });
    if (n) this.emfLines++;
    return n;
  }

  private storePoint(p: EmfPoint, t: number): void {
    this.push({ ...p, t });
  }

  private push(p: StoredPoint): void {
    const t = p.t;
    let list = this.byName.get(p.name);
    if (!list) {
      list = [];
      this.byName.set(p.name, list);
    }
    list.push(p);
    this.pointCount++;
    if (this.pointCount > this.maxEntries || (this.pointCount & 1023) === 0) this.prune(t);
  }

  /** Stores the request of one access-log line (a JSON line or a parsed record); malformed lines are ignored. */
  addAccessLog(line: string | Readonly<Partial<AccessLogRecord>>): void {
    this.drain();
    this.storeAccessLog(line, this.clock());
  }

  private storeAccessLog(line: string | Readonly<Partial<AccessLogRecord>>, t: number): void {
    let r: Readonly<Partial<AccessLogRecord>>;
    try {
      r = typeof line === 'string' ? (JSON.parse(line) as Partial<AccessLogRecord>) : line;
    } catch {
      return;
    }
    const status = Number(r.status);
    if (!Number.isInteger(status)) return;
    const opt = accessLogValue;
    const num = (v: string | undefined) => {
      const s = opt(v);
      const n = Number(s);
      return s !== undefined && Number.isFinite(n) ? n : undefined;
    };
    const tenantId = opt(r.tenantId);
    const principalType = opt(r.principalType);
    const userType = opt(r.userType);
    const tier = opt(r.tier);
    const errorType = opt(r.errorType);
    const integrationLatencyMs = num(r.integrationLatency);
    // Optional fields assigned (same keys, same order): no temporary object per field, once per request.
    const req: ApiRequest = {
      t,
      method: r.method ?? '-',
      route: r.route ?? '-',
      status,
      latencyMs: num(r.latency) ?? 0,
    };
    if (integrationLatencyMs !== undefined) req.integrationLatencyMs = integrationLatencyMs;
    if (tenantId) req.tenantId = tenantId;
    if (principalType) req.principalType = principalType;
    if (userType) req.userType = userType;
    if (tier) req.tier = tier;
    if (errorType) req.errorType = errorType;
    this.reqs.push(req);
    if (this.reqs.length > this.maxEntries || (this.reqs.length & 1023) === 0) this.prune(t);
  }

  /** Custom-metric points named `name` received in `[from, to)`, oldest first. */
  points(name: string, from: number, to: number): StoredPoint[] {
    this.drain();
    const list = this.byName.get(name);
    return list ? list.slice(lowerBound(list, from), lowerBound(list, to)) : [];
  }

  /** Requests received in `[from, to)`, oldest first. */
  requests(from: number, to: number): ApiRequest[] {
    this.drain();
    return this.reqs.slice(lowerBound(this.reqs, from), lowerBound(this.reqs, to));
  }

  /**
   * Calls `each` with every custom-metric point named `name` received in `[from, to)`, oldest first, without copying
   * the range (the alarm evaluator scans up to {@link MetricStoreOptions.maxEntries} entries per window).
   */
  eachPoint(name: string, from: number, to: number, each: (p: StoredPoint) => void): void {
    this.drain();
    const list = this.byName.get(name);
    if (list) eachIn(list, from, to, each);
  }

  /** Calls `each` with every request received in `[from, to)`, oldest first, without copying the range. */
  eachRequest(from: number, to: number, each: (r: ApiRequest) => void): void {
    this.drain();
    eachIn(this.reqs, from, to, each);
  }

  /** What the store holds (for `GET /_local/alarms`). */
  stats(): { points: number; requests: number; emfLines: number; metrics: string[] } {
    this.drain();
    return {
      points: this.pointCount,
      requests: this.reqs.length,
      emfLines: this.emfLines,
      metrics: [...this.byName.keys()].sort(),
    };
  }

  /** Drops everything (a fresh start, e.g. between drills). */
  clear(): void {
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    this.drainScheduled = undefined;
    this.queue = [];
    this.byName.clear();
    this.reqs = [];
    this.pointCount = 0;
    this.emfLines = 0;
  }

  private prune(now: number): void {
    const cutoff = now - this.retentionMs;
    const keep = Math.floor(this.maxEntries * 0.9);
    let count = 0;
    for (const [name, list] of this.byName) {
      const drop = lowerBound(list, cutoff);
      if (drop) list.splice(0, drop);
      if (!list.length) this.byName.delete(name);
      else count += list.length;
    }
    // Over the cap: drop the oldest points of every metric in proportion.
    if (count > this.maxEntries) {
      for (const list of this.byName.values()) list.splice(0, Math.ceil(list.length * (1 - keep / count)));
      count = 0;
      for (const list of this.byName.values()) count += list.length;
    }
    this.pointCount = count;
    const dropReqs = Math.max(
      lowerBound(this.reqs, cutoff),
      this.reqs.length > this.maxEntries ? this.reqs.length - keep : 0,
    );
    if (dropReqs > 0) this.reqs.splice(0, dropReqs);
  }
}

/** Calls `each` with the entries of `list` (sorted by `t`) whose `t` is in `[from, to)`, in order. */
function eachIn<T extends { t: number }>(
  list: readonly T[],
  from: number,
  to: number,
  each: (e: T) => void,
): void {
  for (let i = lowerBound(list, from), end = lowerBound(list, to); i < end; i++) each(list[i] as T);
}

/** First index whose `t` is ≥ `t` (entries sorted by `t`). */
function lowerBound(list: readonly { t: number }[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as { t: number }).t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
