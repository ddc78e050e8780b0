import { describe, expect, it } from 'vitest';
import type { ProxyHandler } from '../../../lambdas/shared/http/types';
import { FAULTS } from '../../../lib/config/alarms';
import { faultsControl, LocalFaults, parseFaultSpec } from '../../../local/faults/controller';

/** Fault targets that record what was done to them. */
function rig(
  redis: ConstructorParameters<typeof LocalFaults>[0]['redis'] = { kind: 'memory', reason: 'test' },
) {
  const log: string[] = [];
  const faults = new LocalFaults({
    upstream: { setFault: (f) => log.push(`upstream ${JSON.stringify(f ?? null)}`) },
    dynamo: { setFailing: (on) => log.push(`dynamo ${on}`) },
    redis,
    admin: (async () => ({ statusCode: 404, body: '{}' })) as ProxyHandler,
  });
  return { log, faults, control: faultsControl(faults) };
}
const q = (s = '') => new URLSearchParams(s);

describe('local fault injection (/_local/faults)', () => {
  it('applies and removes upstream and DynamoDB faults, one per kind', async () => {
    const { log, faults } = rig();
    await faults.apply({ kind: 'upstream-slow', delayMs: 1500 });
    await faults.apply({ kind: 'upstream-slow', delayMs: 2500 }); // replaces
    await faults.apply({ kind: 'dynamodb-failing' });
    expect(faults.list().map((f) => [f.kind, f.delayMs])).toEqual([
      ['upstream-slow', 2500],
      ['dynamodb-failing', undefined],
    ]);
    expect(await faults.remove('dynamodb-failing')).toEqual(['dynamodb-failing']);
    expect(await faults.remove()).toEqual(['upstream-slow']);
    expect(log).toEqual([
      'upstream {"delayMs":1500}',
      'upstream null',
      'upstream {"delayMs":2500}',
      'dynamo true',
      'dynamo false',
      'upstream null',
    ]);
  });

  it('PUT: 400 with field paths for a bad body, 409 when there is no Redis to freeze, 404 for an unknown tenant', async () => {
    const { control } = rig();
    const bad = await control('PUT', { kind: 'meteor', delayMs: 5, extra: 1 }, q());
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'delayMs',
      'extra',
      'kind',
    ]);
    expect(parseFaultSpec({ kind: 'upstream-slow', delayMs: 0 })).toMatchObject({ ok: false });
    expect(parseFaultSpec({ kind: 'limits-clamped' })).toMatchObject({
      ok: false,
      errors: [{ path: 'tenantId' }],
    });
    expect(parseFaultSpec({ kind: 'upstream-failing', tenantId: 'acme' })).toMatchObject({ ok: false });
    expect(parseFaultSpec('x')).toMatchObject({ ok: false, errors: [{ path: '(body)' }] });
    const frozen = await control('PUT', { kind: 'redis-frozen' }, q());
    expect(frozen).toMatchObject({ status: 409, body: { detail: expect.stringContaining('in-memory') } });
    const clamp = await control('PUT', { kind: 'limits-clamped', tenantId: 'nobody' }, q());
    expect(clamp.status).toBe(404);
  });

  it('GET lists the active faults and what every kind does; DELETE ?kind= removes one, 400 for an unknown kind', async () => {
    const { control } = rig();
    expect((await control('PUT', { kind: 'upstream-failing' }, q())).status).toBe(200);
    const got = await control('GET', undefined, q());
    expect(got.body).toMatchObject({ active: [{ kind: 'upstream-failing' }], kinds: FAULTS });
    expect((await control('DELETE', undefined, q('kind=nope'))).status).toBe(400);
    expect((await control('DELETE', undefined, q('kind=upstream-failing'))).body).toEqual({
      removed: ['upstream-failing'],
      active: [],
    });
    expect((await control('POST', undefined, q())).status).toBe(405);
  });
});
