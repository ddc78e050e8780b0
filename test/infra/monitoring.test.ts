import { describe, expect, it } from 'vitest';
import { getStageConfig, ROUTES, routeKey, STAGE_NAMES } from '../../lib/config';
import {
  alarmDefinitions,
  alarmName,
  HEARTBEAT_SILENT_MINUTES,
  LAMBDA_DURATION_ALARM_PREFIX,
  LAMBDA_DURATION_RUNBOOK,
  RUNBOOK_PATH,
} from '../../lib/config/alarms';
import { LAMBDA_HANDLERS, LAMBDA_P99_DURATION_BUDGET_MS } from '../../lib/config/budgets';
import { contributorRuleName, tierTenantsRuleId, userTypeTenantsRuleId } from '../../lib/config/contributors';
import { FLAGS } from '../../lib/config/flags';
import { ACCESS_LOG_FIELDS } from '../../lib/config/gateway';
import { LOG_QUERY, logQueries, logQueryName } from '../../lib/config/log-queries';
import { METRIC_CATALOG, RATE_LIMIT_METRICS } from '../../lib/config/metrics';
import { USER_TYPES } from '../../lib/config/roles';
import { BURN_RATE_WINDOWS, burnRateAlarmNames, errorBudget, sloDefinitions } from '../../lib/config/slos';
import { TIERS } from '../../lib/config/tier-names';
import { CONTRIBUTOR_RULES } from '../../lib/monitoring/contributors';
import { insightsQuery } from '../../lib/monitoring/metric-factory';
import { headingAnchors, readRepoFile } from '../helpers/markdown';
import { synthesized } from './support/synth';
import { flatten, refId, resourcesOf } from './support/template';

/** GitHub-style heading anchors of the runbook file. */
function runbookAnchors(): Set<string> {
  return headingAnchors(readRepoFile(RUNBOOK_PATH));
}

describe('monitoring helpers', () => {
  it('queries limiter metrics across every dimension set of one stage', () => {
    expect(insightsQuery('RateLimitDenied', 'prod')).toBe(
      "SELECT SUM(RateLimitDenied) FROM SCHEMA(MarketEdge, service, stage) WHERE stage = 'prod'",
    );
    expect(insightsQuery('RateLimitDenied', 'dev', 'route')).toMatch(/GROUP BY route$/);
  });
});

describe('monitoring stack per stage', () => {
  it.each(STAGE_NAMES)(
    '%s: deployed whatever apm_monitoring_enabled says (every stage is watched)',
    (stage) => {
      expect(synthesized().hasStack(stage, 'Monitoring')).toBe(true);
    },
  );
});

/** Every stack of a stage that exists (the stages deploy the same parts). */
const PARTS = ['Data', 'Api', 'Analytics', 'Console', 'Security', 'Monitoring'] as const;

describe.each(STAGE_NAMES)('alarm actions — %s', (stage) => {
  it('every alarm of every stack has alarm and OK actions, or feeds a composite alarm that has them', () => {
    const s = synthesized();
    let notifying = 0;
    for (const part of PARTS.filter((p) => s.hasStack(stage, p))) {
      const t = s.template(stage, part);
      const composites = Object.values(resourcesOf(t, 'AWS::CloudWatch::CompositeAlarm'));
      const rules = composites.map((c) => flatten(c.Properties?.AlarmRule));
      const all = [
        ...Object.entries(resourcesOf(t, 'AWS::CloudWatch::Alarm')),
        ...Object.entries(resourcesOf(t, 'AWS::CloudWatch::CompositeAlarm')),
      ];
      for (const [id, a] of all) {
        const p = a.Properties ?? {};
        const name = `${part} ${String(p.AlarmName)}`;
        const acts = (key: string) => ((p[key] ?? []) as unknown[]).length;
        if (acts('AlarmActions') === 0 && acts('OKActions') === 0 && a.Type === 'AWS::CloudWatch::Alarm') {
          // An input of a composite: the composite notifies (checked above for it like for every other alarm).
          expect(
            rules.some((r) => r.includes(`\${${id}}`)),
            `${name}: no actions and feeds no composite`,
          ).toBe(true);
          continue;
        }
        expect(acts('AlarmActions'), `${name} AlarmActions`).toBeGreaterThan(0);
        expect(acts('OKActions'), `${name} OKActions`).toBeGreaterThan(0);
        expect(flatten(p.OKActions), `${name}: OK goes where ALARM goes`).toBe(flatten(p.AlarmActions));
        notifying++;
      }
    }
    // The catalog's alarms, the SLO composites and the security stack's alarms at least.
    expect(notifying).toBeGreaterThanOrEqual(alarmDefinitions(getStageConfig(stage)).length + 6 + 4);
  });
});

