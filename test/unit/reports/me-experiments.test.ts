import { describe, expect, it, vi } from 'vitest';
import type { ReportsRepository } from '../../../lambdas/reports/repository';
import { createReportsService, type MeBody } from '../../../lambdas/reports/service';
import { variantOf } from '../../../lambdas/shared/analytics/experiments';
import { userHash } from '../../../lambdas/shared/analytics/hash';
import { createIngestor, type IngestorDeps } from '../../../lambdas/shared/analytics/ingest';
import { memorySink } from '../../../lambdas/shared/analytics/log-sink';
import { createObservability } from '../../../lambdas/shared/observability';
import { EXPERIMENTS } from '../../../lib/config/experiments';
import { type Caller, callers, lambdaContext, restEvent } from './events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

const SECRET = 'me-unit-secret-0123456789abcdef0123456789abcdef';
const obs = createObservability('reports');
/** `/v1/me` never touches the repository. */
const repository = {} as ReportsRepository;

/** The reports service over a real ingestor (memory sink) whose `business_analytics_enabled` the test switches. */
function setup(over: Partial<IngestorDeps> = {}) {
  const sink = memorySink();
  const flag = { on: true };
  const analytics = createIngestor({
    sink,
    secret: async () => SECRET,
    enabled: async () => flag.on,
    optedOut: async () => false,
    flag: async (name) => name === 'business_analytics_enabled' && flag.on,
    ...over,
  });
  const service = createReportsService({ repository, obs, analytics });
  const me = async (caller: Caller, headers: Record<string, string> = {}) => {
    const r = await service(
      restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller, headers }),
      lambdaContext,
    );
    expect(r.statusCode).toBe(200);
    return JSON.parse(r.body) as MeBody;
  };
  /** What the console sends once it showed the variant: only the experiment's name. */
  const expose = async (caller: Caller) => {
    const r = await service(
      restEvent({
        method: 'POST',
        resource: '/v1/events',
        path: '/v1/events',
        caller,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            {
              event_id: crypto.randomUUID(),
              name: 'experiment_exposure',
              ts: new Date().toISOString(),
              props: { experiment: 'report_cta' },
            },
          ],
        }),
      }),
      lambdaContext,
    );
    return r.statusCode;
  };
  return { sink, flag, me, expose };
}

/** Product users: every caller but the platform operator (`ops`, whom analytics does not count: test below). */
const users: Caller[] = [
  ...Object.values(callers).filter((c) => c !== callers.ops),
  ...Array.from(
    { length: 24 },
    (_, i): Caller => ({
      tenantId: i % 2 ? 'acme' : 'globex',
      userId: `user-${i}`,
      roles: ['user'],
      tier: 'standard',
    }),
  ),
];

describe('GET /v1/me experiments (A/B assignments)', () => {
  it('flag on: every user gets the variant their stored exposure carries, and both variants occur', async () => {
    const { sink, me, expose } = setup();
    const seen = new Set<string>();
    for (const caller of users) {
      const body = await me(caller);
      const variant = body.experiments.report_cta;
      expect(variant, caller.userId).toBe(
        variantOf('report_cta', userHash(SECRET, caller.tenantId, caller.userId)),
      );
      expect(await expose(caller)).toBe(202);
      const stored = sink.records.at(-1);
      expect(stored).toMatchObject({ name: 'experiment_exposure', experiment: 'report_cta', variant });
      seen.add(String(variant));
    }
    expect(Object.keys((await me(callers.acmeAlice)).experiments)).toEqual(Object.keys(EXPERIMENTS));
    expect([...seen].sort()).toEqual(EXPERIMENTS.report_cta.variants.map((v) => v.name).sort());
    // The same user asking twice gets the same answer (deterministic, nothing stored per user).
    expect((await me(callers.acmeBob)).experiments).toEqual((await me(callers.acmeBob)).experiments);
  });

  it('business_analytics_enabled off: experiments is {} and the exposure is not stored', async () => {
    const { sink, flag, me, expose } = setup();
    flag.on = false;
    const body = await me(callers.acmeAlice);
    expect(body.experiments).toEqual({});
    expect(body).toMatchObject({ tenantId: 'acme', userId: 'alice' });
    expect(await expose(callers.acmeAlice)).toBe(204);
    expect(sink.records).toEqual([]);
    flag.on = true;
    expect((await me(callers.acmeAlice)).experiments.report_cta).toBeDefined();
  });

  it('do-not-track, a tenant that opted out, or a failed secret read: {} (and /v1/me still answers 200)', async () => {
    const onError = vi.fn();
    const optedOut = new Set(['globex']);
    let secretFails = false;
    const { me } = setup({
      optedOut: async (t) => optedOut.has(t),
      secret: async () => {
        if (secretFails) throw new Error('secrets manager unavailable');
        return SECRET;
      },
      onError,
    });
    expect((await me(callers.acmeAlice, { DNT: '1' })).experiments).toEqual({});
    expect((await me(callers.acmeAlice, { 'Sec-GPC': '1' })).experiments).toEqual({});
    expect((await me(callers.globexAlice)).experiments).toEqual({});
    secretFails = true;
    expect((await me(callers.acmeBob)).experiments).toEqual({});
    expect(onError).toHaveBeenCalledOnce();
    secretFails = false;
    expect((await me(callers.acmeBob)).experiments.report_cta).toBeDefined();
  });

  it('a platform operator: {} and the exposure is not stored (not a product user)', async () => {
    const { sink, me, expose } = setup();
    expect((await me(callers.ops)).experiments).toEqual({});
    expect(await expose(callers.ops)).toBe(202);
    expect(sink.records).toEqual([]);
  });

  it('an experiment whose catalog flag is off is not assigned, even with collection on', async () => {
    const { me } = setup({ flag: async () => false });
    expect((await me(callers.acmeAlice)).experiments).toEqual({});
  });

  it('without an analytics port: experiments is {}', async () => {
    const service = createReportsService({ repository, obs });
    const r = await service(
      restEvent({ method: 'GET', resource: '/v1/me', path: '/v1/me', caller: callers.acmeAlice }),
      lambdaContext,
    );
    expect(JSON.parse(r.body)).toMatchObject({ tenantId: 'acme', experiments: {} });
  });
});
