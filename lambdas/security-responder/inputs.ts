import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';
import { SECURITY_DETAIL_TYPES, SECURITY_EVENT_SOURCE } from '../../lib/config/security';
import { GuardDutyFindingEventSchema } from '../shared/security/guardduty';
import type { ResponderInput } from './responder';

/**
 * The EventBridge events the responder accepts, as Powertools parser schemas: GuardDuty findings, the platform's
 * failed-auth detections, unblock and clamp-lift requests (`marketedge.security`), and the scheduled expiry sweep.
 */

/** `FailedAuthThresholdExceeded` (from the security-events detector). */
export const FailedAuthEventSchema = EventBridgeSchema.extend({
  source: z.literal(SECURITY_EVENT_SOURCE),
  'detail-type': z.literal(SECURITY_DETAIL_TYPES.failedAuthThreshold),
  detail: z
    .object({
      subject: z.enum(['ip', 'tenant']),
      value: z.string().min(1).max(128),
      count: z.number().int().min(0),
      threshold: z.number().int().min(1),
      windowSec: z.number().int().min(1),
    })
    .strict(),
});

/** Who asked, and the admin API request id of the audit record (optional: a request put by hand has none). */
const requester = {
  actor: z.string().min(1).max(256),
  requestId: z.string().min(1).max(128).optional(),
};

/** `SecurityUnblockRequested` (from the admin API, or `aws events put-events`). */
export const UnblockEventSchema = EventBridgeSchema.extend({
  source: z.literal(SECURITY_EVENT_SOURCE),
  'detail-type': z.literal(SECURITY_DETAIL_TYPES.unblockRequested),
  detail: z.object({ cidr: z.string().min(1).max(64), ...requester }).strict(),
});

/** `SecurityClampLiftRequested` (from the admin API). */
export const ClampLiftEventSchema = EventBridgeSchema.extend({
  source: z.literal(SECURITY_EVENT_SOURCE),
  'detail-type': z.literal(SECURITY_DETAIL_TYPES.clampLiftRequested),
  detail: z.object({ tenantId: z.string().min(1).max(64), ...requester }).strict(),
});

/** EventBridge Scheduler / schedule rule event (the expiry sweep). */
export const ScheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

/** An event the responder cannot handle (wrong shape or unknown type): sent to the dead-letter queue. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
  constructor(
    message: string,
    /** Field paths that failed validation. */
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

function issuesOf(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * Parses one EventBridge event into a responder input.
 * @throws {MalformedEventError} with the failing field paths
 */
export function parseResponderEvent(raw: unknown): ResponderInput {
  const envelope = EventBridgeSchema.safeParse(raw);
  if (!envelope.success) throw new MalformedEventError('not an EventBridge event', issuesOf(envelope.error));
  const { source, 'detail-type': detailType, id } = envelope.data;
  const pick = <S extends z.ZodType>(schema: S): z.output<S> => {
    const r = schema.safeParse(raw);
    if (!r.success) throw new MalformedEventError(`malformed ${detailType}`, issuesOf(r.error));
    return r.data;
  };
  if (source === 'aws.guardduty') {
    return { kind: 'finding', eventId: id, finding: pick(GuardDutyFindingEventSchema).detail };
  }
  if (source === SECURITY_EVENT_SOURCE && detailType === SECURITY_DETAIL_TYPES.failedAuthThreshold) {
    return { kind: 'failed-auth', eventId: id, detection: pick(FailedAuthEventSchema).detail };
  }
  if (source === SECURITY_EVENT_SOURCE && detailType === SECURITY_DETAIL_TYPES.unblockRequested) {
    const { detail } = pick(UnblockEventSchema);
    return {
      kind: 'unblock',
      eventId: id,
      cidr: detail.cidr,
      actor: detail.actor,
      requestId: detail.requestId,
    };
  }
  if (source === SECURITY_EVENT_SOURCE && detailType === SECURITY_DETAIL_TYPES.clampLiftRequested) {
    const { detail } = pick(ClampLiftEventSchema);
    return {
      kind: 'lift-clamp',
      eventId: id,
      tenantId: detail.tenantId,
      actor: detail.actor,
      requestId: detail.requestId,
    };
  }
  if (source === 'aws.events') {
    pick(ScheduledEventSchema);
    return { kind: 'sweep', eventId: id };
  }
  throw new MalformedEventError(`unsupported event ${source} / ${detailType}`);
}
