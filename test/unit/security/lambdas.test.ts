import { gzipSync } from 'node:zlib';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetIPSetCommand, UpdateIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureSecurityEvents } from '../../../lambdas/security-events/deps';
import { handler as eventsHandler, processLogMessages } from '../../../lambdas/security-events/handler';
import { SecurityPipeline } from '../../../lambdas/security-events/pipeline';
import { configureResponder } from '../../../lambdas/security-responder/deps';
import { handler as responderHandler } from '../../../lambdas/security-responder/handler';
import { MalformedEventError } from '../../../lambdas/security-responder/inputs';
import { IpSetWriter, StaleLockTokenError } from '../../../lambdas/security-responder/ip-set';
import { parseIpSetArn, WafIpSet } from '../../../lambdas/security-responder/waf-ip-set';
import { MemoryActivityStore, MemoryBaselineStore } from '../../../lambdas/shared/security/anomaly';
import { buildSecurityEvent } from '../../../lambdas/shared/security/event';
import type { SecurityEvent } from '../../../lambdas/shared/security/event-schema';
import { FailedAuthDetector } from '../../../lambdas/shared/security/failed-auth';
import { eventBridgePublisher } from '../../../lambdas/shared/security/publisher';
import { MemoryWindowStore } from '../../../lambdas/shared/security/sliding-window';
import { networkConnectionFinding } from '../../fixtures/guardduty';
import { FakeIpSet, testSecurityConfig } from './fakes';

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const access = (o: Record<string, string>) =>
  JSON.stringify({
    requestId: `r-${Math.random()}`,
    ip: '198.51.100.9',
    status: '200',
    errorType: '-',
    tenantId: '-',
    requestTime: String(Date.parse('2026-12-02T02:10:00Z')),
    responseLength: '10',
    ...o,
  });

function pipeline(over: { perIp?: number; perTenant?: number } = {}) {
  const published: { type: string; detail: Record<string, unknown> }[] = [];
  const events: SecurityEvent[] = [];
  const metrics: string[] = [];
  const cfg = testSecurityConfig({
    failedAuth: {
      windowSec: 60,
      perIpThreshold: over.perIp ?? 3,
      perTenantThreshold: over.perTenant ?? 2,
      cooldownSec: 300,
    },
    anomaly: { alpha: 0.3, zThreshold: 4, minVolume: 10, minHistoryHours: 2, cooldownSec: 3600 },
  });
  const activity = new MemoryActivityStore();
  const p = new SecurityPipeline({
    detector: new FailedAuthDetector({ store: new MemoryWindowStore(), config: cfg.failedAuth }),
    activity,
    baselines: new MemoryBaselineStore(),
    config: cfg,
    sink: (e) => events.push(e),
    publish: async (type, detail) => {
      published.push({ type, detail });
    },
    metric: (n, d) => metrics.push(d ? `${n}:${d[1]}` : n),
  });
  return { p, published, events, metrics, activity };
}

