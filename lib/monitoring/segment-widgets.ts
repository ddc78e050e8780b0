import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { tierTenantsRuleId, userTypeTenantsRuleId } from '../config/contributors';
import {
  LOG_QUERY,
  type LogQuerySpec,
  logQueries,
  logQueryName,
  logSourceGroupName,
} from '../config/log-queries';
import { USER_TYPES } from '../config/roles';
import { TIERS } from '../config/tier-names';
import type { MetricFactory } from './metric-factory';

/** One segment row: a Contributor Insights rule per value, and the saved query that splits by the segment. */
interface Segment {
  readonly title: string;
  readonly rules: ReadonlyArray<{ readonly value: string; readonly rule: string }>;
  readonly query: LogQuerySpec;
}

/**
 * Dashboard rows per user type (user, service/M2M, admin) and per tier, tenantId never a metric dimension: requests
 * and active tenants per value from the Contributor Insights rules `TenantsOfUserType-<type>` / `TenantsOfTier-<tier>`
 * (`INSIGHT_RULE_METRIC` `SampleCount` and `UniqueContributors`), and the saved Logs Insights query `user-types` /
 * `tiers` as a table (p50/p99 latency and statuses per value).
 * @throws {Error} when the saved query is missing from `lib/config/log-queries.ts`
 */
export function segmentWidgets(metrics: MetricFactory): cw.IWidget[][] {
  const { config } = metrics.target;
  const queries = logQueries(config);
  const queryOf = (id: string): LogQuerySpec => {
    const found = queries.find((x) => x.id === id);
    if (!found) throw new Error(`no saved Logs Insights query "${id}"`);
    return found;
  };
  const segments: Segment[] = [
    {
      title: 'user type',
      rules: USER_TYPES.map((value) => ({ value, rule: userTypeTenantsRuleId(value) })),
      query: queryOf(LOG_QUERY.userTypes),
    },
    {
      title: 'tier',
      rules: TIERS.map((value) => ({ value, rule: tierTenantsRuleId(value) })),
      query: queryOf(LOG_QUERY.tiers),
    },
  ];
  return segments.map((seg) => [
    new cw.GraphWidget({
      title: `Requests per minute by ${seg.title}`,
      left: seg.rules.map((r) => metrics.ruleMetric(r.rule, 'SampleCount', undefined, r.value)),
      width: 8,
    }),
    new cw.GraphWidget({
      title: `Active tenants by ${seg.title}`,
      left: seg.rules.map((r) => metrics.ruleMetric(r.rule, 'UniqueContributors', undefined, r.value)),
      width: 8,
    }),
    new cw.LogQueryWidget({
      title: `By ${seg.title}: latency and statuses (saved query ${logQueryName(config.name, seg.query.id)})`,
      logGroupNames: seg.query.sources.map((src) => logSourceGroupName(config.name, src)),
      queryString: seg.query.query,
      view: cw.LogQueryVisualizationType.TABLE,
      width: 8,
    }),
  ]);
}
