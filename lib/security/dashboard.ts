import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AUTH_FAILURE_METRIC, METRICS_NAMESPACE, SECURITY_METRICS } from '../config/metrics';

/** What the security dashboard is drawn from. */
export interface SecurityDashboardTarget {
  /** Stage name (metric dimension `stage`, dashboard name). */
  readonly stage: string;
  /** Name of the stage's WAF web ACL (`AWS/WAFV2` dimension `WebACL`). */
  readonly webAclName: string;
  /** The API access log group (top source IPs of failed requests). */
  readonly accessLogGroupName: string;
  /** The security log group (anomalies, blocks). */
  readonly securityLogGroupName: string;
}

/** Titles of the security dashboard's widgets, in order (asserted by the infra tests; the console shows the same). */
export const SECURITY_DASHBOARD_WIDGETS = [
  'Auth failures by reason',
  'Top source IPs (401/403)',
  'Active blocks (WAF IP sets)',
  'GuardDuty findings by severity band',
  'WAF blocked requests by rule',
  'Tenant activity anomalies',
  'Responder actions',
  'Latest anomalies and blocks (security log)',
] as const;

/** Logs Insights query: failed requests per source IP, top 10 (access log). */
export const TOP_FAILED_IPS_QUERY = [
  'fields ip, status',
  'filter status = "401" or status = "403"',
  'stats count(*) as failures by ip',
  'sort failures desc',
  'limit 10',
].join(' | ');

/** Logs Insights query: the latest anomalies and responder actions (security log). */
export const LATEST_SECURITY_ACTIONS_QUERY = [
  'fields @timestamp, security_event.type, security_event.reason, security_event.tenantId, security_event.sourceIp',
  'filter security_event.type in ["TenantActivityAnomaly", "IpBlocked", "IpUnblocked", "IpEvicted", "TenantClamped", "ResponseSuppressed"]',
  'sort @timestamp desc',
  'limit 50',
].join(' | ');

/**
 * The stage's security dashboard `marketedge-<stage>-security`: auth failures by reason, top source IPs, active
 * blocks, GuardDuty findings by severity, WAF blocks by rule, tenant anomalies, responder actions, and the security
 * log's latest anomalies and blocks. Metric widgets use `SEARCH` over the security metrics (`lib/config/metrics.ts`)
 * so new reasons/bands appear without a redeploy; per-address and per-tenant views come from Logs Insights (never
 * metric dimensions).
 */
export function buildSecurityDashboard(
  scope: Construct,
  id: string,
  t: SecurityDashboardTarget,
): cloudwatch.Dashboard {
  const search = (metric: string, dimension: string, stat: string, label: string) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},service,stage,${dimension}} MetricName="${metric}" stage="${t.stage}"', '${stat}', 300)`,
      label,
      period: Duration.minutes(5),
    });
  const [authTitle, ipsTitle, blocksTitle, findingsTitle, wafTitle, anomalyTitle, actionsTitle, logTitle] =
    SECURITY_DASHBOARD_WIDGETS;
  const graph = (title: string, left: cloudwatch.IMetric[], width = 12) =>
    new cloudwatch.GraphWidget({ title, width, height: 6, left });
  return new cloudwatch.Dashboard(scope, id, {
    dashboardName: `marketedge-${t.stage}-security`,
    defaultInterval: Duration.hours(24),
    widgets: [
      [
        graph(authTitle, [search(AUTH_FAILURE_METRIC, 'reason', 'Sum', '')]),
        new cloudwatch.LogQueryWidget({
          title: ipsTitle,
          width: 12,
          height: 6,
          logGroupNames: [t.accessLogGroupName],
          queryString: TOP_FAILED_IPS_QUERY,
          view: cloudwatch.LogQueryVisualizationType.TABLE,
        }),
      ],
      [
        graph(blocksTitle, [search(SECURITY_METRICS.activeBlocks, 'ipVersion', 'Maximum', '')]),
        graph(findingsTitle, [search(SECURITY_METRICS.guardDutyFinding, 'band', 'Sum', '')]),
      ],
      [
        graph(wafTitle, [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="BlockedRequests" WebACL="${t.webAclName}"', 'Sum', 300)`,
            label: '',
            period: Duration.minutes(5),
          }),
        ]),
        graph(anomalyTitle, [search(SECURITY_METRICS.tenantAnomaly, 'figure', 'Sum', '')]),
      ],
      [
        graph(actionsTitle, [
          search(SECURITY_METRICS.ipBlocked, 'ipVersion', 'Sum', ''),
          search(SECURITY_METRICS.ipUnblocked, 'ipVersion', 'Sum', ''),
          search(SECURITY_METRICS.ipEvicted, 'ipVersion', 'Sum', ''),
        ]),
        new cloudwatch.LogQueryWidget({
          title: logTitle,
          width: 12,
          height: 6,
          logGroupNames: [t.securityLogGroupName],
          queryString: LATEST_SECURITY_ACTIONS_QUERY,
          view: cloudwatch.LogQueryVisualizationType.TABLE,
        }),
      ],
    ],
  });
}