describe('security-events pipeline', () => {
  it('a 401 burst from one address publishes one detection for the responder; WAF blocks are not counted', async () => {
    const { p, published, events, metrics } = pipeline();
    const lines = [
      ...Array.from({ length: 5 }, () => access({ status: '401', errorType: 'UNAUTHORIZED' })),
      access({ status: '403', errorType: 'WAF_FILTERED', ip: '198.51.100.10' }),
      access({ status: '403', errorType: 'WAF_FILTERED', ip: '198.51.100.10' }),
      access({ status: '403', errorType: 'WAF_FILTERED', ip: '198.51.100.10' }),
    ];
    const r = await p.processLines(lines);
    expect(r).toMatchObject({ lines: 8, failedAuth: 5, skipped: 0 });
    expect(published).toEqual([
      {
        type: 'FailedAuthThresholdExceeded',
        detail: { subject: 'ip', value: '198.51.100.9', count: 3, threshold: 3, windowSec: 60 },
      },
    ]);
    expect(events.map((e) => [e.type, e.reason, e.sourceIp])).toEqual([
      ['FailedAuthThresholdExceeded', 'per_ip', '198.51.100.9'],
    ]);
    expect(metrics).toContain('FailedAuthThresholdExceeded:ip');
  });

  it('forwards valid security events to the security log, counts per-tenant refusals, skips invalid lines', async () => {
    const { p, published, events } = pipeline();
    const denied = buildSecurityEvent({
      type: 'AuthDenied',
      outcome: 'forbidden',
      reason: 'tenant_suspended',
      tenantId: 'hooli',
    });
    const r = await p.processLines([
      JSON.stringify({ level: 'WARN', message: 'security event', security_event: denied }),
      JSON.stringify({ level: 'WARN', message: 'security event', security_event: denied }),
      JSON.stringify({ security_event: { ...denied, token: 'eyJ' } }),
      'not json',
      JSON.stringify({ level: 'INFO', message: 'something else' }),
    ]);
    expect(r).toMatchObject({ securityEvents: 2, skipped: 3 });
    expect(events.filter((e) => e.type === 'AuthDenied')).toHaveLength(2);
    expect(published.map((x) => x.detail)).toEqual([
      { subject: 'tenant', value: 'hooli', count: 2, threshold: 2, windowSec: 60 },
    ]);
  });

  it('flags a tenant whose hourly traffic jumps against its own baseline (TenantActivityAnomaly)', async () => {
    const { p, published, events } = pipeline({ perIp: 1000 });
    const h0 = Date.parse('2026-12-02T00:00:00Z');
    for (let h = 0; h < 4; h++) {
      const n = h < 3 ? 20 : 400;
      await p.processLines(
        Array.from({ length: n }, () =>
          access({ tenantId: 'acme', requestTime: String(h0 + h * 3_600_000 + 1000) }),
        ),
      );
      const flagged = await p.evaluateHour(h0 + h * 3_600_000);
      expect(flagged.length > 0).toBe(h === 3);
    }
    const ev = events.find((e) => e.type === 'TenantActivityAnomaly');
    expect(ev?.tenantId).toBe('acme');
    expect(ev?.reason).toContain('requests_jump');
    expect(ev?.details['requests.value']).toBe(400);
    expect(Number(ev?.details['requests.z'])).toBeGreaterThan(4);
    expect(published.find((x) => x.type === 'TenantActivityAnomaly')?.detail.tenantId).toBe('acme');
  });

  it('a batch adds each tenant-hour once, with the figures of all its records summed', async () => {
    const { p, activity } = pipeline({ perIp: 1000 });
    const calls: unknown[][] = [];
    const add = activity.add.bind(activity);
    activity.add = (...args) => {
      calls.push(args);
      return add(...args);
    };
    const h0 = Date.parse('2026-12-02T00:00:00Z');
    const at = (h: number) => String(h0 + h * 3_600_000 + 1000);
    await p.processLines([
      access({ tenantId: 'acme', requestTime: at(0), responseLength: '100' }),
      access({ tenantId: 'acme', requestTime: at(0), status: '429', responseLength: '20' }),
      access({ tenantId: 'globex', requestTime: at(0), status: '401', responseLength: '-' }),
      access({ tenantId: 'acme', requestTime: at(1), status: '403', responseLength: '5' }),
      access({ tenantId: 'acme', requestTime: at(0), responseLength: '1' }),
    ]);
    expect(calls).toEqual([
      ['acme', h0, { requests: 3, throttled: 1, unauthorized: 0, bytesOut: 121 }],
      ['globex', h0, { requests: 1, throttled: 0, unauthorized: 1, bytesOut: 0 }],
      ['acme', h0 + 3_600_000, { requests: 1, throttled: 0, unauthorized: 1, bytesOut: 5 }],
    ]);
    expect(await activity.drain(h0)).toEqual([
      {
        tenantId: 'acme',
        hourStartMs: h0,
        figures: { requests: 3, throttled: 1, unauthorized: 0, bytesOut: 121 },
      },
      {
        tenantId: 'globex',
        hourStartMs: h0,
        figures: { requests: 1, throttled: 0, unauthorized: 1, bytesOut: 0 },
      },
    ]);
  });

  it('the handler decodes a CloudWatch Logs subscription payload and runs the hourly evaluation', async () => {
    const published: string[] = [];
    configureSecurityEvents({ config: testSecurityConfig(), publish: async (t) => void published.push(t) });
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: 'API-Gateway-Execution-Logs',
      logStream: 's',
      subscriptionFilters: ['security'],
      logEvents: [
        { id: '1', timestamp: Date.now(), message: access({ status: '401', errorType: 'UNAUTHORIZED' }) },
      ],
    };
    const res = await eventsHandler({
      awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') },
    });
    expect(res).toMatchObject({ kind: 'logs', lines: 1, failedAuth: 1 });
    const hourly = await eventsHandler({
      version: '0',
      id: 'h1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-02T03:00:05Z',
      region: 'eu-west-1',
      resources: [],
      detail: {},
    });
    expect(hourly).toEqual({ kind: 'hourly', hourStart: '2026-12-02T02:00:00.000Z', flagged: [] });
    await expect(eventsHandler({ nope: 1 })).rejects.toThrow('expected a CloudWatch Logs subscription');
  });

  it('processLogMessages (the local stack feed: lines or the records they encode) does what the handler does after decoding the same batch', async () => {
    const messages = [
      access({ status: '401', errorType: 'UNAUTHORIZED' }),
      access({ status: '200', tenantId: 'acme' }),
      'not json',
    ];
    const run = async (via: 'handler' | 'lines' | 'records') => {
      const published: string[] = [];
      configureSecurityEvents({ config: testSecurityConfig(), publish: async (t) => void published.push(t) });
      const logEvents = messages.map((message, i) => ({ id: String(i), timestamp: Date.now(), message }));
      const data = gzipSync(
        JSON.stringify({
          messageType: 'DATA_MESSAGE',
          logEvents,
          owner: '1',
          logGroup: 'g',
          logStream: 's',
          subscriptionFilters: ['f'],
        }),
      );
      // The local stack hands over access-log records, the objects their lines encode.
      const records = messages.map((m) =>
        m.startsWith('{') ? (JSON.parse(m) as Record<string, unknown>) : m,
      );
      const res =
        via === 'handler'
          ? await eventsHandler({ awslogs: { data: data.toString('base64') } })
          : await processLogMessages(via === 'lines' ? messages : records);
      return { res, published };
    };
    const direct = await run('lines');
    expect(direct.res).toMatchObject({ kind: 'logs', lines: 3, failedAuth: 1, skipped: 1 });
    expect(direct).toEqual(await run('handler'));
    expect(await run('records')).toEqual(direct);
  });
});

