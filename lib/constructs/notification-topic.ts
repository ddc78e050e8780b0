import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';

/** Props of {@link notificationTopic}. */
export interface NotificationTopicProps {
  /** Physical topic name, e.g. `marketedge-prod-alarms`. */
  readonly topicName: string;
  /** Display name (the sender name of e-mail notifications). */
  readonly displayName: string;
  /** Who the topic reaches (stage config: `notifications`, `analytics.weeklyReport.recipients`). */
  readonly recipients: StageConfig['notifications'];
  /** Where notifications SNS could not deliver (a webhook down, a bounced address) wait (SNS redrive policy). */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * An SNS topic of the stage (alarms, weekly analytics report): TLS-only publishing, encrypted with the AWS-managed
 * SNS key, one e-mail subscription per address and one HTTPS subscription per webhook of `recipients`, each with
 * `deadLetterQueue` as its redrive target. Creates `id` and the `SnsKey` alias reference in `scope`.
 */
export function notificationTopic(scope: Construct, id: string, props: NotificationTopicProps): sns.Topic {
  const topic = new sns.Topic(scope, id, {
    topicName: props.topicName,
    displayName: props.displayName,
    enforceSSL: true,
    masterKey: kms.Alias.fromAliasName(scope, 'SnsKey', 'alias/aws/sns'),
  });
  const { deadLetterQueue } = props;
  for (const email of props.recipients.emails) {
    topic.addSubscription(new subs.EmailSubscription(email, { deadLetterQueue }));
  }
  for (const url of props.recipients.httpsEndpoints) {
    topic.addSubscription(
      new subs.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS, deadLetterQueue }),
    );
  }
  return topic;
}
