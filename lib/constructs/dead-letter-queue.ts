import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** How long a dead-lettered message waits for a human, days (SQS maximum). */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/** Props of {@link deadLetterQueue}. */
export interface DeadLetterQueueProps {
  /** Physical queue name (`marketedge-<stage>-…-dlq`). */
  readonly queueName: string;
  /**
   * Customer-managed key to encrypt with (needed when EventBridge or a KMS-encrypted topic sends to it).
   * @default SQS-managed encryption (SSE-SQS)
   */
  readonly key?: kms.IKey;
  /**
   * Why the queue needs no dead-letter queue of its own (cdk-nag AwsSolutions-SQS3 and Serverless-SQSRedrivePolicy).
   * @default 'This queue is itself a dead-letter queue (alarmed on its depth): nothing re-drives from it.'
   */
  readonly reason?: string;
}

/**
 * A dead-letter queue: TLS only, encrypted, messages kept {@link DEAD_LETTER_RETENTION_DAYS} days, with the cdk-nag
 * findings that do not apply to a dead-letter queue acknowledged. Alarm on its depth where it is used.
 */
export function deadLetterQueue(scope: Construct, id: string, props: DeadLetterQueueProps): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    queueName: props.queueName,
    ...(props.key
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.key }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
  });
  const reason =
    props.reason ??
    'This queue is itself a dead-letter queue (alarmed on its depth): nothing re-drives from it.';
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}
