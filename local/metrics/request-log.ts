import { TimeRing } from './ring';

/**
 * One request as API Gateway counts it (from the access log): the source of the `AWS/ApiGateway` metrics `Count`,
 * `4XXError`, `5XXError`, `Latency`, `IntegrationLatency`, per stage and per route.
 */
export interface ApiRequest {
  /** Receive time, epoch ms (the store's clock). */
  readonly t: number;
  readonly method: string;
  /** Route path of the route table (`$context.resourcePath`); `-` when no route matched. */
  readonly route: string;
  readonly status: number;
  /** Gateway response latency, ms. */
  readonly latencyMs: number;
  /** Integration (Lambda) latency, ms; absent when no integration ran. */
  readonly integrationLatencyMs?: number;
  readonly tenantId?: string;
  /** `user` or `service` (authorizer context); absent without authorization. */
  readonly principalType?: string;
  /** `user`, `service` or `admin` (authorizer context, `userTypeOf`); absent without authorization. */
  readonly userType?: string;
  readonly tier?: string;
  /** Gateway response type (`THROTTLED`, `UNAUTHORIZED`, …) when the gateway answered itself. */
  readonly errorType?: string;
}

/** The string fields of a request (interned: one object per distinct combination, not per request). */
type RequestKey = Pick<
  ApiRequest,
  'method' | 'route' | 'tenantId' | 'principalType' | 'userType' | 'tier' | 'errorType'
>;

/** A running sum over the requests (see {@link RequestLog.counter}). */
export interface RequestCounter {
  readonly name: string;
  /** Index of its column: the sum of the values of the requests before each one. */
  readonly col: number;
  readonly value: (r: ApiRequest) => number;
  /** Sum over every request stored so far (including dropped ones). */
  total: number;
}

/**
 * The requests of a `MetricStore`, one entry per request in typed-array columns ({@link TimeRing}): time,
 * status, latency, integration latency (NaN = none) and the id of its interned string fields. Readers get a
 * reused view object ({@link each}) or copies ({@link list}). Counters keep prefix sums, so a sum over any window
 * costs two binary searches however much the window holds.
 */
export class RequestLog {
  readonly ring = new TimeRing();
  private readonly status = this.ring.column('u16');
  private readonly latency = this.ring.column('f64');
  private readonly integration = this.ring.column('f64');
  private readonly key = this.ring.column('u32');
  /** @internal the interned string fields, by id (read by {@link RequestView}) */
  keys: RequestKey[] = [];
  private keyIds = new Map<string, number>();
  private readonly counters = new Map<string, RequestCounter>();
  private readonly view = new RequestView(this);

  /** Stores one request at time `t` (non-decreasing across calls). */
  add(
    t: number,
    k: RequestKey,
    status: number,
    latencyMs: number,
    integrationLatencyMs: number | undefined,
  ): void {
    const id = this.intern(k);
    if (this.key !== KEY) throw new Error('RequestLog columns out of order');
    const ring = this.ring;
    const i = ring.push(t);
    const cols = ring.cols;
    (cols[this.status] as Uint16Array)[i] = status;
    (cols[this.latency] as Float64Array)[i] = latencyMs;
    (cols[this.integration] as Float64Array)[i] = integrationLatencyMs ?? Number.NaN;
    (cols[this.key] as Uint32Array)[i] = id;
    if (this.counters.size) {
      this.view.i = i;
      for (const c of this.counters.values()) {
        (cols[c.col] as Float64Array)[i] = c.total;
        c.total += c.value(this.view);
      }
    }
  }

  /**
   * A running sum of `value` over the requests, named `name` (a second call with the same name returns the first
   * counter). Requests already stored are counted at once. Sum over a window: {@link sum}.
   */
  counter(name: string, value: (r: ApiRequest) => number): RequestCounter {
    const known = this.counters.get(name);
    if (known) return known;
    const c: RequestCounter = { name, col: this.ring.column('f64'), value, total: 0 };
    const ring = this.ring;
    for (let s = ring.start; s < ring.end; s++) {
      const i = s & ring.mask;
      this.view.i = i;
      (ring.cols[c.col] as Float64Array)[i] = c.total;
      c.total += value(this.view);
    }
    this.counters.set(name, c);
    return c;
  }

