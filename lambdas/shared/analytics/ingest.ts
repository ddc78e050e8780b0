import {
  type AnalyticsRecord,
  clientEventSchema,
  EVENT_BATCH_LIMITS,
  EVENT_CATALOG,
  type EventName,
  type EventSource,
  eventBatchSchema,
} from '../../../lib/config/analytics';
import {
  EXPERIMENTS,
  type ExperimentAssignments,
  type ExperimentName,
  isExperimentName,
} from '../../../lib/config/experiments';
import type { FlagName } from '../../../lib/config/flags';
import type * as z from '../../../lib/config/zod';
import type { FieldError } from '../http/problem';
import { RecentKeys } from './dedupe';
import { variantOf } from './experiments';
import { derivedUuid, userHash } from './hash';
import { type AnalyticsIdentity, buildRecord, type EventInput, isPlatformOperator } from './record';

/** Where records go. `write` must not block: it buffers or hands off (a log line, a file buffer). */
export interface AnalyticsSink {
  write(records: readonly AnalyticsRecord[]): void;
}

/** Ports of the ingestion core. */
export interface IngestorDeps {
  sink: AnalyticsSink;
  /** The stage's hashing secret (Secrets Manager in AWS, a local key file locally); resolved once, then cached. */
  secret: () => Promise<string>;
  /** `business_analytics_enabled`, read per call (AppConfig in AWS, so a change applies without a deploy). */
  enabled: () => Promise<boolean>;
  /** The tenant's analytics opt-out setting (admin API), cached by the adapter. */
  optedOut: (tenantId: string) => Promise<boolean>;
  /**
   * Any flag by name (the process's flag provider), read for an experiment's catalog `flag` by
   * {@link Ingestor.assignments}. Omitted → only `business_analytics_enabled` counts as on (it is {@link enabled}),
   * so experiments gated on another flag are not assigned.
   */
  flag?: (name: FlagName) => Promise<boolean>;
  /** Called with the records written (for EMF counters); never with raw identities. */
  onWritten?: (records: readonly AnalyticsRecord[]) => void;
  /**
   * Called with the events of a request that were not stored, by why (EMF counters): `duplicate` (event id seen),
   * `invalid` (a 400 batch), `platform-operator`, `tenant-opt-out`, `do-not-track`.
   */
  onNotStored?: (why: 'duplicate' | 'invalid' | DropReason, count: number) => void;
  /** Called when a server-side emit failed (the request is never affected). */
  onError?: (error: unknown) => void;
  /** Clock, ms since epoch (default `Date.now`). */
  now?: () => number;
  /** Event ids remembered for in-process de-duplication (default 100 000). */
  dedupeCapacity?: number;
}

/**
 * Why events of a valid request were not stored: the caller is a platform operator (`isPlatformOperator`: not a
 * product user), the tenant opted out, or the request carries do-not-track.
 */
export type DropReason = 'platform-operator' | 'tenant-opt-out' | 'do-not-track';

/** Outcome of {@link Ingestor.ingestClientBatch}. */
export type BatchOutcome =
  /** `business_analytics_enabled` is off: answer 204, nothing validated or stored. */
  | { status: 'disabled' }
  /** Answer 400 with these field paths (`events.<i>.<field>`); nothing stored. */
  | { status: 'invalid'; errors: FieldError[] }
  /** Answer 202: `accepted` stored, `duplicates` already seen, `dropped` not stored for `reason`. */
  | { status: 'accepted'; accepted: number; duplicates: number; dropped: number; reason?: DropReason };

/** Request headers a user expresses do-not-track with: `DNT: 1` or `Sec-GPC: 1` (Global Privacy Control). */
export function doNotTrack(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
): boolean {
  for (const [k, v] of Object.entries(headers ?? {})) {
    const key = k.toLowerCase();
    if ((key === 'dnt' || key === 'sec-gpc') && v?.trim() === '1') return true;
  }
  return false;
}

