import type { Context } from 'aws-lambda';
import { SECURITY_METRICS } from '../../lib/config/metrics';
import { createSecurityTelemetry } from '../shared/security/telemetry';
import { getResponder } from './deps';
import { MalformedEventError, parseResponderEvent } from './inputs';
import type { ResponderOutcome } from './responder';

const { logger, sink, metric } = createSecurityTelemetry('security-responder');

/**
 * Security responder Lambda: the one writer of the WAF IP sets (reserved concurrency 1). Invoked by EventBridge
 * for GuardDuty high-severity findings, failed-auth detections, unblock requests and the expiry schedule.
 * A malformed event is logged with its field paths and rethrown: after the async retries it lands in the
 * dead-letter queue (alarmed) — the responder never loops on it.
 * @throws {MalformedEventError} for an event it cannot parse; the IP-set/store error when acting failed
 */
export async function handler(event: unknown, context?: Context): Promise<ResponderOutcome> {
  if (context) logger.addContext(context);
  let input: ReturnType<typeof parseResponderEvent>;
  try {
    input = parseResponderEvent(event);
  } catch (err) {
    if (err instanceof MalformedEventError) {
      logger.error('malformed event', { error: err.message, issues: err.issues });
      metric(SECURITY_METRICS.responderMalformed, undefined, 1);
    }
    throw err;
  }
  logger.appendKeys({ correlation_id: input.eventId });
  try {
    const responder = await getResponder(sink, metric);
    const outcome = await responder.handle(input);
    logger.info('responder outcome', { outcome });
    return outcome;
  } finally {
    logger.removeKeys(['correlation_id']);
  }
}
