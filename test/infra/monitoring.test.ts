import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getStageConfig, ROUTES, routeKey, STAGE_NAMES } from '../../lib/config';
import { ACCESS_LOG_FIELDS } from '../../lib/config/gateway';
import { RATE_LIMIT_METRICS } from '../../lib/config/metrics';
import { resolvedStageFlags } from '../../lib/constructs/feature-flags';
import { alarmSpecs, RUNBOOK_PATH } from '../../lib/monitoring/alarms';
import { CONTRIBUTOR_RULES } from '../../lib/monitoring/contributors';
import { insightsQuery } from '../../lib/monitoring/metric-factory';
import { synthesized } from './support/synth';
import { flatten, resourcesOf } from './support/template';

/** GitHub-style heading anchors of the runbook file. */
function runbookAnchors(): Set<string> {
  const md = readFileSync(new URL(`../../${RUNBOOK_PATH}`, import.meta.url), 'utf8');
  return new Set(
    md
      .split('\n')
      .filter((l) => /^#{2,3} /.test(l))
      .map((l) =>
        l
          .replace(/^#+ /, '')
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
  );
}

describe('monitoring helpers', () => {
  it('queries limiter metrics across every dimension set of one stage', () => {
    expect(insightsQuery('RateLimitDenied', 'prod')).toBe(
      "SELECT SUM(RateLimitDenied) FROM MarketEdge WHERE stage = 'prod'",
    );
    expect(insightsQuery('RateLimitDenied', 'dev', 'route')).toMatch(/GROUP BY route$/);
  });
});

/** Stages whose `apm_monitoring_enabled` flag resolves to true (staging and prod by the catalog defaults). */
const MONITORED = STAGE_NAMES.filter((st) => resolvedStageFlags(getStageConfig(st)).apm_monitoring_enabled);

describe('monitoring stack per stage', () => {
  it.each(STAGE_NAMES)('%s: deployed exactly when apm_monitoring_enabled is on', (stage) => {
    const enabled = resolvedStageFlags(getStageConfig(stage)).apm_monitoring_enabled;
    expect(synthesized().hasStack(stage, 'Monitoring')).toBe(enabled);
  });

  it('covers at least prod', () => {
    expect(MONITORED).toContain('prod');
  });
});

describe.each(MONITORED)('monitoring — %s', (stage) => {
  const config = getStageConfig(stage);
  const s = synthesized();

  it('builds the dashboard from the route table and the limiter metrics', () => {
    const dashboards = Object.values(
      resourcesOf(s.template(stage, 'Monitoring'), 'AWS::CloudWatch::Dashboard'),
    );
    expect(dashboards).toHaveLength(1);
    const body = flatten(dashboards[0]?.Properties?.DashboardBody);
    for (const route of ROUTES) expect(body).toContain(routeKey(route));
    for (const m of [...RATE_LIMIT_METRICS, 'AuthFailure']) expect(body).toContain(`SUM(${m})`);
    expect(body).toContain(`marketedge-${stage}`);
  });

  it('alarms on the stage thresholds, each pointing to an existing runbook section', () => {
    const template = s.template(stage, 'Monitoring');
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties ?? {},
    );
    const anchors = runbookAnchors();
    const specs = alarmSpecs({ config, apiName: `marketedge-${stage}`, stageName: stage, functionNames: {} });
    expect(alarms).toHaveLength(specs.length);
    const thresholds = Object.fromEntries(alarms.map((a) => [String(a.AlarmName), a.Threshold]));
    expect(thresholds[`MarketEdge-${stage}-ApiLatencyP99`]).toBe(config.alarms.p99LatencyMs);
    expect(thresholds[`MarketEdge-${stage}-Api5xxRate`]).toBe(config.alarms.error5xxPercent);
    expect(thresholds[`MarketEdge-${stage}-AuthFailures`]).toBe(config.alarms.authFailuresPerMinute);
    expect(thresholds[`MarketEdge-${stage}-RateLimitDenied`]).toBe(config.alarms.rateLimitDeniedPerMinute);
    expect(thresholds[`MarketEdge-${stage}-RateLimitDegraded`]).toBe(
      config.alarms.rateLimitDegradedPerMinute,
    );
    for (const a of alarms) {
      const match = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)/.exec(String(a.AlarmDescription));
      expect(match, String(a.AlarmName)).not.toBeNull();
      expect(anchors.has(match?.[1] ?? ''), `runbook section #${match?.[1]}`).toBe(true);
      expect(a.AlarmActions, String(a.AlarmName)).toHaveLength(1);
    }
  });

  it('has Contributor Insights rules for per-tenant views on the access log', () => {
    const rules = Object.values(resourcesOf(s.template(stage, 'Monitoring'), 'AWS::CloudWatch::InsightRule'));
    expect(rules.map((r) => r.Properties?.RuleName).sort()).toEqual(
      CONTRIBUTOR_RULES.map((c) => `MarketEdge-${stage}-${c.id}`).sort(),
    );
    for (const r of rules) {
      const body = JSON.parse(String(r.Properties?.RuleBody)) as {
        LogGroupNames: string[];
        Contribution: { Keys: string[] };
      };
      expect(body.LogGroupNames).toEqual([`/aws/apigateway/marketedge-${stage}/access`]);
      expect(body.Contribution.Keys[0]).toBe('$.tenantId');
      for (const key of body.Contribution.Keys)
        expect(ACCESS_LOG_FIELDS).toHaveProperty(key.replace('$.', ''));
    }
  });

  it('notifies an encrypted SNS topic (AWS-managed SNS key)', () => {
    const topics = Object.values(resourcesOf(s.template(stage, 'Monitoring'), 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    expect(topics[0]?.Properties?.TopicName).toBe(`marketedge-${stage}-alarms`);
    expect(flatten(topics[0]?.Properties?.KmsMasterKeyId)).toMatch(/alias\/aws\/sns$/);
  });
});
