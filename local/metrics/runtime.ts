import { alarmDefinitions } from '../../lib/config/alarms';
import { LOCAL_OPERATIONS_PATH } from '../../lib/config/console';
import { sloDefinitions } from '../../lib/config/slos';
import type { StageConfig } from '../../lib/config/stages';
import { CONTROL_PREFIX, type ControlHandler } from '../control/router';
import type { AccessLogRecord } from '../gateway/access-log';
import { tapEmf } from './emf-tap';
import { AlarmEvaluator, MAX_TIME_SCALE } from './evaluator';
import { MAX_OPERATIONS_MINUTES, summarizeOperations } from './operations';
import { MetricStore } from './store';

/** The local stack's metrics and alarms (docs/local.md, "Metrics and alarms"). */
export interface LocalMetrics {
  store: MetricStore;
  evaluator: AlarmEvaluator;
  /**
   * Feed for the gateway's access log (the API Gateway metrics): a JSON line or the record it was made from. Queued
   * with its arrival time and stored once per event-loop turn ({@link MetricStore.enqueueAccessLog}); every read of
   * the store sees it.
   */
  observeAccessLog(line: string | Readonly<Partial<AccessLogRecord>>): void;
  /** `/_local/alarms` and `/_local/operations`. */
  control: Readonly<Record<string, ControlHandler>>;
  /** Stops the evaluator's timer and the stdout tap. Idempotent. */
  stop(): void;
}

/**
 * Starts collecting: the EMF lines the handlers of this process write to stdout and the access-log lines handed to
 * `observeAccessLog` go into one {@link MetricStore} (queued on the request's turn, stored once per turn); the stage's alarm definitions and SLO burn-rate composites are
 * evaluated over it on a timer.
 * `LOCAL_ALARM_TIME_SCALE` sets the initial time scale (default 1); `LOCAL_EMF_ECHO=1` also prints the EMF lines.
 * @throws {RangeError} `LOCAL_ALARM_TIME_SCALE` out of 1–3600
 */
export function startLocalMetrics(stage: StageConfig, env: NodeJS.ProcessEnv): LocalMetrics {
  const store = new MetricStore();
  const scale = env.LOCAL_ALARM_TIME_SCALE ? Number(env.LOCAL_ALARM_TIME_SCALE) : 1;
  const evaluator = new AlarmEvaluator({
    definitions: alarmDefinitions(stage),
    slos: sloDefinitions(stage),
    store,
    timeScale: scale,
  });
  const untap = tapEmf((line) => store.enqueueEmfLine(line), { echo: env.LOCAL_EMF_ECHO === '1' });
  evaluator.start();
  return {
    store,
    evaluator,
    observeAccessLog: (line) => store.enqueueAccessLog(line),
    control: {
      alarms: alarmsControl(evaluator, store),
      [LOCAL_OPERATIONS_PATH.slice(CONTROL_PREFIX.length)]: operationsControl(store, evaluator),
    },
    stop() {
      evaluator.stop();
      untap();
    },
  };
}

/**
 * `GET /_local/alarms` → `{ timeScale, origin, store, alarms, history }` (every alarm's state, reason, datapoints,
 * effective period and threshold, runbook link; the last 100 transitions). `?alarm=<name>` (repeatable) narrows
 * `alarms` and `history` to those alarms (short names, as listed); an unknown name answers 404 naming it.
 * `PUT /_local/alarms` with `{ "timeScale": k }` (1–3600, optional; `"clear": true` also empties the store) starts
 * the evaluation over.
 */
export function alarmsControl(evaluator: AlarmEvaluator, store: MetricStore): ControlHandler {
  const view = (only?: ReadonlySet<string>) => {
    evaluator.evaluate();
    const alarms = evaluator.statuses();
    const history = evaluator.history();
    return {
      timeScale: evaluator.timeScale,
      origin: new Date(evaluator.originMs).toISOString(),
      store: store.stats(),
      alarms: only ? alarms.filter((a) => only.has(a.name)) : alarms,
      history: (only ? history.filter((t) => only.has(t.alarm)) : history).slice(-100),
    };
  };
  return async (method, body, query) => {
    if (method === 'GET') {
      const names = query.getAll('alarm');
      if (names.length === 0) return { status: 200, body: view() };
      const known = new Set(evaluator.statuses().map((a) => a.name));
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length > 0) {
        return {
          status: 404,
          body: {
            title: 'Not Found',
            status: 404,
            detail: `no alarm named ${unknown.join(', ')}`,
            errors: unknown.map(() => ({ path: 'query.alarm', message: 'is not an alarm of this stage' })),
          },
        };
      }
      return { status: 200, body: view(new Set(names)) };
    }
    if (method !== 'PUT') return { status: 405, body: { title: 'Method Not Allowed', status: 405 } };
    const b = (body ?? {}) as Record<string, unknown>;
    const errors: { path: string; message: string }[] = [];
    if (typeof b !== 'object' || Array.isArray(b))
      errors.push({ path: '(body)', message: 'must be a JSON object' });
    else {
      for (const k of Object.keys(b)) {
        if (k !== 'timeScale' && k !== 'clear') errors.push({ path: k, message: 'unknown field' });
      }
      const k = b.timeScale;
      if (k !== undefined && (typeof k !== 'number' || !(k >= 1 && k <= MAX_TIME_SCALE)))
        errors.push({ path: 'timeScale', message: `must be a number from 1 to ${MAX_TIME_SCALE}` });
      if (b.clear !== undefined && typeof b.clear !== 'boolean')
        errors.push({ path: 'clear', message: 'must be a boolean' });
    }
    if (errors.length) return { status: 400, body: { title: 'Bad Request', status: 400, errors } };
    if (b.clear === true) store.clear();
    evaluator.reset(typeof b.timeScale === 'number' ? b.timeScale : evaluator.timeScale);
    return { status: 200, body: view() };
  };
}

/**
 * `GET /_local/operations?minutes=15` → the {@link summarizeOperations} view of the last `minutes` (1–60, default 15)
 * and, with an evaluator, every alarm's state: what the console's Operations page charts. 400 with the field path
 * for a bad `minutes`.
 */
export function operationsControl(store: MetricStore, evaluator?: AlarmEvaluator): ControlHandler {
  return async (method, _body, query) => {
    if (method !== 'GET') return { status: 405, body: { title: 'Method Not Allowed', status: 405 } };
    const raw = query.get('minutes') ?? '15';
    const minutes = Number(raw);
    if (!/^\d+$/.test(raw) || minutes < 1 || minutes > MAX_OPERATIONS_MINUTES)
      return {
        status: 400,
        body: {
          title: 'Bad Request',
          status: 400,
          errors: [
            { path: 'query.minutes', message: `must be an integer from 1 to ${MAX_OPERATIONS_MINUTES}` },
          ],
        },
      };
    evaluator?.evaluate();
    const alarms = evaluator?.statuses().map(({ name, state, severity, runbook, reason }) => ({
      name,
      state,
      severity,
      runbook,
      reason,
    }));
    return { status: 200, body: { ...summarizeOperations(store, minutes), ...(alarms ? { alarms } : {}) } };
  };
}
