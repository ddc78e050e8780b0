import { describe, expect, it, vi } from 'vitest';
import { assignVariant } from '../../../lambdas/shared/analytics/experiments';
import { derivedUuid, sessionHash, userHash } from '../../../lambdas/shared/analytics/hash';
import { createIngestor, doNotTrack, type IngestorDeps } from '../../../lambdas/shared/analytics/ingest';
import { memorySink } from '../../../lambdas/shared/analytics/log-sink';
import type { AnalyticsIdentity } from '../../../lambdas/shared/analytics/record';
import { EVENT_BATCH_LIMITS } from '../../../lib/config/analytics';
import { CONSOLE_FEATURE_IDS, CONSOLE_PAGE_TEMPLATES } from '../../../lib/config/console-catalog';
import { EXPERIMENTS } from '../../../lib/config/experiments';

const SECRET = 'unit-secret-0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const who = { tenantId: 'acme', userId: 'alice@example.com', vertical: 'retail', tier: 'standard' };

function setup(over: Partial<IngestorDeps> = {}) {
  const sink = memorySink();
  const ingestor = createIngestor({
    sink,
    secret: async () => SECRET,
    enabled: async () => true,
    optedOut: async () => false,
    now: () => NOW,
    ...over,
  });
  return { sink, ingestor };
}
const ev = (i: number, extra: Record<string, unknown> = {}) => ({
  event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: 'page_view',
  ts: '2026-12-01T11:59:00Z',
  props: { page: '/reports' },
  ...extra,
});

