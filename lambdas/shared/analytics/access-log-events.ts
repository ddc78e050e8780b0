import type { EventName } from '../../../lib/config/analytics';
import { TENANT_ID_PATTERN, USER_ID_PATTERN } from '../../../lib/config/data-model';
import { accessLogValue as str } from '../../../lib/config/gateway';
import { derivedUuid } from './hash';
import type { AnalyticsIdentity, EventInput } from './record';

/**
 * Historical data: which access-log lines (the JSON access log of `lib/config/gateway.ts`) stand for a product event
 * the Lambdas emit today. The same status/route pairs as the live emitters (reports service, rate-limit step).
 */
export const BACKFILL_RULES: ReadonlyArray<{ route: string; status: string; name: EventName }> = [
  { route: 'POST /v1/reports', status: '201', name: 'report_created' },
  { route: 'GET /v1/reports/{reportId}', status: '200', name: 'report_viewed' },
  { route: 'DELETE /v1/reports/{reportId}', status: '204', name: 'report_deleted' },
];

/** Vertical recorded for lines written before the access log carried it. */
export const UNKNOWN_VERTICAL = 'unknown';

/** One access-log line turned into an event (identity still raw: the caller hashes it). */
export interface BackfillEvent {
  who: AnalyticsIdentity;
  input: EventInput;
}

/**
 * Maps one parsed access-log line to a backfilled event, or `null` when it stands for none (other routes or
 * statuses, unauthenticated, malformed). A 429 with a route becomes `limit_hit` (the gateway's usage-plan 429s
 * included, as the rate-limit step would have counted them). The event id is derived from the request id and the
 * event name, so running the backfill twice over the same lines yields the same ids (stored once).
 */
export function eventFromAccessLog(line: Readonly<Record<string, unknown>>): BackfillEvent | null {
  const tenantId = str(line.tenantId);
  const userId = str(line.userId);
  const requestId = str(line.requestId);
  const method = str(line.method);
  const route = str(line.route);
  const status = str(line.status);
  const at = Number(str(line.requestTime));
  if (!tenantId || !userId || !requestId || !method || !route || !status || !Number.isFinite(at) || at <= 0) {
    return null;
  }
  if (!TENANT_ID_PATTERN.test(tenantId) || !USER_ID_PATTERN.test(userId)) return null;
  const key = `${method} ${route}`;
  let name: EventName | undefined;
  let props: Record<string, unknown> = {};
  if (status === '429' && /^[A-Z]+ \/[A-Za-z0-9/_{}+.-]*$/.test(key) && key.length <= 128) {
    name = 'limit_hit';
    props = { route: key };
  } else {
    name = BACKFILL_RULES.find((r) => r.route === key && r.status === status)?.name;
  }
  if (!name) return null;
  return {
    who: {
      tenantId,
      userId,
      vertical: str(line.vertical) ?? UNKNOWN_VERTICAL,
      tier: str(line.tier) ?? 'unknown',
    },
    input: {
      eventId: derivedUuid(`backfill:${requestId}:${name}`),
      name,
      ts: new Date(at),
      props,
      source: 'backfill',
    },
  };
}