/** The ingestion core (no AWS imports): validation, privacy gates, de-duplication, record building. */
export interface Ingestor {
  /** Whether collection is on (`business_analytics_enabled`); off → the events endpoint answers 204. */
  enabled(): Promise<boolean>;
  /**
   * Handles a parsed `POST /v1/events` body for the caller `who` (from the token). Order: flag off → `disabled`;
   * then validation of every event (all errors returned at once); then platform operator / do-not-track / tenant
   * opt-out → `dropped`;
   * then de-duplication by `event_id` and one `sink.write` for the batch.
   */
  ingestClientBatch(
    who: AnalyticsIdentity,
    body: unknown,
    headers?: Readonly<Record<string, string | undefined>> | null,
  ): Promise<BatchOutcome>;
  /**
   * Emits one server-side event without blocking the caller: returns at once, the flag / opt-out / secret look-ups
   * (cached) and the sink write happen in a microtask. Failures go to `onError`, never to the request.
   * @param headers the request's headers (do-not-track is honoured for server-side events too)
   */
  emit(
    who: AnalyticsIdentity,
    name: EventName,
    props?: Record<string, unknown>,
    headers?: Readonly<Record<string, string | undefined>> | null,
  ): void;
  /**
   * The caller's experiment assignments (`GET /v1/me` `experiments`): each experiment of the catalog whose `flag` is
   * on, mapped to the variant {@link variantOf} gives for the caller's user hash — the same function, hash and secret
   * that stamp the `variant` of the exposures this ingestor stores, so the console shows what the A/B results count.
   * `{}` when no exposure of the caller would be stored: collection off ({@link enabled}: the flag
   * `business_analytics_enabled`, or no hashing secret), a platform operator, do-not-track `headers`, or the tenant
   * opted out. A caller
   * without an assignment sees the control experience and sends no exposure.
   * Never rejects: a failure (e.g. the secret cannot be read) resolves to `{}` and goes to `onError`.
   */
  assignments(
    who: AnalyticsIdentity,
    headers?: Readonly<Record<string, string | undefined>> | null,
  ): Promise<ExperimentAssignments>;
  /** Like {@link emit}, awaitable (tests, backfill). Resolves to the number of records written (0 or 1). */
  emitNow(
    who: AnalyticsIdentity,
    name: EventName,
    props?: Record<string, unknown>,
    headers?: Readonly<Record<string, string | undefined>> | null,
    source?: EventSource,
  ): Promise<number>;
}

/**
 * Creates the ingestion core.
 * @throws never at creation; `secret()` failures surface per call (client batch → rejected promise, emit → onError)
 */
export function createIngestor(deps: IngestorDeps): Ingestor {
  const now = deps.now ?? Date.now;
  const seen = new RecentKeys(deps.dedupeCapacity);
  let secretP: Promise<string> | undefined;
  const secret = () => {
    secretP ??= deps.secret().catch((e: unknown) => {
      secretP = undefined;
      throw e;
    });
    return secretP;
  };

  const flagOn = deps.flag ?? (async (name: FlagName) => name === 'business_analytics_enabled');

  /** Applies per-event rules that need the secret (derived ids, assigned variants). */
  const finalize = (key: string, who: AnalyticsIdentity, input: EventInput): EventInput => {
    if (input.name === 'first_login') {
      return { ...input, eventId: derivedUuid(`first_login:${userHash(key, who.tenantId, who.userId)}`) };
    }
    if (input.name === 'experiment_exposure') {
      const name = String(input.props.experiment);
      if (!isExperimentName(name)) return input;
      const hash = userHash(key, who.tenantId, who.userId);
      return {
        ...input,
        eventId: derivedUuid(`exposure:${name}:${hash}`),
        props: { experiment: name, variant: variantOf(name, hash) },
      };
    }
    return input;
  };

  const store = (key: string, who: AnalyticsIdentity, inputs: EventInput[]) => {
    const receivedAt = new Date(now());
    const records: AnalyticsRecord[] = [];
    let duplicates = 0;
    for (const raw of inputs) {
      const input = finalize(key, who, raw);
      if (!seen.add(`${who.tenantId}:${input.eventId}`)) {
        duplicates++;
        continue;
      }
      records.push(buildRecord(key, who, input, receivedAt));
    }
    if (records.length > 0) {
      deps.sink.write(records);
      deps.onWritten?.(records);
    }
    if (duplicates > 0) deps.onNotStored?.('duplicate', duplicates);
    return { accepted: records.length, duplicates };
  };

  /**
   * Why nothing of `who`'s should be stored for this request, checked in this order (the tenant's opt-out last: it
   * is the only read): a platform operator, do-not-track `headers`, the tenant opted out; `undefined` to store.
   */
  const dropReason = async (
    who: AnalyticsIdentity,
    headers: Parameters<typeof doNotTrack>[0],
  ): Promise<DropReason | undefined> => {
    if (isPlatformOperator(who)) return 'platform-operator';
    if (doNotTrack(headers)) return 'do-not-track';
    return (await deps.optedOut(who.tenantId)) ? 'tenant-opt-out' : undefined;
  };

  const emitNow: Ingestor['emitNow'] = async (who, name, props = {}, headers, source = 'server') => {
    if (!(await deps.enabled())) return 0;
    const reason = await dropReason(who, headers);
    if (reason) {
      deps.onNotStored?.(reason, 1);
      return 0;
    }
    const checked = EVENT_CATALOG[name].props.safeParse(props);
    if (!checked.success) throw new Error(`invalid ${name} props: ${checked.error.issues[0]?.message}`);
    const key = await secret();
    const at = new Date(now());
    const { accepted } = store(key, who, [
      { eventId: crypto.randomUUID(), name, ts: at, props: checked.data, source },
    ]);
    return accepted;
  };

  return {
    enabled: deps.enabled,
    async ingestClientBatch(who, body, headers) {
      if (!(await deps.enabled())) return { status: 'disabled' };
      const { inputs, errors } = validateClientBatch(body, now());
      if (errors.length > 0) {
        deps.onNotStored?.(
          'invalid',
          Array.isArray((body as { events?: unknown })?.events)
            ? (body as { events: unknown[] }).events.length
            : 1,
        );
        return { status: 'invalid', errors };
      }
      const reason = await dropReason(who, headers);
      if (reason) {
        deps.onNotStored?.(reason, inputs.length);
        return { status: 'accepted', accepted: 0, duplicates: 0, dropped: inputs.length, reason };
      }
      const { accepted, duplicates } = store(await secret(), who, inputs);
      return { status: 'accepted', accepted, duplicates, dropped: 0 };
    },
    emit(who, name, props, headers) {
      emitNow(who, name, props, headers).catch((e: unknown) => deps.onError?.(e));
    },
    async assignments(who, headers) {
      const out: Record<string, string> = {};
      try {
        if (!(await deps.enabled()) || (await dropReason(who, headers))) return {};
        let hash: string | undefined;
        for (const name of Object.keys(EXPERIMENTS) as ExperimentName[]) {
          if (!(await flagOn(EXPERIMENTS[name].flag))) continue;
          hash ??= userHash(await secret(), who.tenantId, who.userId);
          out[name] = variantOf(name, hash);
        }
        return out as ExperimentAssignments;
      } catch (e) {
        deps.onError?.(e);
        return {};
      }
    },
    emitNow,
  };
}

