/**
 * The local stack's CloudWatch alarms: the alarm definitions of `lib/config/alarms.ts` evaluated over what the local
 * stack measured — custom metrics from the Lambdas' EMF lines, API Gateway metrics (`Count`, `4XXError`, `5XXError`,
 * `Latency`, `IntegrationLatency`, per stage and per route) and the `Duration` of the Lambdas the gateway runs as
 * integrations (their requests' integration latency) from the local gateway's access log (see {@link MetricStore}).
 * State at `GET /_local/alarms` (`./runtime.ts`); `npm run drill -- <Alarm>` drives it.
 *
 * Time scale `k` (default 1, `PUT /_local/alarms {"timeScale": k}`, `LOCAL_ALARM_TIME_SCALE`): a period of `P`
 * seconds lasts `P / k` seconds of the clock, and thresholds that count events per period (`Sum` and `SampleCount`
 * signals, `sum` signals, a gap alarm's minimum traffic) are divided by `k`, so the alarm reads the same rate per
 * clock second as in AWS; ratios (`percent`), latencies (percentiles, averages) and the gap flag are scale-free.
 * With `k = 60` a 1-minute period lasts 1 s and "more than 200 per minute" becomes "more than 3.33 per second".
 *
 * Semantics as CloudWatch documents them for static thresholds: periods are aligned to the evaluator's origin (its
 * start or last reset); after each complete period the last `evaluationPeriods` datapoints are taken, missing ones
 * per `treatMissingData` (`notBreaching` good, `breaching` bad, `missing`/`ignore` left out — all left out gives
 * `INSUFFICIENT_DATA` for `missing` and keeps the state for `ignore`), and the alarm is `ALARM` when at least
 * `datapointsToAlarm` of them breach, else `OK`. Periods before the origin have no data.
 *
 * SLO burn-rate alarms (`lib/config/slos.ts`, one composite per SLO × burn-rate rule, as `lib/monitoring/slo-alarms.ts`
 * builds them): on every evaluation the bad share of the SLO's requests over the sliding long and short windows
 * (scaled like periods, not reaching back before the origin; no request = 0) divided by the error budget; the
 * composite is `ALARM` when both burn rates are above the rule's, else `OK`.
 */
import {
  type AlarmDefinition,
  type AlarmSignal,
  type Comparison,
  type MetricRef,
  measuredLocally,
  runbookRef,
  signalRefs,
} from '../../lib/config/alarms';
import {
  BURN_RATE_WINDOWS,
  type BurnRateWindow,
  burnRateAlarmNames,
  errorBudget,
  type SloDefinition,
  windowLabel,
} from '../../lib/config/slos';
import { eachValue, requestValue } from './signal-values';
import { statistic, sum } from './statistics';
import type { MetricStore, RequestCounter } from './store';

/** CloudWatch alarm states, plus `UNSUPPORTED` for a signal kind the local evaluator cannot compute. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'UNSUPPORTED';

/** One alarm as `GET /_local/alarms` shows it. */
export interface AlarmStatus {
  name: string;
  /** `metric`: an alarm of `alarmDefinitions`; `burn-rate`: an SLO burn-rate composite of `sloDefinitions`. */
  kind: 'metric' | 'burn-rate';
  summary: string;
  severity: AlarmDefinition['severity'];
  /** `docs/runbooks.md#<anchor>`. */
  runbook: string;
  state: AlarmStateValue;
  /** Why it is in this state (which datapoints breached), like CloudWatch's state reason. */
  reason: string;
  /** When it entered this state, ISO 8601. */
  since: string;
  comparison: Comparison;
  /** Threshold of the definition. */
  threshold: number;
  /** Threshold as evaluated at the current time scale (count thresholds divided by it). */
  effectiveThreshold: number;
  /** Period of the definition, s. */
  periodSec: number;
  /** Period as evaluated at the current time scale, ms of the clock. */
  effectivePeriodMs: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: AlarmDefinition['treatMissingData'];
  /**
   * Metric alarms: the last `evaluationPeriods` datapoints, oldest first (`null` = missing; empty before the first
   * period ends). Burn-rate composites: the burn rates of the long and the short window.
   */
  datapoints: (number | null)[];
  /** Burn-rate composites: the two windows (label of the definition, e.g. `1h`, and length at the time scale, ms). */
  windows?: { long: { label: string; effectiveMs: number }; short: { label: string; effectiveMs: number } };
  /** `true` when a drill exists (`npm run drill -- <name>`), else the written reason there is none. */
  drill: true | string;
}

