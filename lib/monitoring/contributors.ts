import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { CONTRIBUTOR_RULES, type ContributorRuleSpec, contributorRuleName } from '../config/contributors';

export { CONTRIBUTOR_RULES, type ContributorRuleSpec };

/**
 * The rule body (CloudWatchLogRule schema v1) of a {@link ContributorRuleSpec} on `logGroupName`: JSON log format,
 * keys and filters as `$.<field>`, counting matching log events.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html
 */
export function contributorRuleBody(spec: ContributorRuleSpec, logGroupName: string): string {
  return JSON.stringify({
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: [logGroupName],
    LogFormat: 'JSON',
    Contribution: {
      Keys: spec.keys.map((k) => `$.${k}`),
      ...(spec.filters
        ? { Filters: spec.filters.map((f) => ({ Match: `$.${f.field}`, In: [...f.in] })) }
        : {}),
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
        ruleName: contributorRuleName(stage, spec.id),
        ruleState: 'ENABLED',
        ruleBody: contributorRuleBody(spec, logGroupName),
      }),
  );
}
