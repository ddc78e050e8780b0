import type { EmfPoint } from './emf';
import { TimeRing } from './ring';

/** A custom-metric value with the store's receive time. */
export interface StoredPoint extends EmfPoint {
  /** Receive time, epoch ms (the store's clock). */
  t: number;
}

/** What the points of one series share: everything of a point but its value and time. */
type Series = Omit<EmfPoint, 'value'>;

/**
 * The series of a store's custom metrics, interned: one object per distinct namespace, name, unit, dimensions and
 * tenant, shared by the {@link PointLog}s.
 */
export class SeriesTable {
  private list: Series[] = [];
  private ids = new Map<string, number>();
  private lastDims: Readonly<Record<string, string>> | undefined;
  private lastDimsKey = '';

  /**
   * Id of a point's series (interned on first sight). The dimensions' key is cached by object identity for the
   * last object seen, so a caller must not change a dimensions object it passed before. Series are kept until
   * {@link clear} (one small object per distinct combination, not per point).
   */
  idOf(p: Series): number {
    // The values of one EMF directive share one dimensions object: its key is built once per directive.
    if (p.dimensions !== this.lastDims) {
      let k = '';
      for (const name in p.dimensions) k += `${name}\u0002${p.dimensions[name]}\u0003`;
      this.lastDims = p.dimensions;
      this.lastDimsKey = k;
    }
    const key = `${p.namespace}\u0001${p.name}\u0001${p.unit}\u0001${p.tenantId ?? ''}\u0001${this.lastDimsKey}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.length;
      const s: Series = { namespace: p.namespace, name: p.name, unit: p.unit, dimensions: p.dimensions };
      if (p.tenantId !== undefined) s.tenantId = p.tenantId;
      this.list.push(s);
      this.ids.set(key, id);
    }
    return id;
  }

  /** The series of an id from {@link idOf}. */
  get(id: number): Series {
    return this.list[id] as Series;
  }

  /** Forgets every series. */
  clear(): void {
    this.list = [];
    this.ids = new Map();
    this.lastDims = undefined;
  }
}

/**
 * The points of one custom metric in typed-array columns ({@link TimeRing}): time, value and series id. Readers
 * get a reused view object ({@link each}) or copies ({@link list}).
 */
export class PointLog {
  readonly ring = new TimeRing();
  private readonly value = this.ring.column('f64');
  private readonly series = this.ring.column('u32');
  private readonly view: PointView;

  constructor(private readonly table: SeriesTable) {
    this.view = new PointView(this.ring, table, this.value, this.series);
  }

  /** Stores one value of series `seriesId` at time `t` (non-decreasing across calls). */
  add(t: number, seriesId: number, value: number): void {
    const i = this.ring.push(t);
    (this.ring.cols[this.value] as Float64Array)[i] = value;
    (this.ring.cols[this.series] as Uint32Array)[i] = seriesId;
  }

  /** Calls `each` with every point received in `[from, to)`, oldest first: one reused view, valid in the call. */
  each(from: number, to: number, each: (p: StoredPoint) => void): void {
    const view = this.view;
    this.ring.eachIndex(from, to, (i) => {
      view.i = i;
      each(view);
    });
  }

  /** Copies of the points received in `[from, to)`, oldest first. */
  list(from: number, to: number): StoredPoint[] {
    const out: StoredPoint[] = [];
    this.each(from, to, (v) => {
      const s = this.table.get(this.seriesAt(v));
      const p: StoredPoint = { ...s, value: v.value, t: v.t };
      out.push(p);
    });
    return out;
  }

  private seriesAt(v: StoredPoint): number {
    return (this.ring.cols[this.series] as Uint32Array)[(v as PointView).i] as number;
  }
}

/** One point of a {@link PointLog} read in place (index `i` of its columns). */
class PointView implements StoredPoint {
  i = 0;
  constructor(
    private readonly ring: TimeRing,
    private readonly table: SeriesTable,
    private readonly valueCol: number,
    private readonly seriesCol: number,
  ) {}
  private get s(): Series {
    return this.table.get(this.ring.cols[this.seriesCol]?.[this.i] as number);
  }
  get t(): number {
    return this.ring.t[this.i] as number;
  }
  get value(): number {
    return this.ring.cols[this.valueCol]?.[this.i] as number;
  }
  get namespace(): string {
    return this.s.namespace;
  }
  get name(): string {
    return this.s.name;
  }
  get unit(): string {
    return this.s.unit;
  }
  get dimensions(): Readonly<Record<string, string>> {
    return this.s.dimensions;
  }
  get tenantId(): string | undefined {
    return this.s.tenantId;
  }
}
