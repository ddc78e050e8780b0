import type { DrillSpec } from '../../lib/config/alarms';
import type { FlagName } from '../../lib/config/flags';
import type { FaultSpec } from '../faults/controller';
import type { AlarmStatus, AlarmTransition } from '../metrics/evaluator';
import type { DrillEntry } from './catalog';
import { senderFor, startTraffic, TRAFFIC_IDENTITY, type TrafficTarget } from './traffic';

/** The outcome of one drill (the `RESULT` line of `npm run drill -- <Alarm>`). */
export interface DrillResult {
  alarm: string;
  reached_alarm: boolean;
  recovered: boolean;
  /** Whole drill, s of clock. */
  seconds: number;
  /** From the condition starting to the alarm in `ALARM`, s (null when it never did). */
  seconds_to_alarm: number | null;
  /** From the condition ending to the alarm back in `OK`, s (null when it never did). */
  seconds_to_recover: number | null;
  /** Time scale used: periods lasted `periodSec / time_scale` s (see `local/metrics/evaluator.ts`). */
  time_scale: number;
  runbook: string;
  fault: DrillSpec['fault'] | null;
  flags: DrillSpec['flags'] | null;
  traffic: DrillSpec['traffic'] | null;
  rate_per_sec: number | null;
  /** Requests the drill sent, by status (`0` = network error, `skipped` = over the in-flight cap). */
  statuses: Record<string, number>;
  /** The alarm's state reason when it entered `ALARM` (the datapoints that breached). */
  alarm_reason: string | null;
  /** Set when the alarm has no drill: the written reason. */
  skipped?: string;
  passed: boolean;
}

/** Options of {@link runDrill}. */
export interface RunDrillOptions {
  entry: DrillEntry;
  target: TrafficTarget;
  /** Time scale override (default: the entry's). */
  timeScale?: number;
  /** Longest wait for each transition, s (default: 10 + 4 × the entry's expected time, at least 20). */
  timeoutSec?: number;
  /** Human-readable progress (default: stdout). */
  print?: (line: string) => void;
}

/**
 * Drills one alarm on a running local stack: starts the evaluation over at the drill's time scale; baseline until the
 * alarm is `OK` (with the drill's traffic and healthy flag values when the condition is a fault or a flag; a
 * burn-rate composite also fills its short window); holds the entry's fault and flags while its traffic runs, waits
 * for the alarm to enter `ALARM` (printing the state reason and the runbook link); removes the fault and sets the
 * flags healthy (the traffic goes on, so recovery is shown under load — it stops when the traffic itself was the
 * condition); waits for `OK`; then puts the stack's flags and time scale back as they were. Never throws for a failed
 * drill: see `passed`.
 * @throws {Error} the stack's control plane refuses a call (not a local stack, a fault that cannot apply)
 */
