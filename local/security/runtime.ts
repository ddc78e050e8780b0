import { randomUUID } from 'node:crypto';
import type { BlockRecord } from '../../lambdas/security-responder/block-store';
import type { ResponderOutcome } from '../../lambdas/security-responder/responder';
import type { SecurityEvent } from '../../lambdas/shared/security/event-schema';
import {
  SECURITY_EVENT_SOURCE,
  SECURITY_RULES,
  SECURITY_SCHEDULES,
  type SecurityConfig,
  type SecurityScheduleName,
  type SecurityTarget,
} from '../../lib/config/security';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { matchesPattern } from './event-pattern';
import { LocalWaf } from './ip-sets';

/**
 * The local stand-in for the Security stack: the WAF IP sets the gateway enforces ({@link LocalWaf}), an
 * EventBridge bus that routes with the same rules as AWS (`SECURITY_RULES`), the responder and security-events
 * Lambdas invoked through their own handlers (`lambdas/security-*\/handler.ts`), the access log and the security-event
 * lines of the authorizer, admin API and edge proxy (`tapSecurityEventLines`) fed to security-events in batches (the
 * messages of a CloudWatch Logs subscription batch, without its encoding), the expiry sweep on a timer, and the paging/ticket topics
 * and the security log group kept in memory for `GET /_local/security/state` (docs/local.md, the drill).
 */

/** Options of {@link startLocalSecurity}. */
export interface LocalSecurityOptions {
  /** The stage's `security` section. */
  config: SecurityConfig;
  env: NodeJS.ProcessEnv;
  /** Unexpected errors (a handler that threw). */
  onError?: (message: string) => void;
}

/** A message on the paging or ticket topic. */
export interface LocalNotification {
  topic: Exclude<SecurityTarget, 'responder'>;
  rule: string;
  source: string;
  detailType: string;
  eventId: string;
  time: string;
  detail: unknown;
}

/** What the bus did with one event. */
export interface BusDelivery {
  eventId: string;
  /** Rules whose pattern matched. */
  rules: string[];
  /** The responder's outcome when a rule targeted it. */
  responder?: ResponderOutcome;
  /** Set when the responder threw (the event went to the dead-letter queue). */
  deadLettered?: string;
}

/** Snapshot for the drill and the developer. */
export interface LocalSecurityState {
  ipSets: { ipv4: string[]; ipv6: string[] };
  blocks: BlockRecord[];
  notifications: LocalNotification[];
  deadLetters: { eventId: string; error: string }[];
  /** The security log group (newest last, at most {@link LOG_CAPACITY}). */
  events: SecurityEvent[];
  /** Access-log lines dropped because security-events fell behind by {@link MAX_PENDING_LINES}. */
  droppedAccessLogLines: number;
  config: Pick<SecurityConfig, 'allowlist' | 'blockTtlSec' | 'failedAuth' | 'anomaly'> & { sweepMs: number };
}

/** The running local security runtime. */
export interface LocalSecurity {
  waf: LocalWaf;
  /** The effective config (stage config with the local allowlist and block TTL overrides). */
  config: SecurityConfig;
  /**
   * Tee of the access log (the subscription filter): batches go to security-events (with the Lambdas' lines). A
   * line, or the record it encodes (final once handed over; no JSON parse then).
   */
  observeAccessLog(line: string | Readonly<Record<string, string>>): void;
  /** Delivers events to the bus (the drill's `PutEvents`). */
  putEvents(events: unknown[]): Promise<BusDelivery[]>;
  /** Runs a schedule now; `time` (ISO) is the schedule event's time (hourly: the hour before it is evaluated). */
  runSchedule(name: SecurityScheduleName, time?: string): Promise<unknown>;
  /** Processes the buffered access-log lines now. */
  flush(): Promise<void>;
  /** Replays access-log lines (e.g. earlier hours' records) through security-events now. */
  replayAccessLog(lines: readonly string[]): Promise<void>;
  state(): Promise<LocalSecurityState>;
  stop(): Promise<void>;
}

const LOG_CAPACITY = 5_000;
const NOTIFICATION_CAPACITY = 1_000;
const FLUSH_MS = 200;
/** Most access-log lines waiting for security-events; beyond it lines are dropped and counted (load tests). */
const MAX_PENDING_LINES = 50_000;
/** Loopback never blocked locally: the stack's own tests and browser suites send bad tokens from it. */
const LOCAL_ALLOWLIST = ['127.0.0.0/8', '::1/128'];

/**
 * The local config: the stage's, plus loopback in the allowlist and `LOCAL_SECURITY_BLOCK_TTL_SEC` (whole seconds)
 * as the block duration of findings and failed-auth bursts when set (the drill uses a short one).
 * @throws {Error} an invalid `LOCAL_SECURITY_BLOCK_TTL_SEC`
 */