describe.each(STAGE_NAMES)('monitoring — %s', (stage) => {
  const config = getStageConfig(stage);
  const s = synthesized();
  const template = () => s.template(stage, 'Monitoring');
  const alarms = () =>
    Object.values(resourcesOf(template(), 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});
  const composites = () =>
    Object.values(resourcesOf(template(), 'AWS::CloudWatch::CompositeAlarm')).map((a) => a.Properties ?? {});
  /** Short names of the SLO window alarms (inputs of the burn-rate composites). */
  const sloWindowNames = () =>
    sloDefinitions(config).flatMap((slo) =>
      BURN_RATE_WINDOWS.flatMap((w) => {
        const n = burnRateAlarmNames(slo.name, w);
        return [n.long, n.short];
      }),
    );

  it('builds the dashboard from the route table, the limiter metrics and every catalog metric', () => {
    const dashboards = Object.values(resourcesOf(template(), 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = flatten(dashboards[0]?.Properties?.DashboardBody);
    for (const route of ROUTES) expect(body).toContain(routeKey(route));
    for (const m of [...RATE_LIMIT_METRICS, 'AuthFailure']) expect(body).toContain(`SUM(${m})`);
    for (const m of Object.keys(METRIC_CATALOG)) expect(body, m).toContain(m);
    expect(body).toContain(`marketedge-${stage}`);
  });

  it('has one alarm per definition, on the stage thresholds, each pointing to an existing runbook section', () => {
    const anchors = runbookAnchors();
    const defs = alarmDefinitions(config);
    const byName = new Map(alarms().map((a) => [String(a.AlarmName), a]));
    expect([...byName.keys()].sort()).toEqual(
      [...defs.map((d) => d.name), ...sloWindowNames()].map((n) => alarmName(stage, n)).sort(),
    );
    for (const d of defs) {
      const a = byName.get(alarmName(stage, d.name)) ?? {};
      expect(a.ComparisonOperator, d.name).toBe(d.comparison);
      if (d.signal.kind === 'anomaly') {
        // Band alarms: the threshold is the ANOMALY_DETECTION_BAND query, of width `threshold` σ.
        expect(a.Threshold, d.name).toBeUndefined();
        const band = (a.Metrics as Array<{ Id: string; Expression?: string }>).find(
          (q) => q.Id === a.ThresholdMetricId,
        );
        expect(band?.Expression, d.name).toBe(`ANOMALY_DETECTION_BAND(m0, ${d.threshold})`);
      } else {
        expect(a.Threshold, d.name).toBe(d.threshold);
      }
      expect(a.EvaluationPeriods, d.name).toBe(d.evaluationPeriods);
      expect(a.DatapointsToAlarm, d.name).toBe(d.datapointsToAlarm);
      expect(a.TreatMissingData, d.name).toBe(d.treatMissingData);
      const match = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)/.exec(String(a.AlarmDescription));
      expect(match?.[1], d.name).toBe(d.runbook);
      expect(anchors.has(d.runbook), `runbook section #${d.runbook}`).toBe(true);
    }
    expect(byName.get(alarmName(stage, 'ApiLatencyP99'))?.Threshold).toBe(config.alarms.p99LatencyMs);
    expect(byName.get(alarmName(stage, 'Api5xxRate'))?.Threshold).toBe(config.alarms.error5xxPercent);
    expect(byName.get(alarmName(stage, 'RateLimitDegraded'))?.Threshold).toBe(
      config.alarms.rateLimitDegradedPerMinute,
    );
  });

  it('every alarm notifies the stage topic on ALARM and on OK (SLO window alarms through their composite)', () => {
    const topicIds = Object.keys(resourcesOf(template(), 'AWS::SNS::Topic'));
    expect(topicIds).toHaveLength(1);
    const windows = new Set(sloWindowNames().map((n) => alarmName(stage, n)));
    const notifying = [...alarms().filter((a) => !windows.has(String(a.AlarmName))), ...composites()];
    expect(notifying.length).toBe(alarmDefinitions(config).length + composites().length);
    expect(composites().length).toBeGreaterThan(0);
    for (const a of notifying) {
      for (const key of ['AlarmActions', 'OKActions'] as const) {
        const actions = (a[key] ?? []) as unknown[];
        expect(actions.length, `${a.AlarmName} ${key}`).toBeGreaterThan(0);
        expect(actions.map(refId), `${a.AlarmName} ${key}`).toContain(topicIds[0]);
      }
    }
    // A window alarm has no actions of its own, so it must feed a composite that has them.
    const ids = resourcesOf(template(), 'AWS::CloudWatch::Alarm');
    const rules = composites().map((c) => flatten(c.AlarmRule));
    for (const [id, a] of Object.entries(ids)) {
      if (!windows.has(String(a.Properties?.AlarmName))) continue;
      expect(a.Properties?.AlarmActions, String(a.Properties?.AlarmName)).toBeUndefined();
      expect(
        rules.some((r) => r.includes(`\${${id}}`)),
        `${a.Properties?.AlarmName} feeds a composite`,
      ).toBe(true);
    }
  });

  it('has one LambdaP99Duration alarm per Lambda: its Duration p99 over 5 minutes against its budget', () => {
    const byName = new Map(alarms().map((a) => [String(a.AlarmName), a]));
    const got = [...byName.keys()].filter((n) =>
      n.startsWith(alarmName(stage, LAMBDA_DURATION_ALARM_PREFIX)),
    );
    expect(got.sort()).toEqual(
      LAMBDA_HANDLERS.map((fn) => alarmName(stage, `${LAMBDA_DURATION_ALARM_PREFIX}${fn}`)).sort(),
    );
    for (const fn of LAMBDA_HANDLERS) {
      const a = byName.get(alarmName(stage, `${LAMBDA_DURATION_ALARM_PREFIX}${fn}`)) ?? {};
      const queries = (a.Metrics ?? []) as Array<{ MetricStat?: Record<string, unknown> }>;
      expect(queries, fn).toHaveLength(1);
      expect(queries[0]?.MetricStat, fn).toEqual({
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Duration',
          Dimensions: [{ Name: 'FunctionName', Value: `marketedge-${stage}-${fn}` }],
        },
        Period: 300,
        Stat: 'p99',
      });
      expect(a.Threshold, fn).toBe(LAMBDA_P99_DURATION_BUDGET_MS[fn]);
      expect(a.ComparisonOperator, fn).toBe('GreaterThanThreshold');
      expect(String(a.AlarmDescription), fn).toContain(`#${LAMBDA_DURATION_RUNBOOK}`);
    }
    // Each alarm's FunctionName is a function the stage deploys (Api, Security or Analytics stack).
    const deployed = (['Api', 'Security', 'Analytics'] as const).flatMap((part) =>
      Object.values(resourcesOf(s.template(stage, part), 'AWS::Lambda::Function')).map((f) =>
        String(f.Properties?.FunctionName),
      ),
    );
    for (const fn of LAMBDA_HANDLERS) expect(deployed, fn).toContain(`marketedge-${stage}-${fn}`);
  });

  it('has multi-window, multi-burn-rate SLO alarms: each rule a composite of its long and short window', () => {
    const slos = sloDefinitions(config);
    expect(slos.map((s) => s.objectivePercent)).toEqual([
      config.slo.availabilityPercent,
      config.slo.latencyPercent,
    ]);
    expect(BURN_RATE_WINDOWS.map((w) => [w.burnRate, w.longWindowMin, w.shortWindowMin])).toEqual([
      [14.4, 60, 5],
      [6, 360, 30],
      [3, 1_440, 120],
    ]);
    const byId = resourcesOf(template(), 'AWS::CloudWatch::Alarm');
    const idOf = (name: string) =>
      Object.entries(byId).find(([, a]) => a.Properties?.AlarmName === alarmName(stage, name))?.[0];
    const compositeByName = new Map(composites().map((c) => [String(c.AlarmName), c]));
    const anchors = runbookAnchors();
    for (const slo of slos) {
      expect(anchors.has(slo.runbook), slo.runbook).toBe(true);
      for (const w of BURN_RATE_WINDOWS) {
        const n = burnRateAlarmNames(slo.name, w);
        const composite = compositeByName.get(alarmName(stage, n.composite));
        expect(composite, n.composite).toBeDefined();
        expect(String(composite?.AlarmDescription)).toContain(`#${slo.runbook}`);
        expect(String(composite?.AlarmDescription)).toContain(`Severity: ${w.severity}`);
        expect(flatten(composite?.AlarmRule)).toBe(
          `(ALARM("\${${idOf(n.long)}}") AND ALARM("\${${idOf(n.short)}}"))`,
        );
        for (const [name, minutes] of [
          [n.long, w.longWindowMin],
          [n.short, w.shortWindowMin],
        ] as const) {
          const a = byId[idOf(name) ?? '']?.Properties ?? {};
          expect(a.Threshold, name).toBe(w.burnRate);
          expect(a.ComparisonOperator, name).toBe('GreaterThanThreshold');
          expect(a.EvaluationPeriods, name).toBe(1);
          expect(a.TreatMissingData, name).toBe('notBreaching');
          const queries = a.Metrics as Array<{ Expression?: string; MetricStat?: Record<string, unknown> }>;
          const expr = queries.find((q) => q.Expression)?.Expression ?? '';
          expect(expr, name).toMatch(new RegExp(`/ ${errorBudget(slo)}$`));
          const stats = queries.filter((q) => q.MetricStat).map((q) => q.MetricStat ?? {});
          for (const st of stats) expect(st.Period, name).toBe(minutes * 60);
          const metricNames = stats.map((st) => (st.Metric as { MetricName: string }).MetricName).sort();
          if (slo.sli.kind === 'errorRatio') {
            expect(metricNames).toEqual(['5XXError', 'Count']);
          } else {
            expect(metricNames).toEqual(['Latency']);
            expect(stats[0]?.Stat).toBe(`PR(:${config.alarms.p99LatencyMs})`);
          }
        }
      }
    }
  });

  it('has anomaly-band alarms on request count (both ways) and on the 4XX and 5XX share (upwards)', () => {
    const byName = new Map(alarms().map((a) => [String(a.AlarmName), a]));
    const cases = [
      ['RequestCountAnomaly', 'LessThanLowerOrGreaterThanUpperThreshold', /^Count$/, undefined],
      [
        'Api4xxRateAnomaly',
        'GreaterThanUpperThreshold',
        /^(4XXError|Count)$/,
        '100 * FILL(a0, 0) / FILL(a1, 0)',
      ],
      [
        'Api5xxRateAnomaly',
        'GreaterThanUpperThreshold',
        /^(5XXError|Count)$/,
        '100 * FILL(a0, 0) / FILL(a1, 0)',
      ],
    ] as const;
    for (const [name, op, metricNames, ratio] of cases) {
      const a = byName.get(alarmName(stage, name));
      expect(a?.ComparisonOperator, name).toBe(op);
      const queries = (a?.Metrics ?? []) as Array<{
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { Namespace: string; MetricName: string }; Period: number };
      }>;
      expect(queries.find((q) => q.Id === a?.ThresholdMetricId)?.Expression).toBe(
        `ANOMALY_DETECTION_BAND(m0, ${config.alarms.anomalyBandStdDevs})`,
      );
      const stats = queries.flatMap((q) => (q.MetricStat ? [q.MetricStat] : []));
      expect(stats.length, name).toBeGreaterThan(0);
      for (const st of stats) {
        expect(st.Metric.Namespace).toBe('AWS/ApiGateway');
        expect(st.Metric.MetricName).toMatch(metricNames);
        expect(st.Period).toBe(300);
      }
      if (ratio) expect(queries.find((q) => q.Id === 'm0')?.Expression).toContain(ratio);
    }
    const body = flatten(
      Object.values(resourcesOf(template(), 'AWS::CloudWatch::Dashboard'))[0]?.Properties?.DashboardBody,
    );
    expect(body.match(/ANOMALY_DETECTION_BAND\(m0, /g)?.length).toBe(cases.length);
  });

  it('shows error budget remaining, the SLI and the burn rate of every SLO on the dashboard', () => {
    const body = flatten(
      Object.values(resourcesOf(template(), 'AWS::CloudWatch::Dashboard'))[0]?.Properties?.DashboardBody,
    );
    for (const slo of sloDefinitions(config)) {
      expect(body).toContain(`${slo.name}: error budget remaining (${slo.windowDays} d)`);
      expect(body).toContain(`${slo.name} burn rate 1h`);
      expect(body).toContain(`/ ${errorBudget(slo)})`);
    }
    expect(body).toContain(`"start":"-P${config.slo.windowDays}D"`);
  });

  it('a flag-gated metric never blinds its alarm: the guarding gap alarm exists and alarms on missing data', () => {
    const defs = alarmDefinitions(config);
    const gated = defs.filter((d) => d.gatedBy);
    expect(gated.length).toBeGreaterThan(0);
    for (const d of gated) {
      const guard = defs.find((g) => g.name === d.gatedBy?.guardedBy);
      expect(guard?.signal.kind, d.name).toBe('gap');
      expect(guard?.treatMissingData).toBe('breaching');
      const flagText = FLAGS[d.gatedBy?.flag ?? 'api_gateway_enabled'].effect;
      expect(flagText, d.name).toContain(guard?.name ?? '?');
    }
    const upstreamGuard = defs.find((g) => g.name === 'UpstreamMetricsMissing');
    expect(FLAGS.apm_monitoring_enabled.effect).toContain(upstreamGuard?.name ?? '?');
    const gap = alarms().find((a) => a.AlarmName === alarmName(stage, 'LimiterMetricsMissing'));
    expect(flatten(gap?.Metrics)).toMatch(/IF\(FILL\(m0, 0\) >= \d+ AND .* == 0, 1, 0\)/);
    expect(flatten(gap?.Metrics)).toContain('RateLimitAllowed');
  });

  it('has a gateway heartbeat alarm: API Count absent for HEARTBEAT_SILENT_MINUTES minutes pages (missing = breaching)', () => {
    const hb = alarms().find((a) => a.AlarmName === alarmName(stage, 'GatewayHeartbeatMissing'));
    expect(hb).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: HEARTBEAT_SILENT_MINUTES,
      DatapointsToAlarm: HEARTBEAT_SILENT_MINUTES,
      TreatMissingData: 'breaching',
    });
    const [query] = (hb?.Metrics ?? []) as Array<{ MetricStat?: Record<string, unknown> }>;
    expect(query?.MetricStat).toMatchObject({
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' },
      Period: 60,
      Stat: 'SampleCount',
    });
    expect(flatten(query?.MetricStat?.Metric)).toContain(`"Name":"Stage","Value":"${stage}"`);
    expect(hb?.AlarmActions).toHaveLength(1);
  });

  it('subscribes the topic to the stage notifications (e-mail and HTTPS)', () => {
    const subsc = Object.values(resourcesOf(template(), 'AWS::SNS::Subscription')).map(
      (r) => r.Properties ?? {},
    );
    const got = subsc.map((x) => `${x.Protocol}:${x.Endpoint}`).sort();
    const want = [
      ...config.notifications.emails.map((e) => `email:${e}`),
      ...config.notifications.httpsEndpoints.map((u) => `https:${u}`),
    ].sort();
    expect(got).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
  });

  it('has Contributor Insights rules for per-tenant views on the access log', () => {
    const rules = Object.values(resourcesOf(s.template(stage, 'Monitoring'), 'AWS::CloudWatch::InsightRule'));
    expect(rules.map((r) => r.Properties?.RuleName).sort()).toEqual(
      CONTRIBUTOR_RULES.map((c) => `MarketEdge-${stage}-${c.id}`).sort(),
    );
    for (const r of rules) {
      const body = JSON.parse(String(r.Properties?.RuleBody)) as {
        LogGroupNames: string[];
        Contribution: { Keys: string[]; Filters?: Array<{ Match: string }> };
      };
      expect(body.LogGroupNames).toEqual([`/aws/apigateway/marketedge-${stage}/access`]);
      expect(body.Contribution.Keys.length).toBeGreaterThan(0);
      for (const key of [...body.Contribution.Keys, ...(body.Contribution.Filters ?? []).map((f) => f.Match)])
        expect(ACCESS_LOG_FIELDS).toHaveProperty(key.replace('$.', ''));
    }
  });

  it('saves the Logs Insights queries, each on log groups the stage creates', () => {
    const defs = Object.values(resourcesOf(template(), 'AWS::Logs::QueryDefinition')).map(
      (r) => r.Properties ?? {},
    );
    const specs = logQueries(config);
    expect(defs.map((d) => d.Name).sort()).toEqual(specs.map((q) => logQueryName(stage, q.id)).sort());
    const groups = new Set(
      (['Api', 'Security'] as const).flatMap((part) =>
        Object.values(resourcesOf(s.template(stage, part), 'AWS::Logs::LogGroup')).map((g) =>
          flatten(g.Properties?.LogGroupName),
        ),
      ),
    );
    for (const spec of specs) {
      const d = defs.find((x) => x.Name === logQueryName(stage, spec.id));
      expect(d?.QueryString, spec.id).toBe(spec.query);
      const names = (d?.LogGroupNames ?? []) as string[];
      expect(names.length, spec.id).toBe(spec.sources.length);
      for (const g of names) expect(groups.has(g), `${spec.id}: log group ${g}`).toBe(true);
    }
    for (const id of [LOG_QUERY.tenantLatency, LOG_QUERY.tenantErrors, LOG_QUERY.tenant429s]) {
      const d = defs.find((x) => x.Name === logQueryName(stage, id));
      expect(d?.LogGroupNames, id).toEqual([`/aws/apigateway/marketedge-${stage}/access`]);
    }
  });

  it('has Contributor Insights rules per user type and tier, and throttled tenants by user type and by tier', () => {
    const rules = Object.values(resourcesOf(template(), 'AWS::CloudWatch::InsightRule')).map((r) => ({
      name: String(r.Properties?.RuleName),
      body: JSON.parse(String(r.Properties?.RuleBody)) as {
        Contribution: { Keys: string[]; Filters?: Array<{ Match: string; In: string[] }> };
      },
    }));
    const byName = new Map(rules.map((r) => [r.name, r.body]));
    for (const [field, values, idOf] of [
      ['userType', USER_TYPES, userTypeTenantsRuleId],
      ['tier', TIERS, tierTenantsRuleId],
    ] as const) {
      for (const v of values) {
        const body = byName.get(contributorRuleName(stage, (idOf as (x: string) => string)(v)));
        expect(body?.Contribution.Keys, `${field}=${v}`).toEqual(['$.tenantId']);
        expect(body?.Contribution.Filters, `${field}=${v}`).toEqual([{ Match: `$.${field}`, In: [v] }]);
      }
    }
    for (const [id, key] of [
      ['ThrottledByUserType', '$.userType'],
      ['ThrottledByTier', '$.tier'],
    ] as const) {
      const body = byName.get(contributorRuleName(stage, id));
      expect(body?.Contribution.Keys, id).toEqual([key, '$.tenantId']);
      expect(body?.Contribution.Filters, id).toEqual([{ Match: '$.status', In: ['429'] }]);
    }
  });

  it('has dashboard rows by user type and by tier; tenantId is never a metric dimension', () => {
    const body = JSON.parse(
      flatten(
        Object.values(resourcesOf(template(), 'AWS::CloudWatch::Dashboard'))[0]?.Properties?.DashboardBody,
      ),
    ) as { widgets: Array<{ type: string; properties: Record<string, unknown> }> };
    const text = JSON.stringify(body);
    for (const [title, values, idOf] of [
      ['user type', USER_TYPES, userTypeTenantsRuleId],
      ['tier', TIERS, tierTenantsRuleId],
    ] as const) {
      expect(text).toContain(`Requests per minute by ${title}`);
      expect(text).toContain(`Active tenants by ${title}`);
      for (const v of values) {
        const rule = contributorRuleName(stage, (idOf as (x: string) => string)(v));
        expect(text).toContain(`INSIGHT_RULE_METRIC('${rule}', 'SampleCount')`);
        expect(text).toContain(`INSIGHT_RULE_METRIC('${rule}', 'UniqueContributors')`);
      }
    }
    const logWidgets = body.widgets.filter((w) => w.type === 'log');
    for (const id of [LOG_QUERY.userTypes, LOG_QUERY.tiers]) {
      const spec = logQueries(config).find((x) => x.id === id);
      const w = logWidgets.find((x) => String(x.properties.title).includes(logQueryName(stage, id)));
      expect(String(w?.properties.query), id).toContain(spec?.query.split('\n')[0]);
    }
    // Metric widgets: [namespace, name, dimName, dimValue, …] arrays; no dimension is a tenant id.
    for (const w of body.widgets.filter((x) => x.type === 'metric')) {
      for (const m of (w.properties.metrics ?? []) as unknown[][])
        expect(m, 'metric dimensions').not.toContain('tenantId');
    }
    for (const a of alarms())
      expect(flatten(a.Metrics) + flatten(a.Dimensions)).not.toMatch(/"Name":"tenantId"/);
  });

  it('notifies an encrypted SNS topic (AWS-managed SNS key)', () => {
    const topics = Object.values(resourcesOf(s.template(stage, 'Monitoring'), 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    expect(topics[0]?.Properties?.TopicName).toBe(`marketedge-${stage}-alarms`);
    expect(flatten(topics[0]?.Properties?.KmsMasterKeyId)).toMatch(/alias\/aws\/sns$/);
  });
});