/** One state change. */
export interface AlarmTransition {
  alarm: string;
  from: AlarmStateValue;
  to: AlarmStateValue;
  /** ISO 8601. */
  at: string;
  reason: string;
}

/** Options of {@link AlarmEvaluator}. */
export interface EvaluatorOptions {
  definitions: readonly AlarmDefinition[];
  /** SLOs whose burn-rate composites ({@link BURN_RATE_WINDOWS}) are evaluated too (default none). */
  slos?: readonly SloDefinition[];
  /** Where the measurements are; its clock is the evaluator's clock. */
  store: MetricStore;
  /** Time scale `k` ≥ 1 (default 1): see the module documentation. */
  timeScale?: number;
}

/** Largest time scale accepted (1 s of clock = 1 h of alarm time). */
export const MAX_TIME_SCALE = 3_600;

interface BurnSlot {
  slo: SloDefinition;
  rule: BurnRateWindow;
  name: string;
  state: AlarmStateValue;
  reason: string;
  since: number;
  rates: (number | null)[];
}

interface Slot {
  def: AlarmDefinition;
  state: AlarmStateValue;
  reason: string;
  since: number;
  /** Index of the last complete period evaluated (-1: none yet). */
  lastPeriod: number;
  /**
   * Signal values of complete periods by period index (the last `evaluationPeriods`): a period's data cannot change
   * once it has ended (arrivals are stamped with the clock's now), so each period is read from the store once.
   */
  values: Map<number, number | undefined>;
  datapoints: (number | null)[];
}