export async function runDrill(opts: RunDrillOptions): Promise<DrillResult> {
  const { entry } = opts;
  const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const base = opts.target.url.replace(/\/$/, '');
  const t0 = performance.now();
  const since = (t: number) => Math.round((performance.now() - t) / 100) / 10;
  const k = opts.timeScale ?? entry.timeScale;
  const result: DrillResult = {
    alarm: entry.name,
    reached_alarm: false,
    recovered: false,
    seconds: 0,
    seconds_to_alarm: null,
    seconds_to_recover: null,
    time_scale: k,
    runbook: entry.runbook,
    fault: null,
    flags: null,
    traffic: null,
    rate_per_sec: null,
    statuses: {},
    alarm_reason: null,
    passed: false,
  };
  print(`drill ${entry.name}: ${entry.summary}`);
  print(`  runbook ${entry.runbook}`);
  if ('reason' in entry.drill) {
    print(`  no drill: ${entry.drill.reason}`);
    return { ...result, skipped: entry.drill.reason, passed: true };
  }
  const spec = entry.drill;
  Object.assign(result, {
    fault: spec.fault ?? null,
    flags: spec.flags ?? null,
    traffic: spec.traffic,
    rate_per_sec: spec.ratePerSec,
  });
  const timeoutMs =
    1000 * (opts.timeoutSec ?? Math.max(20, 10 + 4 * entry.expectedSec * (entry.timeScale / k)));

  const before = await control<{ timeScale: number }>(base, 'GET', 'alarms');
  const flagsBefore = await control<Record<string, boolean>>(base, 'GET', 'flags');
  await control(base, 'DELETE', 'faults');
  const start = await control<{ alarms: AlarmStatus[] }>(base, 'PUT', 'alarms', { timeScale: k });
  const status0 = start.alarms.find((a) => a.name === entry.name);
  if (!status0) throw new Error(`the stack does not evaluate an alarm named ${entry.name}`);
  print(
    `  time scale ${k}: ${status0.kind === 'burn-rate' ? `windows ${status0.windows?.long.label} → ${ms(status0.windows?.long.effectiveMs)}, ${status0.windows?.short.label} → ${ms(status0.windows?.short.effectiveMs)}` : `period ${status0.periodSec} s → ${ms(status0.effectivePeriodMs)}, threshold ${status0.threshold} → ${round(status0.effectiveThreshold)}, ${status0.datapointsToAlarm} of ${status0.evaluationPeriods}`}`,
  );
  const fault: FaultSpec | undefined = spec.fault && {
    ...spec.fault,
    ...(spec.fault.kind === 'limits-clamped' ? { tenantId: TRAFFIC_IDENTITY[spec.traffic].tenantId } : {}),
  };
  const sender = await senderFor(spec.traffic, opts.target);
  // With a fault or flags the condition is not the traffic: the same traffic runs healthy before and after it.
  const keepTraffic = Boolean(fault || spec.flags);
  // `silence`: the traffic is the healthy state (baseline and recovery); stopping it is the condition.
  const silence = spec.condition === 'silence';
  const statuses: Record<string, number> = {};
  const stopTraffic = async () => {
    if (!traffic) return;
    await traffic.stop();
    for (const [s, n] of Object.entries(traffic.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
    traffic = undefined;
  };
  const healthyFlags = spec.flags && invert(spec.flags);
  let traffic: ReturnType<typeof startTraffic> | undefined;
  let faultOn = false;
  let flagsChanged = false;
  try {
    if (healthyFlags) {
      await control(base, 'PUT', 'flags', healthyFlags);
      flagsChanged = true;
    }
    if (keepTraffic || silence) traffic = startTraffic(sender, spec.ratePerSec);
    const baseline = await waitForState(base, entry.name, 'OK', timeoutMs);
    if (status0.kind === 'burn-rate' && status0.windows)
      await new Promise((r) => setTimeout(r, status0.windows?.short.effectiveMs));
    print(
      `  baseline: ${baseline ? `OK  ${baseline.reason}` : 'not OK'}${keepTraffic ? ` (traffic ${spec.traffic} at ${spec.ratePerSec}/s)` : ''}`,
    );

    const tCondition = performance.now();
    if (spec.flags) await control(base, 'PUT', 'flags', spec.flags);
    if (fault) {
      await control(base, 'PUT', 'faults', fault);
      faultOn = true;
    }
    if (silence) await stopTraffic();
    else traffic ??= startTraffic(sender, spec.ratePerSec);
    print(
      `  condition: ${silence ? `traffic ${spec.traffic} stopped (silence)` : [fault && `fault ${fault.kind}${fault.delayMs ? ` (${fault.delayMs} ms)` : ''}${fault.tenantId ? ` on ${fault.tenantId}` : ''}`, spec.flags && `flags ${JSON.stringify(spec.flags)}`, `traffic ${spec.traffic} at ${spec.ratePerSec}/s`].filter(Boolean).join(', ')}`,
    );
    const alarmed = await waitForState(base, entry.name, 'ALARM', timeoutMs);
    if (alarmed) {
      result.reached_alarm = true;
      result.seconds_to_alarm = since(tCondition);
      result.alarm_reason = alarmed.reason;
      print(`  +${result.seconds_to_alarm} s ALARM  ${alarmed.reason}`);
      print(`           runbook: ${entry.runbook}`);
    } else print(`  no ALARM within ${timeoutMs / 1000} s`);

    const tRecovery = performance.now();
    if (faultOn) await control(base, 'DELETE', `faults?kind=${encodeURIComponent(fault?.kind ?? '')}`);
    faultOn = false;
    if (healthyFlags) await control(base, 'PUT', 'flags', healthyFlags);
    if (silence) traffic = startTraffic(sender, spec.ratePerSec);
    else if (!keepTraffic) await stopTraffic();
    print(
      `  condition removed${healthyFlags ? ` (flags ${JSON.stringify(healthyFlags)})` : ''}${silence ? `, traffic ${spec.traffic} resumed` : keepTraffic ? `, traffic ${spec.traffic} goes on` : ', traffic stopped'}`,
    );
    if (result.reached_alarm) {
      const ok = await waitForState(base, entry.name, 'OK', timeoutMs);
      if (ok) {
        result.recovered = true;
        result.seconds_to_recover = since(tRecovery);
        print(`  +${result.seconds_to_recover} s OK  ${ok.reason}`);
      } else print(`  not back to OK within ${timeoutMs / 1000} s`);
    }
  } finally {
    await stopTraffic();
    if (faultOn) await control(base, 'DELETE', 'faults').catch(() => undefined);
    if (flagsChanged)
      await control(base, 'PUT', 'flags', restoreOf(spec.flags ?? {}, flagsBefore)).catch(() => undefined);
    await control(base, 'PUT', 'alarms', { timeScale: before.timeScale }).catch(() => undefined);
  }
  result.statuses = statuses;
  result.seconds = since(t0);
  result.passed = result.reached_alarm && result.recovered;
  return result;
}

/** The healthy values of the flags a drill turns (each the opposite of the drill's value). */
function invert(flags: Partial<Record<FlagName, boolean>>): Partial<Record<FlagName, boolean>> {
  return Object.fromEntries(Object.entries(flags).map(([f, v]) => [f, !v]));
}

/** The flag values to put back: each flag the drill changed, at the value it had before. */
function restoreOf(changed: Partial<Record<FlagName, boolean>>, before: Record<string, boolean>) {
  return Object.fromEntries(Object.keys(changed).map((f) => [f, before[f]]));
}

/** Polls `GET /_local/alarms` until `name` is in `state`; the status then, or `undefined` after `timeoutMs`. */
async function waitForState(
  base: string,
  name: string,
  state: AlarmStatus['state'],
  timeoutMs: number,
): Promise<AlarmStatus | undefined> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const view = await control<{ alarms: AlarmStatus[]; history: AlarmTransition[] }>(base, 'GET', 'alarms');
    const s = view.alarms.find((a) => a.name === name);
    if (s?.state === state) return s;
    if (performance.now() >= until) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One call to the stack's control plane (`/_local/<path>`). @throws {Error} on a status ≥ 400 */
async function control<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/_local/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} /_local/${path} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function ms(v: number | undefined): string {
  if (v === undefined) return '?';
  return v >= 1000 ? `${round(v / 1000)} s` : `${Math.round(v)} ms`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
