import type { ProxyHandler } from '../../lambdas/shared/http/types';
import { FAULTS, type FaultKind } from '../../lib/config/alarms';
import type { ControlHandler } from '../control/router';
import type { LocalDynamo } from '../dynamo';
import type { EchoUpstream } from '../echo-upstream';
import type { RedisChoice } from '../redis';
import { clampLimits, unclampLimits } from './limits-clamp';
import { freezeRedis } from './redis-freeze';

/** One fault as `PUT /_local/faults` takes it. */
export interface FaultSpec {
  kind: FaultKind;
  /** `upstream-slow`: how long the upstream holds each answer, ms (1–60,000; default 2,000). */
  delayMs?: number;
  /** `limits-clamped`: the tenant whose limits are clamped (required). */
  tenantId?: string;
}

/** An active fault. */
export interface ActiveFault extends FaultSpec {
  /** ISO 8601. */
  since: string;
}

/** What the faults act on: the running stack's pieces. */
export interface FaultTargets {
  upstream: Pick<EchoUpstream, 'setFault'>;
  dynamo: Pick<LocalDynamo, 'setFailing'>;
  redis: RedisChoice;
  /** The admin API handler (`limits-clamped` changes limits through it). */
  admin: ProxyHandler;
}

/** A fault that cannot be applied here (→ 409). */
export class FaultNotApplicable extends Error {}

/**
 * The local stack's fault injection (`/_local/faults`; the kinds and what they do: `FAULTS` in
 * `lib/config/alarms.ts`). Lives only in `local/`: no Lambda bundle contains it. One fault per kind at a time (a
 * second `PUT` of a kind replaces the first).
 */
export class LocalFaults {
  private readonly active = new Map<FaultKind, { spec: ActiveFault; remove: () => Promise<void> }>();

  constructor(private readonly targets: FaultTargets) {}

  /** The active faults, in the order they were applied. */
  list(): ActiveFault[] {
    return [...this.active.values()].map((a) => a.spec);
  }

  /**
   * Applies a fault (replacing an active one of the same kind).
   * @throws {FaultNotApplicable} `redis-frozen` on the in-memory store or an external cluster; `dynamodb-failing`
   *   without the transaction proxy
   * @throws {Error} `limits-clamped` for a tenant the admin API does not know
   */
  async apply(spec: FaultSpec): Promise<ActiveFault> {
    await this.remove(spec.kind);
    const remove = await this.start(spec);
    const active: ActiveFault = { ...spec, since: new Date().toISOString() };
    this.active.set(spec.kind, { spec: active, remove });
    return active;
  }

  /** Removes one fault kind, or every fault. @returns the kinds removed */
  async remove(kind?: FaultKind): Promise<FaultKind[]> {
    const kinds = kind ? (this.active.has(kind) ? [kind] : []) : [...this.active.keys()];
    for (const k of kinds) {
      const a = this.active.get(k);
      this.active.delete(k);
      await a?.remove();
    }
    return kinds;
  }

  private async start(spec: FaultSpec): Promise<() => Promise<void>> {
    const t = this.targets;
    switch (spec.kind) {
      case 'upstream-slow':
        t.upstream.setFault({ delayMs: spec.delayMs ?? 2_000 });
        return async () => t.upstream.setFault(undefined);
      case 'upstream-failing':
        t.upstream.setFault({ status: 500 });
        return async () => t.upstream.setFault(undefined);
      case 'dynamodb-failing': {
        const setFailing = t.dynamo.setFailing;
        if (!setFailing) throw new FaultNotApplicable('DynamoDB is not behind the local proxy');
        setFailing(true);
        return async () => setFailing(false);
      }
      case 'redis-frozen': {
        const freeze = await freezeRedis(t.redis);
        if (!freeze) {
          throw new FaultNotApplicable(
            t.redis.kind === 'memory'
              ? `the stack runs the in-memory limiter store (${t.redis.reason}): there is no Redis to freeze`
              : 'the stack uses an external Redis Cluster whose nodes it does not know',
          );
        }
        return () => freeze.thaw();
      }
      case 'limits-clamped': {
        const tenantId = spec.tenantId ?? '';
        await clampLimits(t.admin, tenantId);
        return () => unclampLimits(t.admin, tenantId);
      }
    }
  }
}

