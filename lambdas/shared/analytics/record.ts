import {
  ANALYTICS_SCHEMA_VERSION,
  type AnalyticsRecord,
  type EventName,
  type EventSource,
  PROMOTED_PROPS,
} from '../../../lib/config/analytics';
import { PLATFORM_VERTICAL } from '../../../lib/config/data-model';
import type { Role } from '../../../lib/config/roles';
import { sessionHash, userHash } from './hash';

/** Who an event is about, always from the authorizer context (never from a request body). */
export interface AnalyticsIdentity {
  tenantId: string;
  /** Raw user id: hashed here, never stored. */
  userId: string;
  vertical: string;
  tier: string;
  /** The caller's roles when the emitter knows them (request handlers do; the access-log backfill does not). */
  roles?: readonly Role[];
}

/**
 * Whether `who` is a platform operator rather than a product user: a member of the platform's own tenant (vertical
 * {@link PLATFORM_VERTICAL}: its admins, users and machine clients) or a holder of `platform-admin` in any tenant.
 * Ingestion stores nothing of theirs (`platform-operator`), so no query counts them (DAU, funnel, A/B).
 */
export function isPlatformOperator(who: AnalyticsIdentity): boolean {
  return who.vertical === PLATFORM_VERTICAL || (who.roles?.includes('platform-admin') ?? false);
}

/** A validated event ready to be stored. */
export interface EventInput {
  eventId: string;
  name: EventName;
  ts: Date;
  /** Properties already checked against the catalog allowlist. */
  props: Record<string, unknown>;
  source: EventSource;
}

/** UTC `yyyy-mm-dd` of a date. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Builds the stored record: identities hashed with the stage secret, promoted properties moved to their columns,
 * the rest serialized into `props`, partition fields `tenant_id` and `dt` (UTC day of `ts`) set.
 * @param secret the stage's analytics hashing secret
 * @param receivedAt when the platform received the event
 */
export function buildRecord(
  secret: string,
  who: AnalyticsIdentity,
  input: EventInput,
  receivedAt: Date,
): AnalyticsRecord {
  const day = utcDay(input.ts);
  const rest: Record<string, unknown> = {};
  const promoted: Record<string, string | null> = {};
  for (const p of PROMOTED_PROPS) promoted[p] = null;
  for (const [k, v] of Object.entries(input.props)) {
    if (v === undefined) continue;
    if ((PROMOTED_PROPS as readonly string[]).includes(k)) promoted[k] = String(v);
    else rest[k] = v;
  }
  return {
    event_id: input.eventId,
    schema_version: ANALYTICS_SCHEMA_VERSION,
    name: input.name,
    ts: input.ts.toISOString(),
    received_at: receivedAt.toISOString(),
    tenant_id: who.tenantId,
    dt: day,
    vertical: who.vertical,
    tier: who.tier,
    user_hash: userHash(secret, who.tenantId, who.userId),
    session_hash: sessionHash(secret, who.tenantId, who.userId, day),
    source: input.source,
    page: promoted.page ?? null,
    feature: promoted.feature ?? null,
    experiment: promoted.experiment ?? null,
    variant: promoted.variant ?? null,
    route: promoted.route ?? null,
    props: JSON.stringify(rest),
  };
}