describe('hashing', () => {
  it('HMAC-SHA256 per tenant, never the raw id; deterministic UUIDs are v8', () => {
    const h = userHash(SECRET, 'acme', 'alice');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(userHash(SECRET, 'acme', 'alice'));
    expect(h).not.toBe(userHash(SECRET, 'globex', 'alice'));
    expect(h).not.toBe(userHash(`${SECRET}x`, 'acme', 'alice'));
    expect(sessionHash(SECRET, 'acme', 'alice', '2026-12-01')).not.toBe(
      sessionHash(SECRET, 'acme', 'alice', '2026-12-02'),
    );
    expect(derivedUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('experiment assignment', () => {
  it('is deterministic and follows the weights', () => {
    const exp = {
      salt: 's1',
      variants: [
        { name: 'a', weight: 80 },
        { name: 'b', weight: 20 },
      ],
    };
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) counts[assignVariant(exp, `user-${i}`) as 'a' | 'b']++;
    expect(counts.a / 10_000).toBeGreaterThan(0.77);
    expect(counts.a / 10_000).toBeLessThan(0.83);
    expect(assignVariant(exp, 'user-1')).toBe(assignVariant(exp, 'user-1'));
    expect(() => assignVariant({ salt: 's', variants: [{ name: 'a', weight: 0 }] }, 'u')).toThrow();
  });
});

describe('assignments (GET /v1/me experiments)', () => {
  it('the variant ingestion stamps on the exposure; without a flag port only business_analytics_enabled counts', async () => {
    const { sink, ingestor } = setup();
    const out = await ingestor.assignments(who);
    expect(out).toEqual({
      report_cta: assignVariant(EXPERIMENTS.report_cta, userHash(SECRET, who.tenantId, who.userId)),
    });
    await ingestor.ingestClientBatch(who, {
      events: [ev(1, { name: 'experiment_exposure', props: { experiment: 'report_cta' } })],
    });
    expect(sink.records[0]).toMatchObject({ experiment: 'report_cta', variant: out.report_cta });
    const flags: string[] = [];
    const gated = setup({
      flag: async (name) => {
        flags.push(name);
        return false;
      },
    }).ingestor;
    expect(await gated.assignments(who)).toEqual({});
    expect(flags).toEqual(Object.values(EXPERIMENTS).map((e) => e.flag));
  });

  it('{} when collection is off, do-not-track is sent or the tenant opted out', async () => {
    expect(await setup({ enabled: async () => false }).ingestor.assignments(who)).toEqual({});
    expect(await setup().ingestor.assignments(who, { dnt: '1' })).toEqual({});
    expect(await setup({ optedOut: async () => true }).ingestor.assignments(who)).toEqual({});
  });
});

describe('client batches', () => {
  it('202: stores records with hashed identities and no raw personal data', async () => {
    const { sink, ingestor } = setup();
    const out = await ingestor.ingestClientBatch(who, {
      events: [ev(1), ev(2, { name: 'feature_used', props: { feature: 'report.create' } })],
    });
    expect(out).toEqual({ status: 'accepted', accepted: 2, duplicates: 0, dropped: 0 });
    expect(sink.records).toHaveLength(2);
    const r = sink.records[0]!;
    expect(r).toMatchObject({
      tenant_id: 'acme',
      dt: '2026-12-01',
      vertical: 'retail',
      tier: 'standard',
      page: '/reports',
      source: 'client',
      props: '{}',
    });
    expect(r.user_hash).toBe(userHash(SECRET, 'acme', who.userId));
    expect(sink.records[1]?.feature).toBe('report.create');
    const text = JSON.stringify(sink.records);
    expect(text).not.toContain('alice');
    expect(text).not.toContain('example.com');
  });

  it('duplicates by event_id count once (within a batch and across batches)', async () => {
    const { sink, ingestor } = setup();
    expect(await ingestor.ingestClientBatch(who, { events: [ev(1), ev(1)] })).toMatchObject({
      accepted: 1,
      duplicates: 1,
    });
    expect(await ingestor.ingestClientBatch(who, { events: [ev(1)] })).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    // Another tenant's identical id is not a duplicate.
    expect(
      await ingestor.ingestClientBatch({ ...who, tenantId: 'globex' }, { events: [ev(1)] }),
    ).toMatchObject({ accepted: 1 });
    expect(sink.records).toHaveLength(2);
  });

  it('400 with the field path of each bad event; nothing stored', async () => {
    const { sink, ingestor } = setup();
    const out = await ingestor.ingestClientBatch(who, {
      events: [
        ev(1),
        ev(2, { event_id: 'nope' }),
        ev(3, { props: { page: '/reports?user=alice@example.com' } }),
        ev(4, { props: { page: '/reports', email: 'a@b.c' } }),
        ev(5, { name: 'report_created', props: {} }),
        ev(6, { ts: '2020-01-01T00:00:00Z' }),
        ev(7, { name: 'experiment_exposure', props: { experiment: 'nope' } }),
        ev(8, { tenant_id: 'globex' }),
      ],
    });
    expect(out.status).toBe('invalid');
    const paths = out.status === 'invalid' ? out.errors.map((e) => e.path) : [];
    expect(paths).toEqual([
      'events.1.event_id',
      'events.2.props.page',
      'events.3.props',
      'events.4.name',
      'events.5.ts',
      'events.6.props.experiment',
      'events.7',
    ]);
    expect(sink.records).toHaveLength(0);
  });

  it('page and feature: only the console page templates and feature ids, never a URL or an id (#14)', async () => {
    const { sink, ingestor } = setup();
    // The new-user tryout's payloads: a raw user id and a raw report id in `page`.
    for (const page of ['/admin/users/bob', '/reports/01M8Y5GWC5G09MSPE2VNAZQJW3']) {
      const out = await ingestor.ingestClientBatch(who, { events: [ev(1, { props: { page } })] });
      expect(out.status, page).toBe('invalid');
      expect(out.status === 'invalid' ? out.errors.map((e) => e.path) : []).toEqual(['events.0.props.page']);
    }
    const out = await ingestor.ingestClientBatch(who, {
      events: [
        ev(2, { props: { page: '/made/up' } }),
        ev(3, { props: { page: '/reports/{reportId}/' } }),
        ev(4, { name: 'feature_used', props: { feature: 'export' } }),
        ev(5, { name: 'feature_used', props: { feature: 'bob' } }),
      ],
    });
    expect(out.status === 'invalid' ? out.errors.map((e) => e.path) : []).toEqual([
      'events.0.props.page',
      'events.1.props.page',
      'events.2.props.feature',
      'events.3.props.feature',
    ]);
    expect(sink.records).toHaveLength(0);
  });

  it('every console page template and feature id is accepted and stored as sent', async () => {
    const { sink, ingestor } = setup();
    const events = [
      ...CONSOLE_PAGE_TEMPLATES.map((page, i) => ev(100 + i, { props: { page } })),
      ...CONSOLE_FEATURE_IDS.map((feature, i) => ev(200 + i, { name: 'feature_used', props: { feature } })),
    ];
    expect(await ingestor.ingestClientBatch(who, { events })).toMatchObject({
      status: 'accepted',
      accepted: events.length,
    });
    expect(sink.records.filter((r) => r.name === 'page_view').map((r) => r.page)).toEqual([
      ...CONSOLE_PAGE_TEMPLATES,
    ]);
    expect(sink.records.filter((r) => r.name === 'feature_used').map((r) => r.feature)).toEqual([
      ...CONSOLE_FEATURE_IDS,
    ]);
  });

  it('batch shape: empty, over 100 events, not an object', async () => {
    const { ingestor } = setup();
    const big = { events: Array.from({ length: EVENT_BATCH_LIMITS.maxEvents + 1 }, (_, i) => ev(i)) };
    for (const body of [{ events: [] }, big, [], null, { events: [ev(1)], tenant_id: 'x' }]) {
      expect((await ingestor.ingestClientBatch(who, body)).status).toBe('invalid');
    }
  });

  it('flag off: disabled, nothing validated or stored', async () => {
    const { sink, ingestor } = setup({ enabled: async () => false });
    expect(await ingestor.ingestClientBatch(who, { events: [ev(1)] })).toEqual({ status: 'disabled' });
    expect(await ingestor.ingestClientBatch(who, 'garbage')).toEqual({ status: 'disabled' });
    await ingestor.emitNow(who, 'report_viewed');
    expect(sink.records).toHaveLength(0);
  });

  it('tenant opt-out and do-not-track: accepted but dropped, for client and server events', async () => {
    const optedOut = vi.fn(async (t: string) => t === 'acme');
    const { sink, ingestor } = setup({ optedOut });
    expect(await ingestor.ingestClientBatch(who, { events: [ev(1)] })).toMatchObject({
      accepted: 0,
      dropped: 1,
      reason: 'tenant-opt-out',
    });
    expect(await ingestor.emitNow(who, 'report_viewed')).toBe(0);
    const other = { ...who, tenantId: 'globex' };
    expect(await ingestor.ingestClientBatch(other, { events: [ev(1)] }, { DNT: '1' })).toMatchObject({
      dropped: 1,
      reason: 'do-not-track',
    });
    expect(await ingestor.emitNow(other, 'report_viewed', {}, { 'sec-gpc': '1' })).toBe(0);
    expect(await ingestor.emitNow(other, 'report_viewed', {}, { dnt: '0' })).toBe(1);
    expect(sink.records.map((r) => r.tenant_id)).toEqual(['globex']);
    expect(doNotTrack({ Dnt: ' 1 ' })).toBe(true);
    expect(doNotTrack(undefined)).toBe(false);
  });

  it('first_login and exposures are stored once per user, with the server-assigned variant', async () => {
    const { sink, ingestor } = setup();
    await ingestor.ingestClientBatch(who, {
      events: [
        ev(1, { name: 'first_login', props: {} }),
        ev(2, { name: 'first_login', props: {} }),
        ev(3, { name: 'experiment_exposure', props: { experiment: 'report_cta', variant: 'forged' } }),
        ev(4, { name: 'experiment_exposure', props: { experiment: 'report_cta' } }),
      ],
    });
    expect(sink.records.map((r) => r.name)).toEqual(['first_login', 'experiment_exposure']);
    const expected = assignVariant(EXPERIMENTS.report_cta, userHash(SECRET, 'acme', who.userId));
    expect(sink.records[1]).toMatchObject({ experiment: 'report_cta', variant: expected });
  });
});

describe('platform operators are not product users', () => {
  // The platform's own tenant (vertical `platform`: ops, its admins, its users, the canary) and a `platform-admin`
  // in any tenant: nothing of theirs is stored, so DAU and the A/B results never count them.
  const operators = [
    {
      tenantId: 'marketedge',
      userId: 'ops',
      vertical: 'platform',
      tier: 'enterprise',
      roles: ['platform-admin'],
    },
    { tenantId: 'marketedge', userId: 'alice', vertical: 'platform', tier: 'enterprise', roles: ['user'] },
    { tenantId: 'marketedge', userId: 'canary@clients', vertical: 'platform', tier: 'enterprise' },
    { ...who, userId: 'support', roles: ['tenant-admin', 'platform-admin'] },
  ] satisfies AnalyticsIdentity[];

  it.each(operators)(
    '$tenantId/$userId: client batch dropped (202), server events and exposures not stored, no assignment',
    async (op) => {
      const seen: Array<[string, number]> = [];
      const optedOut = vi.fn(async () => false);
      const { sink, ingestor } = setup({ onNotStored: (why, n) => seen.push([why, n]), optedOut });
      expect(
        await ingestor.ingestClientBatch(op, {
          events: [ev(1), ev(2, { name: 'experiment_exposure', props: { experiment: 'report_cta' } })],
        }),
      ).toEqual({ status: 'accepted', accepted: 0, duplicates: 0, dropped: 2, reason: 'platform-operator' });
      expect(await ingestor.emitNow(op, 'report_created', { tags: 1 })).toBe(0);
      expect(await ingestor.assignments(op)).toEqual({});
      expect(sink.records).toEqual([]);
      expect(seen).toEqual([
        ['platform-operator', 2],
        ['platform-operator', 1],
      ]);
      // Decided from the identity alone: no opt-out look-up (a DynamoDB read in AWS) for an operator.
      expect(optedOut).not.toHaveBeenCalled();
    },
  );

  it('a bad batch of an operator is still a 400 (validation first, as for do-not-track)', async () => {
    const { ingestor } = setup();
    expect(
      await ingestor.ingestClientBatch(operators[0]!, { events: [ev(1, { name: 'nope' })] }),
    ).toMatchObject({
      status: 'invalid',
    });
  });

  it('customers, their admins and their service accounts are counted', async () => {
    const { sink, ingestor } = setup();
    for (const [i, c] of (
      [
        who,
        { ...who, userId: 'admin', roles: ['tenant-admin'] },
        { ...who, userId: 'svc@clients', roles: ['service'] },
        { tenantId: 'globex', userId: 'bob', vertical: 'hospitality', tier: 'premium' },
      ] satisfies AnalyticsIdentity[]
    ).entries()) {
      expect(await ingestor.ingestClientBatch(c, { events: [ev(100 + i)] })).toMatchObject({ accepted: 1 });
      expect(await ingestor.emitNow(c, 'report_viewed')).toBe(1);
      expect(Object.keys(await ingestor.assignments(c))).toEqual(['report_cta']);
    }
    expect(sink.records).toHaveLength(8);
  });
});

describe('ingestion counters (EMF)', () => {
  it('reports every event not stored, by why: duplicate, invalid, tenant-opt-out, do-not-track', async () => {
    const seen: Array<[string, number]> = [];
    const optOut = new Set<string>();
    const { ingestor } = setup({
      onNotStored: (why, n) => seen.push([why, n]),
      optedOut: async (t) => optOut.has(t),
    });
    await ingestor.ingestClientBatch(who, { events: [ev(1), ev(2)] });
    expect(seen).toEqual([]);
    await ingestor.ingestClientBatch(who, { events: [ev(1), ev(3)] });
    await ingestor.ingestClientBatch(who, { events: [ev(4, { name: 'nope' }), ev(5), ev(6)] });
    await ingestor.ingestClientBatch(who, { events: [ev(7)] }, { DNT: '1' });
    await ingestor.emitNow(who, 'report_viewed', {}, { 'Sec-GPC': '1' });
    optOut.add('acme');
    await ingestor.ingestClientBatch(who, { events: [ev(8), ev(9)] });
    await ingestor.emitNow(who, 'report_viewed');
    expect(seen).toEqual([
      ['duplicate', 1],
      ['invalid', 3],
      ['do-not-track', 1],
      ['do-not-track', 1],
      ['tenant-opt-out', 2],
      ['tenant-opt-out', 1],
    ]);
  });
});

describe('server-side emit', () => {
  it('returns before anything is written; errors go to onError, never to the caller', async () => {
    const onError = vi.fn();
    const { sink, ingestor } = setup({ onError });
    ingestor.emit(who, 'limit_hit', { route: 'POST /v1/reports', rules: 'user-writes' });
    expect(sink.records).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(sink.records[0]).toMatchObject({
      name: 'limit_hit',
      route: 'POST /v1/reports',
      source: 'server',
      props: '{"rules":"user-writes"}',
    });
    ingestor.emit(who, 'limit_hit', { route: 'bad route' });
    await new Promise((r) => setTimeout(r, 0));
    expect(onError).toHaveBeenCalledOnce();
    const failing = setup({ secret: async () => Promise.reject(new Error('no secret')), onError });
    expect(() => failing.ingestor.emit(who, 'report_viewed')).not.toThrow();
  });
});