describe('responder handler', () => {
  afterEach(() => configureResponder({}));

  it('runs the same handler code over configured IP sets; malformed events throw (→ DLQ)', async () => {
    const sets = { 4: new FakeIpSet(4), 6: new FakeIpSet(6) };
    const notes: string[] = [];
    configureResponder({
      ipSets: sets,
      config: testSecurityConfig(),
      publish: async (t) => void notes.push(t),
      clamp: null,
      store: new (await import('../../../lambdas/security-responder/block-store')).MemoryBlockStore(),
    });
    const out = await responderHandler(networkConnectionFinding);
    expect(out.blocked).toEqual(['198.51.100.10/32']);
    expect(sets[4].addresses).toEqual(['198.51.100.10/32']);
    expect(notes).toEqual(['SecurityResponderAction']);
    await expect(responderHandler({ source: 'aws.guardduty' })).rejects.toBeInstanceOf(MalformedEventError);
  });
});

describe('WAFv2 adapter', () => {
  const waf = mockClient(WAFV2Client);
  afterEach(() => waf.reset());
  const arn =
    'arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/marketedge-dev-auto-block/a1b2c3d4-5678-90ab-cdef-1234567890ab';

  it('parses IP set ARNs', () => {
    expect(parseIpSetArn(arn)).toEqual({
      scope: 'REGIONAL',
      name: 'marketedge-dev-auto-block',
      id: 'a1b2c3d4-5678-90ab-cdef-1234567890ab',
    });
    expect(parseIpSetArn('arn:aws:wafv2:us-east-1:123456789012:global/ipset/x/y').scope).toBe('CLOUDFRONT');
    expect(() => parseIpSetArn('arn:aws:s3:::bucket')).toThrow('not a WAFv2 IP set ARN');
  });

  it('writes with the lock token and retries after WAFOptimisticLockException with a fresh token', async () => {
    let reads = 0;
    waf.on(GetIPSetCommand).callsFake(async () => {
      reads++;
      return {
        IPSet: { Addresses: reads === 1 ? [] : ['192.0.2.1/32'] } as never,
        LockToken: `tok-${reads}`,
      };
    });
    const lock = Object.assign(new Error('stale'), { name: 'WAFOptimisticLockException' });
    waf.on(UpdateIPSetCommand).rejectsOnce(lock).resolves({ NextLockToken: 'tok-3' });
    const writer = new IpSetWriter(
      new WafIpSet(new WAFV2Client({ region: 'eu-west-1' }), parseIpSetArn(arn), 4),
      {
        sleep: async () => undefined,
      },
    );
    const out = await writer.modify(() => ({ add: ['198.51.100.1'], remove: [], result: 1 }));
    expect(out.attempts).toBe(2);
    const updates = waf.commandCalls(UpdateIPSetCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.LockToken, u.Addresses])).toEqual([
      ['tok-1', ['198.51.100.1/32']],
      ['tok-2', ['192.0.2.1/32', '198.51.100.1/32']],
    ]);
    expect(updates[0]).toMatchObject({ Name: 'marketedge-dev-auto-block', Scope: 'REGIONAL' });
  });

  it('maps only the lock exception to StaleLockTokenError; other errors pass through', async () => {
    const set = new WafIpSet(new WAFV2Client({ region: 'eu-west-1' }), parseIpSetArn(arn), 4);
    waf.on(UpdateIPSetCommand).rejects(Object.assign(new Error('x'), { name: 'WAFOptimisticLockException' }));
    await expect(set.update([], 't')).rejects.toBeInstanceOf(StaleLockTokenError);
    waf.reset();
    waf
      .on(UpdateIPSetCommand)
      .rejects(Object.assign(new Error('limit'), { name: 'WAFLimitsExceededException' }));
    await expect(set.update([], 't')).rejects.toThrow('limit');
    waf.on(GetIPSetCommand).resolves({ IPSet: undefined });
    await expect(set.get()).rejects.toThrow('no lock token');
  });
});

describe('EventBridge publisher', () => {
  const eb = mockClient(EventBridgeClient);
  afterEach(() => eb.reset());

  it('puts one marketedge.security entry and fails on a rejected entry', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const publish = eventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), 'default');
    await publish('FailedAuthThresholdExceeded', { subject: 'ip' });
    expect(eb.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]).toMatchObject({
      Source: 'marketedge.security',
      DetailType: 'FailedAuthThresholdExceeded',
      EventBusName: 'default',
    });
    eb.reset();
    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    await expect(publish('x', {})).rejects.toThrow('ThrottlingException');
  });
});