/**
 * Validates a `POST /v1/events` body against the catalog: shape, event names the console may send, property
 * allowlists and size caps, `ts` within [now − 7 days, now + 5 min], experiments that exist.
 * @param now ms since epoch
 * @returns the valid events, and one {@link FieldError} per problem (`events.<i>.<field>`)
 */
export function validateClientBatch(
  body: unknown,
  now: number,
): { inputs: EventInput[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const batch = eventBatchSchema.safeParse(body);
  if (!batch.success) {
    return {
      inputs: [],
      errors: batch.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
    };
  }
  const inputs: EventInput[] = [];
  batch.data.events.forEach((raw, i) => {
    const at = (field?: PropertyKey[]) => ['events', i, ...(field ?? [])].map(String).join('.');
    const parsed = clientEventSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ path: at(issue.path), message: issue.message });
      return;
    }
    const e = parsed.data;
    const entry = EVENT_CATALOG[e.name];
    if (!(entry.sources as readonly EventSource[]).includes('client')) {
      errors.push({
        path: at(['name']),
        message: `${e.name} is recorded by the server, not sent by clients`,
      });
      return;
    }
    const props = (entry.props as z.ZodMiniType<Record<string, unknown>>).safeParse(e.props);
    if (!props.success) {
      for (const issue of props.error.issues) {
        errors.push({ path: at(['props', ...issue.path]), message: issue.message });
      }
      return;
    }
    if (Buffer.byteLength(JSON.stringify(props.data)) > EVENT_BATCH_LIMITS.maxPropsBytes) {
      errors.push({
        path: at(['props']),
        message: `must be at most ${EVENT_BATCH_LIMITS.maxPropsBytes} bytes`,
      });
      return;
    }
    if (e.name === 'experiment_exposure' && !isExperimentName(props.data.experiment)) {
      errors.push({ path: at(['props', 'experiment']), message: 'no such experiment' });
      return;
    }
    const ts = new Date(e.ts);
    if (
      ts.getTime() < now - EVENT_BATCH_LIMITS.maxAgeMs ||
      ts.getTime() > now + EVENT_BATCH_LIMITS.maxSkewMs
    ) {
      errors.push({
        path: at(['ts']),
        message: 'must be within the last 7 days and at most 5 minutes ahead',
      });
      return;
    }
    inputs.push({ eventId: e.event_id, name: e.name, ts, props: props.data, source: 'client' });
  });
  return { inputs, errors };
}