  /** Sum of a counter's values over the requests received in `[from, to)`. */
  sum(c: RequestCounter, from: number, to: number): number {
    const ring = this.ring;
    const before = (seq: number) =>
      seq >= ring.end ? c.total : ((ring.cols[c.col] as Float64Array)[seq & ring.mask] as number);
    return before(ring.lowerBound(to)) - before(ring.lowerBound(from));
  }

  /** Calls `each` with every request received in `[from, to)`, oldest first: one reused view, valid in the call. */
  each(from: number, to: number, each: (r: ApiRequest) => void): void {
    const view = this.view;
    this.ring.eachIndex(from, to, (i) => {
      view.i = i;
      each(view);
    });
  }

  /** Copies of the requests received in `[from, to)`, oldest first (optional fields only when present). */
  list(from: number, to: number): ApiRequest[] {
    const out: ApiRequest[] = [];
    this.each(from, to, (v) => {
      const r: { -readonly [K in keyof ApiRequest]: ApiRequest[K] } = {
        t: v.t,
        method: v.method,
        route: v.route,
        status: v.status,
        latencyMs: v.latencyMs,
      };
      if (v.integrationLatencyMs !== undefined) r.integrationLatencyMs = v.integrationLatencyMs;
      const k = (v as RequestView).fields;
      if (k.tenantId) r.tenantId = k.tenantId;
      if (k.principalType) r.principalType = k.principalType;
      if (k.userType) r.userType = k.userType;
      if (k.tier) r.tier = k.tier;
      if (k.errorType) r.errorType = k.errorType;
      out.push(r);
    });
    return out;
  }

  /** Drops everything, the interned fields too; counters stay registered, at 0. */
  clear(): void {
    this.ring.reset();
    this.keys = [];
    this.keyIds = new Map();
    for (const c of this.counters.values()) c.total = 0;
  }

  private intern(k: RequestKey): number {
    const s = `${k.method}\u0001${k.route}\u0001${k.tenantId ?? ''}\u0001${k.principalType ?? ''}\u0001${k.userType ?? ''}\u0001${k.tier ?? ''}\u0001${k.errorType ?? ''}`;
    let id = this.keyIds.get(s);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(k);
      this.keyIds.set(s, id);
    }
    return id;
  }
}

/** Column indices of a {@link RequestLog}'s ring (made in this order; 0 is `t`). */
const STATUS = 1;
const LATENCY = 2;
const INTEGRATION = 3;
const KEY = 4;

/** One request of a {@link RequestLog} read in place (index `i` of its columns). */
class RequestView implements ApiRequest {
  i = 0;
  constructor(private readonly log: RequestLog) {}
  get fields(): RequestKey {
    return this.log.keys[this.log.ring.cols[KEY]?.[this.i] as number] as RequestKey;
  }
  get t(): number {
    return this.log.ring.t[this.i] as number;
  }
  get method(): string {
    return this.fields.method;
  }
  get route(): string {
    return this.fields.route;
  }
  get status(): number {
    return this.log.ring.cols[STATUS]?.[this.i] as number;
  }
  get latencyMs(): number {
    return this.log.ring.cols[LATENCY]?.[this.i] as number;
  }
  get integrationLatencyMs(): number | undefined {
    const v = this.log.ring.cols[INTEGRATION]?.[this.i] as number;
    return Number.isNaN(v) ? undefined : v;
  }
  get tenantId(): string | undefined {
    return this.fields.tenantId;
  }
  get principalType(): string | undefined {
    return this.fields.principalType;
  }
  get userType(): string | undefined {
    return this.fields.userType;
  }
  get tier(): string | undefined {
    return this.fields.tier;
  }
  get errorType(): string | undefined {
    return this.fields.errorType;
  }
}
