import { readFileSync } from 'node:fs';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { scopedSql } from '../../lambdas/shared/analytics/scope';
import { ANALYTICS_QUERIES, ANALYTICS_QUERY_NAMES, EVENTS_TABLE, type StageConfig } from '../config';
import { dataBucketProps } from './buckets';

/** Props of {@link AnalyticsQueries}. */
export interface AnalyticsQueriesProps {
  /** Validated stage config (`analytics.resultsRetentionDays`, `bytesScannedCutoffMiB`). */
  readonly config: StageConfig;
  /** Glue database holding `events_all`. */
  readonly databaseName: string;
  /** Key for query results. */
  readonly key: kms.IKey;
  /** Bucket receiving S3 server access logs. */
  readonly accessLogs: s3.IBucket;
  /** Removal policy of the results bucket. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The text of a standard query as an Athena prepared statement: `analytics/queries/<name>.sql` with `events`
 * defined as `events_all` filtered by `dt >= ? AND dt <= ? AND tenant_id = ?` (the three `EXECUTE … USING`
 * parameters, in that order) — the same composition the local engine and the admin API use.
 */
export function namedQueryText(name: string): string {
  const body = readFileSync(new URL(`../../analytics/queries/${name}.sql`, import.meta.url), 'utf8');
  return scopedSql(body, EVENTS_TABLE, { tenantId: '?', vertical: null, from: '?', to: '?' }).sql;
}

/**
 * The read side of product analytics: an Athena workgroup `marketedge-<stage>-analytics` that enforces its own
 * settings (result location in a KMS-encrypted, access-logged results bucket with stage retention, a per-query
 * bytes-scanned limit from the stage config, CloudWatch metrics) and one named query per file in
 * `analytics/queries/`.
 */
export class AnalyticsQueries extends Construct {
  readonly resultsBucket: s3.Bucket;
  readonly workGroup: athena.CfnWorkGroup;
  /** Named queries by query name. */
  readonly namedQueries: Record<string, athena.CfnNamedQuery>;

  constructor(scope: Construct, id: string, props: AnalyticsQueriesProps) {
    super(scope, id);
    const { config, key } = props;
    this.resultsBucket = new s3.Bucket(
      this,
      'Results',
      dataBucketProps({
        key,
        accessLogs: props.accessLogs,
        accessLogsPrefix: 'analytics-results/',
        removalPolicy: props.removalPolicy,
        lifecycleRules: [
          { id: 'results-retention', expiration: Duration.days(config.analytics.resultsRetentionDays) },
        ],
      }),
    );
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `marketedge-${config.name}-analytics`,
      description: `MarketEdge ${config.name} product analytics (docs/analytics.md)`,
      state: 'ENABLED',
      recursiveDeleteOption: config.analytics.workgroupRecursiveDelete,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.analytics.bytesScannedCutoffMiB * 1024 * 1024,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/athena/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
    });
    this.namedQueries = {};
    for (const name of ANALYTICS_QUERY_NAMES) {
      const q = new athena.CfnNamedQuery(this, `Query-${name}`, {
        name: `marketedge-${config.name}-${name}`,
        description: `${ANALYTICS_QUERIES[name]}. EXECUTE with (from, to, tenant_id).`.slice(0, 1024),
        database: props.databaseName,
        workGroup: this.workGroup.ref,
        queryString: namedQueryText(name),
      });
      q.addResourceDependency(this.workGroup);
      this.namedQueries[name] = q;
    }
    Validations.of(this.workGroup).acknowledge({
      id: 'AwsSolutions-ATH1',
      reason:
        'Query results are encrypted with SSE_KMS (customer managed key) and the workgroup enforces it.',
    });
  }
}