/** Evaluates alarm definitions over a {@link MetricStore}; call {@link evaluate} or {@link start} a timer. */
export class AlarmEvaluator {
  private readonly store: MetricStore;
  private readonly slots: Slot[];
  private readonly burns: BurnSlot[];
  private readonly transitions: AlarmTransition[] = [];
  /** Store counters of the burn-rate windows, by name (see `windowSum`). */
  private readonly counters = new Map<string, RequestCounter>();
  private k: number;
  private origin: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: EvaluatorOptions) {
    this.store = opts.store;
    this.k = checkScale(opts.timeScale ?? 1);
    this.origin = this.store.clock();
    this.slots = opts.definitions.map((def) => ({
      def,
      state: 'INSUFFICIENT_DATA',
      reason: 'no period has ended yet',
      since: this.origin,
      lastPeriod: -1,
      datapoints: [],
      values: new Map(),
    }));
    this.burns = (opts.slos ?? []).flatMap((slo) =>
      BURN_RATE_WINDOWS.map((rule) => ({
        slo,
        rule,
        name: burnRateAlarmNames(slo.name, rule).composite,
        state: 'INSUFFICIENT_DATA' as AlarmStateValue,
        reason: 'not evaluated yet',
        since: this.origin,
        rates: [],
      })),
    );
    for (const s of this.slots) {
      const why = unsupportedReason(s.def.signal);
      if (why) {
        s.state = 'UNSUPPORTED';
        s.reason = why;
      }
    }
  }

  /** Current time scale. */
  get timeScale(): number {
    return this.k;
  }

  /** Start (or last reset) of period alignment, epoch ms of the clock. */
  get originMs(): number {
    return this.origin;
  }

  /**
   * Starts over at time scale `k`: the origin moves to now, every alarm is `INSUFFICIENT_DATA` until its first
   * evaluation (not recorded as a transition). Data already stored stays but lies before the origin.
   * @throws {RangeError} `k` is not a number in 1–{@link MAX_TIME_SCALE}
   */
  reset(k: number = this.k): void {
    this.k = checkScale(k);
    this.origin = this.store.clock();
    for (const s of [...this.slots, ...this.burns]) {
      if (s.state === 'UNSUPPORTED') continue;
      s.state = 'INSUFFICIENT_DATA';
      s.reason = `reset at time scale ${this.k}`;
      s.since = this.origin;
      if ('def' in s) {
        s.lastPeriod = -1;
        s.datapoints = [];
        s.values.clear();
      } else s.rates = [];
    }
    this.restartTimer();
  }

  /** Evaluates every alarm whose period ended since the last call. @returns the transitions this call made */
  evaluate(): AlarmTransition[] {
    const now = this.store.clock();
    const before = this.transitions.length;
    for (const s of this.slots) {
      if (s.state === 'UNSUPPORTED') continue;
      const periodMs = this.periodMs(s.def);
      const last = Math.floor((now - this.origin) / periodMs) - 1;
      if (last < 0 || last === s.lastPeriod) continue;
      s.lastPeriod = last;
      this.evaluateSlot(s, last, periodMs, this.origin + (last + 1) * periodMs);
    }
    // Windows longer than the time since the origin all start at the origin: one scan per SLO and start.
    const shares = new Map<string, number>();
    for (const b of this.burns) this.evaluateBurn(b, now, shares);
    return this.transitions.slice(before);
  }

  /** Every alarm's status: the metric alarms, then the burn-rate composites. */
  statuses(): AlarmStatus[] {
    const metric = this.slots.map(
      (s): AlarmStatus => ({
        name: s.def.name,
        kind: 'metric',
        summary: s.def.summary,
        severity: s.def.severity,
        runbook: runbookRef(s.def.runbook),
        state: s.state,
        reason: s.reason,
        since: new Date(s.since).toISOString(),
        comparison: s.def.comparison,
        threshold: s.def.threshold,
        effectiveThreshold: this.threshold(s.def),
        periodSec: s.def.periodSec,
        effectivePeriodMs: this.periodMs(s.def),
        evaluationPeriods: s.def.evaluationPeriods,
        datapointsToAlarm: s.def.datapointsToAlarm,
        treatMissingData: s.def.treatMissingData,
        datapoints: s.datapoints,
        drill: 'reason' in s.def.drill ? s.def.drill.reason : true,
      }),
    );
    const burn = this.burns.map(
      (b): AlarmStatus => ({
        name: b.name,
        kind: 'burn-rate',
        summary: `${b.slo.name} SLO (${b.slo.summary}) burning its error budget at more than ${b.rule.burnRate}× over ${windowLabel(b.rule.longWindowMin)} and ${windowLabel(b.rule.shortWindowMin)}`,
        severity: b.rule.severity,
        runbook: runbookRef(b.slo.runbook),
        state: b.state,
        reason: b.reason,
        since: new Date(b.since).toISOString(),
        comparison: 'GreaterThanThreshold',
        threshold: b.rule.burnRate,
        effectiveThreshold: b.rule.burnRate,
        periodSec: b.rule.longWindowMin * 60,
        effectivePeriodMs: this.windowMs(b.rule.longWindowMin),
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: 'notBreaching',
        datapoints: b.rates,
        windows: {
          long: {
            label: windowLabel(b.rule.longWindowMin),
            effectiveMs: this.windowMs(b.rule.longWindowMin),
          },
          short: {
            label: windowLabel(b.rule.shortWindowMin),
            effectiveMs: this.windowMs(b.rule.shortWindowMin),
          },
        },
        drill: 'reason' in b.slo.drill ? b.slo.drill.reason : true,
      }),
    );
    return [...metric, ...burn];
  }

  /** State changes, oldest first (the last 500). */
  history(): AlarmTransition[] {
    return [...this.transitions];
  }

  /** Evaluates on a timer (unref'd) every quarter of the shortest effective period, at least every 5 s. */
  start(): void {
    this.restartTimer(true);
  }

  /** Stops the timer. Idempotent. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Period of a definition in ms of the clock at the current scale. */
  periodMs(def: AlarmDefinition): number {
    return (def.periodSec * 1000) / this.k;
  }

  /** A window of `minutes` in ms of the clock at the current scale. */
  windowMs(minutes: number): number {
    return (minutes * 60_000) / this.k;
  }

  /** Threshold of a definition at the current scale. */
  threshold(def: AlarmDefinition): number {
    return countsEvents(def.signal) ? def.threshold / this.k : def.threshold;
  }

  private restartTimer(force = false): void {
    if (!this.timer && !force) return;
    this.stop();
    const shortest = Math.min(
      ...this.slots.map((s) => this.periodMs(s.def)),
      ...this.burns.map((b) => this.windowMs(b.rule.shortWindowMin)),
    );
    const every = Math.min(5_000, Math.max(25, Math.floor(shortest / 4)));
    this.timer = setInterval(() => this.evaluate(), every);
    this.timer.unref();
  }

  private evaluateSlot(s: Slot, last: number, periodMs: number, at: number): void {
    const def = s.def;
    const values: (number | undefined)[] = [];
    const first = last - def.evaluationPeriods + 1;
    for (const i of s.values.keys()) if (i < first) s.values.delete(i);
    for (let i = first; i <= last; i++) {
      if (i < 0) values.push(undefined);
      else if (s.values.has(i)) values.push(s.values.get(i));
      else {
        const from = this.origin + i * periodMs;
        const v = this.signalValue(def.signal, from, from + periodMs);
        s.values.set(i, v);
        values.push(v);
      }
    }
    s.datapoints = values.map((v) => (v === undefined ? null : round(v)));
    const threshold = this.threshold(def);
    let breaching = 0;
    let counted = 0;
    for (const v of values) {
      if (v === undefined) {
        if (def.treatMissingData === 'breaching') {
          breaching++;
          counted++;
        } else if (def.treatMissingData === 'notBreaching') counted++;
      } else {
        counted++;
        if (compare(v, def.comparison, threshold)) breaching++;
      }
    }
    const shown = s.datapoints.map((v) => (v === null ? '–' : String(v))).join(', ');
    const words = `${breaching} of the last ${def.evaluationPeriods} datapoints [${shown}] ${COMPARISON_WORDS[def.comparison]} the threshold (${round(threshold)})`;
    if (!counted) {
      if (def.treatMissingData === 'missing')
        this.transition(
          s,
          'INSUFFICIENT_DATA',
          `no datapoints in the last ${def.evaluationPeriods} periods`,
          at,
        );
      return;
    }
    if (breaching >= def.datapointsToAlarm) this.transition(s, 'ALARM', `Threshold crossed: ${words}`, at);
    else this.transition(s, 'OK', `${words}; ${def.datapointsToAlarm} needed to alarm`, at);
  }

  /** @param shares bad shares already computed in this evaluation, by SLO name and window start */
  private evaluateBurn(b: BurnSlot, now: number, shares: Map<string, number>): void {
    const rate = (minutes: number) => {
      const from = Math.max(this.origin, now - this.windowMs(minutes));
      const key = `${b.slo.name} ${from}`;
      let share = shares.get(key);
      if (share === undefined) {
        share = this.badShare(b.slo, from, now);
        shares.set(key, share);
      }
      return share / errorBudget(b.slo);
    };
    const long = rate(b.rule.longWindowMin);
    const short = rate(b.rule.shortWindowMin);
    b.rates = [round(long), round(short)];
    const limit = b.rule.burnRate;
    const words = `burn rate ${round(long)} over ${windowLabel(b.rule.longWindowMin)}, ${round(short)} over ${windowLabel(b.rule.shortWindowMin)}`;
    if (long > limit && short > limit)
      this.transition(b, 'ALARM', `Both windows above ${limit}×: ${words}`, now);
    else this.transition(b, 'OK', `${words} (alarm needs both above ${limit}×)`, now);
  }

  /** Share (0–1) of an SLO's requests in `[from, to)` that were bad; 0 without requests. */
  private badShare(slo: SloDefinition, from: number, to: number): number {
    const sli = slo.sli;
    if (sli.kind === 'errorRatio') {
      const total = this.windowSum(sli.total, from, to, 'sum', (v) => v);
      return total > 0 ? this.windowSum(sli.bad, from, to, 'sum', (v) => v) / total : 0;
    }
    const limit = sli.thresholdMs;
    const count = this.windowSum(sli.latency, from, to, 'count', () => 1);
    return count
      ? this.windowSum(sli.latency, from, to, `over ${limit}`, (v) => (v > limit ? 1 : 0)) / count
      : 0;
  }

  private transition(s: Slot | BurnSlot, to: AlarmStateValue, reason: string, at: number): void {
    s.reason = reason;
    if (s.state === to) return;
    const alarm = 'def' in s ? s.def.name : s.name;
    this.transitions.push({ alarm, from: s.state, to, at: new Date(at).toISOString(), reason });
    if (this.transitions.length > 500) this.transitions.splice(0, this.transitions.length - 500);
    s.state = to;
    s.since = at;
  }

  private signalValue(signal: AlarmSignal, from: number, to: number): number | undefined {
    switch (signal.kind) {
      case 'metric': {
        const stat = signal.statistic;
        if ((stat === 'Sum' || stat === 'SampleCount') && requestValue(signal.metric)) {
          const { sum, count } = this.sumOf(signal.metric, from, to);
          return count ? (stat === 'Sum' ? sum : count) : undefined;
        }
        return statistic(this.values(signal.metric, from, to), stat);
      }
      case 'sum': {
        const parts = signal.metrics.map((m) => this.sumOf(m, from, to));
        return parts.some((p) => p.count) ? sum(parts.map((p) => p.sum)) : undefined;
      }
      case 'percent': {
        const den = this.sumOf(signal.denominator, from, to);
        if (!den.count) return undefined;
        const d = den.sum;
        return d === 0 ? 0 : (100 * this.sumOf(signal.numerator, from, to).sum) / d;
      }
      case 'gap': {
        const traffic = this.sumOf(signal.traffic, from, to).sum;
        const seen = signal.expected.some((m) => this.sumOf(m, from, to).sum > 0);
        return traffic >= signal.minTraffic / this.k && !seen ? 1 : 0;
      }
      default:
        return undefined;
    }
  }

  /** The values one metric reference had in `[from, to)`, oldest first. */
  private values(ref: MetricRef, from: number, to: number): number[] {
    const out: number[] = [];
    this.eachValue(ref, from, to, (v) => out.push(v));
    return out;
  }

  /** Sum and number of the values one metric reference had in `[from, to)`: from store counters for request-derived references (exact for counts), else added oldest first as `sum` does. */
  private sumOf(ref: MetricRef, from: number, to: number): { sum: number; count: number } {
    if (requestValue(ref))
      return {
        sum: this.windowSum(ref, from, to, 'sum', (v) => v),
        count: this.windowSum(ref, from, to, 'count', () => 1),
      };
    const acc = { sum: 0, count: 0 };
    this.eachValue(ref, from, to, (v) => {
      acc.sum += v;
      acc.count++;
    });
    return acc;
  }

  private eachValue(ref: MetricRef, from: number, to: number, each: (v: number) => void): void {
    eachValue(this.store, ref, from, to, each);
  }

  /**
   * Sum over `[from, to)` of `value(v)` for the values `ref` had — from a store prefix-sum counter (two binary
   * searches, however long the window) when `ref` is read from requests, else by a scan of the window.
   */
  private windowSum(
    ref: MetricRef,
    from: number,
    to: number,
    kind: string,
    value: (v: number) => number,
  ): number {
    const of = requestValue(ref);
    if (!of) {
      let acc = 0;
      this.eachValue(ref, from, to, (v) => {
        acc += value(v);
      });
      return acc;
    }
    const name = `${kind} ${JSON.stringify(ref)}`;
    let c = this.counters.get(name);
    if (!c) {
      c = this.store.requestCounter(name, (r) => {
        const v = of(r);
        return v === undefined ? 0 : value(v);
      });
      this.counters.set(name, c);
    }
    return this.store.requestSum(c, from, to);
  }
}