/**
 * Validates a `PUT /_local/faults` body.
 * @returns the spec, or field errors (`path`: `kind`, `delayMs`, `tenantId`, or an unknown field's name)
 */
export function parseFaultSpec(
  body: unknown,
): { ok: true; spec: FaultSpec } | { ok: false; errors: { path: string; message: string }[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, errors: [{ path: '(body)', message: 'must be a JSON object {kind, …}' }] };
  const b = body as Record<string, unknown>;
  const errors: { path: string; message: string }[] = [];
  for (const k of Object.keys(b))
    if (!['kind', 'delayMs', 'tenantId'].includes(k)) errors.push({ path: k, message: 'unknown field' });
  const kinds = Object.keys(FAULTS);
  if (typeof b.kind !== 'string' || !kinds.includes(b.kind))
    errors.push({ path: 'kind', message: `must be one of ${kinds.join(', ')}` });
  if (b.delayMs !== undefined) {
    if (b.kind !== 'upstream-slow') errors.push({ path: 'delayMs', message: 'only for upstream-slow' });
    else if (!Number.isInteger(b.delayMs) || (b.delayMs as number) < 1 || (b.delayMs as number) > 60_000)
      errors.push({ path: 'delayMs', message: 'must be an integer from 1 to 60000 (ms)' });
  }
  if (b.kind === 'limits-clamped' && (typeof b.tenantId !== 'string' || !b.tenantId))
    errors.push({ path: 'tenantId', message: 'required for limits-clamped' });
  else if (b.tenantId !== undefined && b.kind !== 'limits-clamped')
    errors.push({ path: 'tenantId', message: 'only for limits-clamped' });
  if (errors.length) return { ok: false, errors };
  return { ok: true, spec: b as unknown as FaultSpec };
}

/**
 * `/_local/faults`: `GET` → `{ active, kinds }` (kinds with what each does); `PUT` with a {@link FaultSpec} → 200
 * `{ active }` (400 with field paths for a bad body, 409 when the fault cannot apply to this stack, 404 for an
 * unknown tenant); `DELETE` (`?kind=` for one kind, else all) → 200 `{ removed, active }`.
 */
export function faultsControl(faults: LocalFaults): ControlHandler {
  const problem = (status: number, title: string, detail: string) => ({
    status,
    body: { title, status, detail },
  });
  return async (method, body, query) => {
    if (method === 'GET') return { status: 200, body: { active: faults.list(), kinds: FAULTS } };
    if (method === 'DELETE') {
      const kind = query.get('kind');
      if (kind !== null && !(kind in FAULTS))
        return {
          status: 400,
          body: {
            title: 'Bad Request',
            status: 400,
            errors: [{ path: 'query.kind', message: 'unknown fault kind' }],
          },
        };
      const removed = await faults.remove((kind ?? undefined) as FaultKind | undefined);
      return { status: 200, body: { removed, active: faults.list() } };
    }
    if (method !== 'PUT') return problem(405, 'Method Not Allowed', 'GET, PUT or DELETE');
    const parsed = parseFaultSpec(body);
    if (!parsed.ok)
      return { status: 400, body: { title: 'Bad Request', status: 400, errors: parsed.errors } };
    try {
      await faults.apply(parsed.spec);
    } catch (e) {
      if (e instanceof FaultNotApplicable) return problem(409, 'Conflict', e.message);
      const message = e instanceof Error ? e.message : String(e);
      if (/answered 404/.test(message))
        return problem(404, 'Not Found', `unknown tenant ${parsed.spec.tenantId}`);
      throw e;
    }
    return { status: 200, body: { active: faults.list() } };
  };
}
