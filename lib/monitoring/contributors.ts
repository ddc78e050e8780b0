import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/** One Contributor Insights rule over the JSON access log: top `keys` among requests matching `filter`. */
export interface ContributorRuleSpec {
  id: string;
  keys: string[];
  /** Access-log `status` values the rule counts (all requests when absent). */
  statuses?: string[];
}

/**
 * Per-tenant views without tenantId as a metric dimension (docs/architecture.md, observability conventions): Contributor Insights over the access
 * log — top tenants by requests, by 429s, by 5XX, and top users within tenants by 429s.
 */
export const CONTRIBUTOR_RULES: readonly ContributorRuleSpec[] = [
  { id: 'TopTenants', keys: ['$.tenantId'] },
  { id: 'TopThrottledTenants', keys: ['$.tenantId'], statuses: ['429'] },
  { id: 'TopThrottledUsers', keys: ['$.tenantId', '$.userId'], statuses: ['429'] },
  { id: 'TopFailingTenantRoutes', keys: ['$.tenantId', '$.route'], statuses: ['500', '502', '503', '504'] },
];

/**
 * The rule body (CloudWatchLogRule schema v1) of a {@link ContributorRuleSpec} on `logGroupName`.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html
 */
export function contributorRuleBody(spec: ContributorRuleSpec, logGroupName: string): string {
  return JSON.stringify({
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: [logGroupName],
    LogFormat: 'JSON',
    Contribution: {
      Keys: spec.keys,
      ...(spec.statuses ? { Filters: [{ Match: '$.status', In: spec.statuses }] } : {}),
    },
    AggregateOn: 'Count',
  });
}

/** Creates the {@link CONTRIBUTOR_RULES} (`MarketEdge-<stage>-<id>`) on the stage's access log group. */
export function buildContributorRules(
  scope: Construct,
  stage: string,
  logGroupName: string,
): cw.CfnInsightRule[] {
  return CONTRIBUTOR_RULES.map(
    (spec) =>
      new cw.CfnInsightRule(scope, spec.id, {
        ruleName: `MarketEdge-${stage}-${spec.id}`,
        ruleState: 'ENABLED',
        ruleBody: contributorRuleBody(spec, logGroupName),
      }),
  );
}
