import { accessLogValue } from '../../lib/config/gateway';
import type { AccessLogRecord } from '../gateway/access-log';
import { type EmfPoint, readEmfLine } from './emf';
import { PointLog, SeriesTable, type StoredPoint } from './point-log';
import { type ApiRequest, type RequestCounter, RequestLog } from './request-log';

export type { ApiRequest, RequestCounter, StoredPoint };

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
 *
 * Storage (docs/load-testing.md, "A flat metric store"): typed-array columns per metric and for the requests
 * ({@link PointLog}, {@link RequestLog}), with the string fields interned — no object per point or request, so the
 * garbage collector's work does not grow with what the store holds, and memory settles at the capacity the
 * `maxEntries` cap needs. Values stay exact (percentiles are of the values themselves). Window sums the alarm
 * evaluator asks for on every evaluation (SLO burn rates) come from {@link requestCounter} prefix sums: two binary
 * searches per window instead of a scan.
 */
export class MetricStore {
  readonly clock: () => number;
  private readonly retentionMs: number;
  private readonly maxEntries: number;
  private readonly byName = new Map<string, PointLog>();
  private readonly series = new SeriesTable();
  private readonly reqs = new RequestLog();
  private pointCount = 0;
  /** Values and requests stored since the last {@link prune}. */
  private sincePrune = 0;
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
    const key = {
      namespace: '',
      name: '',
      unit: '',
      dimensions: {},
      tenantId: undefined as string | undefined,
    };
    const n = readEmfLine(line, (namespace, name, unit, value, dimensions, tenantId) => {
      key.namespace = namespace;
      key.name = name;
      key.unit = unit;
      key.dimensions = dimensions;
      key.tenantId = tenantId;
      this.push(name, this.series.idOf(key), value, t);
    });
    if (n) this.emfLines++;
    return n;
  }

  private storePoint(p: EmfPoint, t: number): void {
    this.push(p.name, this.series.idOf(p), p.value, t);
  }

  private push(name: string, seriesId: number, value: number, t: number): void {
    let log = this.byName.get(name);
    if (!log) {
      log = new PointLog(this.series);
      this.byName.set(name, log);
    }
    log.add(t, seriesId, value);
    this.pointCount++;
    if (this.pointCount > this.maxEntries || ++this.sincePrune >= 1024) this.prune(t);
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
    const fields = {
      method: r.method ?? '-',
      route: r.route ?? '-',
      tenantId,
      principalType,
      userType,
      tier,
      errorType,
    };
    this.reqs.add(t, fields, status, num(r.latency) ?? 0, integrationLatencyMs);
    if (this.reqs.ring.length > this.maxEntries || ++this.sincePrune >= 1024) this.prune(t);
  }

  /** Custom-metric points named `name` received in `[from, to)`, oldest first. */
  points(name: string, from: number, to: number): StoredPoint[] {
    this.drain();
    return this.byName.get(name)?.list(from, to) ?? [];
  }

  /** Requests received in `[from, to)`, oldest first. */
  requests(from: number, to: number): ApiRequest[] {
    this.drain();
    return this.reqs.list(from, to);
  }

  /**
   * Calls `each` with every custom-metric point named `name` received in `[from, to)`, oldest first, without copying:
   * `each` gets one view object, moved from point to point — read it in the call, never keep it (copy: {@link points}).
   */
  eachPoint(name: string, from: number, to: number, each: (p: StoredPoint) => void): void {
    this.drain();
    this.byName.get(name)?.each(from, to, each);
  }

  /** Calls `each` with every request received in `[from, to)`, oldest first; one reused view, as {@link eachPoint}. */
  eachRequest(from: number, to: number, each: (r: ApiRequest) => void): void {
    this.drain();
    this.reqs.each(from, to, each);
  }

  /**
   * A running sum of `value` over the requests (registered once per `name`; the requests already kept are counted
   * at once). Its sum over a window, {@link requestSum}, costs two binary searches however many requests the window
   * holds: the alarm evaluator's SLO burn-rate windows use it on every evaluation. `value` runs once per request as
   * it is stored, with a view as in {@link eachRequest}.
   */
  requestCounter(name: string, value: (r: ApiRequest) => number): RequestCounter {
    return this.reqs.counter(name, value);
  }

  /** Sum of a {@link requestCounter}'s values over the requests received in `[from, to)` (exact for integer values). */
  requestSum(counter: RequestCounter, from: number, to: number): number {
    this.drain();
    return this.reqs.sum(counter, from, to);
  }

  /** What the store holds (for `GET /_local/alarms`). */
  stats(): { points: number; requests: number; emfLines: number; metrics: string[] } {
    this.drain();
    return {
      points: this.pointCount,
      requests: this.reqs.ring.length,
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
    this.series.clear();
    this.reqs.clear();
    this.pointCount = 0;
    this.sincePrune = 0;
    this.emfLines = 0;
  }

  private prune(now: number): void {
    this.sincePrune = 0;
    const cutoff = now - this.retentionMs;
    const keep = Math.floor(this.maxEntries * 0.9);
    let count = 0;
    for (const [name, log] of this.byName) {
      const ring = log.ring;
      ring.dropTo(ring.lowerBound(cutoff));
      if (!ring.length) this.byName.delete(name);
      else count += ring.length;
    }
    // Over the cap: drop the oldest points of every metric in proportion.
    if (count > this.maxEntries) {
      for (const { ring } of this.byName.values())
        ring.dropTo(ring.start + Math.ceil(ring.length * (1 - keep / count)));
      count = 0;
      for (const { ring } of this.byName.values()) count += ring.length;
    }
    this.pointCount = count;
    const reqs = this.reqs.ring;
    reqs.dropTo(Math.max(reqs.lowerBound(cutoff), reqs.length > this.maxEntries ? reqs.end - keep : 0));
  }
}