const COMPARISON_WORDS: Record<Comparison, string> = {
  GreaterThanThreshold: 'were greater than',
  GreaterThanOrEqualToThreshold: 'were greater than or equal to',
  LessThanThreshold: 'were less than',
  // Band comparisons belong to `anomaly` signals, which are UNSUPPORTED here (no anomaly model locally).
  GreaterThanUpperThreshold: 'were above the anomaly band of',
  LessThanLowerThreshold: 'were below the anomaly band of',
  LessThanLowerOrGreaterThanUpperThreshold: 'were outside the anomaly band of',
};

function compare(v: number, c: Comparison, threshold: number): boolean {
  switch (c) {
    case 'GreaterThanThreshold':
      return v > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return v >= threshold;
    case 'LessThanThreshold':
      return v < threshold;
    default:
      throw new Error(`${c} compares with an anomaly band, which the local evaluator does not model`);
  }
}

/** True when the signal's value is a number of events per period (its threshold scales with the period). */
export function countsEvents(signal: AlarmSignal): boolean {
  return (
    signal.kind === 'sum' ||
    (signal.kind === 'metric' && (signal.statistic === 'Sum' || signal.statistic === 'SampleCount'))
  );
}

/** Why a signal cannot be evaluated locally (an unknown kind, or an AWS service metric), or `undefined`. */
function unsupportedReason(signal: AlarmSignal): string | undefined {
  const kind = (signal as { kind: string }).kind;
  if (!['metric', 'sum', 'percent', 'gap'].includes(kind))
    return `signal kind "${kind}" is not evaluated locally`;
  const aws = signalRefs(signal).find((r) => !measuredLocally(r));
  return aws ? `reads an AWS ${aws.source} metric (${aws.metric}) the local stack does not have` : undefined;
}

function checkScale(k: number): number {
  if (typeof k !== 'number' || !Number.isFinite(k) || k < 1 || k > MAX_TIME_SCALE) {
    throw new RangeError(`time scale must be a number from 1 to ${MAX_TIME_SCALE}, got ${String(k)}`);
  }
  return k;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
