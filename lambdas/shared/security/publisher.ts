import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SECURITY_EVENT_SOURCE } from '../../../lib/config/security';

/** Publishes a `marketedge.security` event (detections → responder; responder actions → notification rules). */
export type SecurityPublisher = (detailType: string, detail: Record<string, unknown>) => Promise<void>;

/**
 * A publisher on an EventBridge bus (`PutEvents`, source {@link SECURITY_EVENT_SOURCE}).
 * @throws {Error} when EventBridge rejects the entry (`FailedEntryCount` > 0): the caller's batch retries
 */
export function eventBridgePublisher(client: EventBridgeClient, busName: string): SecurityPublisher {
  return async (detailType, detail) => {
    const res = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: SECURITY_EVENT_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
            EventBusName: busName,
          },
        ],
      }),
    );
    if ((res.FailedEntryCount ?? 0) > 0) {
      const e = res.Entries?.find((x) => x.ErrorCode);
      throw new Error(
        `PutEvents ${detailType} failed: ${e?.ErrorCode ?? 'unknown'} ${e?.ErrorMessage ?? ''}`.trim(),
      );
    }
  };
}
