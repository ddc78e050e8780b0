import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * The S3 baseline every bucket of the app starts from (one home, cdk-nag AwsSolutions-S2/S10): TLS-only access and
 * every form of public access blocked.
 */
export const PRIVATE_BUCKET = {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
} as const satisfies s3.BucketProps;

/**
 * {@link PRIVATE_BUCKET} encrypted with a customer-managed KMS key (S3 Bucket Keys on, to cut KMS requests) and
 * ACLs disabled (`BUCKET_OWNER_ENFORCED`). For data buckets (analytics events, Athena results).
 * @param key the stack's key; its key policy must let the writers (Firehose, Athena) use it
 */
export function kmsBucketProps(key: kms.IKey): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    ...PRIVATE_BUCKET,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  };
}

/** Props of {@link dataBucketProps}. */
export interface DataBucketProps {
  /** The stack's customer-managed key ({@link kmsBucketProps}). */
  readonly key: kms.IKey;
  /** Bucket receiving this bucket's S3 server access logs (cdk-nag AwsSolutions-S1). */
  readonly accessLogs: s3.IBucket;
  /** Key prefix of this bucket's logs in `accessLogs`, e.g. `'analytics-events/'`. */
  readonly accessLogsPrefix: string;
  /** What happens to the bucket when its stack is deleted (stage config: `statefulRemovalPolicy`). */
  readonly removalPolicy: RemovalPolicy;
  /** The bucket's retention: lifecycle rules (expiration per prefix, in days from the stage config). */
  readonly lifecycleRules: s3.LifecycleRule[];
}

/**
 * Props of a data bucket (analytics events, Athena results, weekly reports): {@link kmsBucketProps}, server access
 * logs into the stack's access-log bucket under its own prefix, the stage's removal policy and the given retention.
 * Objects are never auto-deleted with the stack.
 */
export function dataBucketProps(props: DataBucketProps): s3.BucketProps {
  return {
    ...kmsBucketProps(props.key),
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: false,
    lifecycleRules: props.lifecycleRules,
  };
}

/** Props of {@link accessLogBucket}. */
export interface AccessLogBucketProps {
  /** What happens to the bucket when its stack is deleted (stage config: `statefulRemovalPolicy`). */
  readonly removalPolicy: RemovalPolicy;
  /** Days the access logs are kept, then expired by a lifecycle rule. */
  readonly expirationDays: number;
  /**
   * Which buckets log into it (for the cdk-nag acknowledgement).
   * @default 'the buckets of this stack'
   */
  readonly logsOf?: string;
}

/**
 * A bucket that receives S3 server access logs or CloudFront standard logs: SSE-S3 (the log delivery service cannot
 * write to KMS-encrypted targets), {@link PRIVATE_BUCKET}, ACLs allowed (`BUCKET_OWNER_PREFERRED`: log delivery
 * writes with ACLs), objects expired after `expirationDays`. It does not log itself (that would loop), which is
 * acknowledged to cdk-nag (AwsSolutions-S1).
 */
export function accessLogBucket(scope: Construct, id: string, props: AccessLogBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    ...PRIVATE_BUCKET,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    removalPolicy: props.removalPolicy,
    lifecycleRules: [{ expiration: Duration.days(props.expirationDays) }],
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `This is the access-log bucket of ${props.logsOf ?? 'the buckets of this stack'}; logging it into itself would loop.`,
  });
  return bucket;
}