export function localSecurityConfig(config: SecurityConfig, env: NodeJS.ProcessEnv): SecurityConfig {
  const ttl = positiveInt(env.LOCAL_SECURITY_BLOCK_TTL_SEC, 'LOCAL_SECURITY_BLOCK_TTL_SEC');
  return {
    ...config,
    allowlist: [...config.allowlist, ...LOCAL_ALLOWLIST],
    blockTtlSec: ttl ? { finding: ttl, bruteForce: ttl } : config.blockTtlSec,
  };
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got "${value}"`);
  return n;
}

/**
 * Starts the local security runtime. Call after the handler environment is set (tables, `REDIS_URL`, `STAGE`).
 * `LOCAL_SECURITY_SWEEP_MS` sets the expiry sweep period (default 1000 ms).
 */
export async function startLocalSecurity(opts: LocalSecurityOptions): Promise<LocalSecurity> {
  const config = localSecurityConfig(opts.config, opts.env);
  const sweepMs = positiveInt(opts.env.LOCAL_SECURITY_SWEEP_MS, 'LOCAL_SECURITY_SWEEP_MS') ?? 1_000;
  const onError = opts.onError ?? ((m: string) => process.stderr.write(`[local security] ${m}\n`));
  const waf = new LocalWaf();
  const log: SecurityEvent[] = [];
  const notifications: LocalNotification[] = [];
  const deadLetters: { eventId: string; error: string }[] = [];
  const sink = (e: SecurityEvent) => {
    log.push(e);
    if (log.length > LOG_CAPACITY) log.splice(0, log.length - LOG_CAPACITY);
  };
  const region = settingOrDefault(opts.env, SETTINGS.awsRegion);
  const envelope = (source: string, detailType: string, detail: unknown, time = new Date()) => ({
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [] as string[],
    detail,
  });

  const [responderDeps, responderHandler, eventsDeps, eventsHandler, blockStoreMod, dynamo, securityEvent] =
    await Promise.all([
      import('../../lambdas/security-responder/deps'),
      import('../../lambdas/security-responder/handler'),
      import('../../lambdas/security-events/deps'),
      import('../../lambdas/security-events/handler'),
      import('../../lambdas/security-responder/block-store'),
      import('../../lambdas/shared/aws/dynamodb'),
      import('../../lambdas/shared/security/event'),
    ]);
  const [adminSecurity, recentEvents] = await Promise.all([
    import('../../lambdas/admin/security-port'),
    import('../../lambdas/shared/security/recent-events'),
  ]);
  const store = new blockStoreMod.DynamoBlockStore(dynamo.documentClient, () => dynamo.tableName('security'));

  // The timer's sweep reads every block record and clamp (DynamoDB through the SDK into dynalite: ~25 ms of CPU a
  // second on an idle stack, docs/load-testing.md). Only the responder writes blocks and clamps, and every responder
  // input of this process goes through `route`, so the timer sweeps while something may be left to lift: armed at
  // start (state from before) and by every responder input, disarmed by a sweep after which no IP set entry, block
  // record or clamp is left and no responder input started or finished meanwhile. A block or clamp therefore still
  // lifts within one period of its expiry; scheduled sweeps (`runSchedule`) always run.
  let armed = true;
  let responderInputs = 0; // started + finished, so a disarm check sees any input overlapping it
  let responderRunning = 0;
  const responderStarted = () => {
    armed = true;
    responderInputs++;
    responderRunning++;
  };
  const responderFinished = () => {
    armed = true;
    responderInputs++;
    responderRunning--;
  };

  const route = async (event: unknown): Promise<BusDelivery> => {
    const e = event as {
      id?: unknown;
      source?: unknown;
      'detail-type'?: unknown;
      time?: unknown;
      detail?: unknown;
    };
    const delivery: BusDelivery = { eventId: String(e.id ?? '-'), rules: [] };
    let toResponder = false;
    for (const rule of SECURITY_RULES) {
      if (!matchesPattern(rule.pattern, event)) continue;
      delivery.rules.push(rule.id);
      for (const target of rule.targets) {
        if (target === 'responder') toResponder = true;
        else {
          notifications.push({
            topic: target,
            rule: rule.id,
            source: String(e.source ?? '-'),
            detailType: String(e['detail-type'] ?? '-'),
            eventId: delivery.eventId,
            time: String(e.time ?? new Date().toISOString()),
            detail: e.detail,
          });
          if (notifications.length > NOTIFICATION_CAPACITY) notifications.shift();
        }
      }
    }
    if (toResponder) {
      // Async invocation in AWS: a failure (after retries) lands in the dead-letter queue; here at once.
      responderStarted();
      try {
        delivery.responder = await responderHandler.handler(event);
      } catch (err) {
        delivery.deadLettered = err instanceof Error ? err.message : String(err);
        deadLetters.push({ eventId: delivery.eventId, error: delivery.deadLettered });
      } finally {
        responderFinished();
      }
    }
    return delivery;
  };
  const publish = async (detailType: string, detail: Record<string, unknown>) => {
    await route(envelope(SECURITY_EVENT_SOURCE, detailType, detail));
  };

  // The responder's log group is subscribed like the other Lambdas' (AWS): its events reach the security log through
  // security-events, which alone writes the log (and the recent-events window the console shows).
  const responderLines = (e: SecurityEvent) =>
    observe(JSON.stringify({ message: 'security event', security_event: e }));
  responderDeps.configureResponder({ ipSets: waf.ipSets, config, publish, sink: responderLines });
  eventsDeps.configureSecurityEvents({ config, publish, sink });
  // The admin API's early unblock / clamp lift: requests on the same bus (PutEvents in AWS).
  adminSecurity.configureAdminSecurity({ publish });
  // Without Redis the recent-events window is this process's: a fresh stack starts it empty.
  recentEvents.processRecentEvents.clear();

  // Access log → security-events, in batches (a subscription batch's messages), one batch at a time.
  let buffer: (string | Readonly<Record<string, string>>)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let dropped = 0;
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const lines = buffer;
    buffer = [];
    if (lines.length > 0) {
      pending += lines.length;
      chain = chain.then(async () => {
        pending -= lines.length;
        // The messages of a subscription batch, handed to what the handler runs after decoding one: gzip + base64 +
        // JSON of the batch cost more CPU per request than the pipeline itself (docs/load-testing.md, #11).
        await eventsHandler.processLogMessages(lines).then(
          () => undefined,
          (err: unknown) => onError(`security-events failed on ${lines.length} lines: ${String(err)}`),
        );
      });
    }
    return chain;
  };

  let sweeping: Promise<unknown> | undefined;
  const sweep = async (time = new Date()) => {
    const event = {
      ...envelope('aws.events', 'Scheduled Event', {}, time),
      resources: ['local:expirySweep'],
    };
    return responderHandler.handler(event);
  };
  const nothingToLift = async (): Promise<boolean> => {
    if (waf.ipSets[4].list().length > 0 || waf.ipSets[6].list().length > 0) return false;
    const [v4, v6, clamps] = await Promise.all([store.list(4), store.list(6), store.listClamps()]);
    return v4.length === 0 && v6.length === 0 && clamps.length === 0;
  };
  const timedSweep = async () => {
    const inputsBefore = responderInputs;
    await sweep();
    // Any responder input started or finished since the sweep began changed `responderInputs`.
    if (responderRunning === 0 && (await nothingToLift()) && responderInputs === inputsBefore) armed = false;
  };
  const sweeper = setInterval(() => {
    if (sweeping || !armed) return;
    sweeping = timedSweep()
      .catch((err: unknown) => onError(`expiry sweep failed: ${String(err)}`))
      .finally(() => {
        sweeping = undefined;
      });
  }, sweepMs);
  sweeper.unref();

  const observe = (line: string | Readonly<Record<string, string>>) => {
    if (pending + buffer.length >= MAX_PENDING_LINES) {
      dropped++;
      return;
    }
    buffer.push(line);
    timer ??= setTimeout(() => void flush(), FLUSH_MS);
  };
  // The security-event lines of the authorizer, admin API and edge proxy (the log subscriptions' filter in AWS).
  securityEvent.tapSecurityEventLines(observe);

  return {
    waf,
    config,
    observeAccessLog: observe,
    putEvents: (events) => Promise.all(events.map(route)),
    async runSchedule(name, time) {
      const at = time ? new Date(time) : new Date();
      if (Number.isNaN(at.getTime())) throw new Error(`invalid schedule time: ${time}`);
      if (SECURITY_SCHEDULES[name].target === 'responder') return sweep(at);
      await flush();
      const event = { ...envelope('aws.events', 'Scheduled Event', {}, at), resources: [`local:${name}`] };
      return eventsHandler.handler(event);
    },
    flush,
    replayAccessLog(lines) {
      buffer.push(...lines);
      return flush();
    },
    async state() {
      // Lines the last batch caused (responder events, the admin API's clamp change) are processed first.
      for (let round = 0; round < 5 && (buffer.length > 0 || pending > 0); round++) await flush();
      const [v4, v6] = await Promise.all([store.list(4), store.list(6)]);
      return {
        ipSets: { ipv4: waf.ipSets[4].list(), ipv6: waf.ipSets[6].list() },
        blocks: [...v4, ...v6],
        notifications: [...notifications],
        deadLetters: [...deadLetters],
        events: [...log],
        droppedAccessLogLines: dropped,
        config: {
          allowlist: config.allowlist,
          blockTtlSec: config.blockTtlSec,
          failedAuth: config.failedAuth,
          anomaly: config.anomaly,
          sweepMs,
        },
      };
    },
    async stop() {
      securityEvent.tapSecurityEventLines(undefined);
      adminSecurity.configureAdminSecurity({});
      clearInterval(sweeper);
      await sweeping;
      await flush().catch(() => undefined);
      await eventsDeps.closeSecurityEvents();
    },
  };
}
