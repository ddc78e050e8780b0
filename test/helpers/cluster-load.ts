import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RateLimiter } from '../../lambdas/shared/rate-limit';
import { keySlot, policyVersionKey, rejectionResponse } from '../../lambdas/shared/rate-limit';
import type { Route } from '../../lib/config/routes';
import { ROUTES } from '../../lib/config/routes';
import type { Tier } from '../../lib/config/tier-names';

/** `GET /v1/me` (fail-open) and `POST /v1/reports` (fail-closed), from the route table. */
export const OPEN_ROUTE: Route = ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/me')!;
export const CLOSED_ROUTE: Route = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/reports')!;

/** One decision as the load driver saw it. */
export interface LoadRecord {
  /** Start time, ms since the driver started. */
  atMs: number;
  tenantId: string;
  userId: string;
  /** Fail-closed route (`POST /v1/reports`) rather than the fail-open one. */
  closed: boolean;
  /** HTTP status the middleware answers with: 200 allowed, 429 denied, 503 unavailable, 500 = the check threw. */
  status: number;
  degraded: boolean;
  /** Wall time of `RateLimiter.check`, ms. */
  ms: number;
  error?: string;
}

/** What to send: tenant, user and route of the `i`-th decision. */
export type Pick = (i: number) => { tenantId: string; userId: string; closed: boolean; tier?: Tier };

/** Options of {@link startLoad}. */
export interface LoadOptions {
  limiter: RateLimiter;
  /** Offered decisions per second (open loop: sent on schedule whether or not earlier ones answered). */
  ratePerSec: number;
  pick: Pick;
  /** Timer granularity, ms (default 5). */
  tickMs?: number;
}

/** A running open-loop load. */
export interface RunningLoad {
  /** Records so far (answered decisions). */
  readonly records: LoadRecord[];
  /** ms since start. */
  elapsedMs(): number;
  /** Stops sending, waits for outstanding decisions; returns all records and the worst event-loop delay seen. */
  stop(): Promise<{ records: LoadRecord[]; maxLoopDelayMs: number; p99LoopDelayMs: number }>;
}

/**
 * Sends decisions at a steady rate through `RateLimiter.check` and maps each to the HTTP status the rate-limit
 * middleware answers with (`rejectionResponse`); a throw is recorded as 500. Also samples event-loop delay, so a
 * slow decision can be told apart from a busy machine.
 */
export function startLoad(opts: LoadOptions): RunningLoad {
  const t0 = performance.now();
  const tick = opts.tickMs ?? 5;
  const records: LoadRecord[] = [];
  const pending = new Set<Promise<void>>();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let sent = 0;
  const one = async (i: number) => {
    const { tenantId, userId, closed, tier = 'standard' } = opts.pick(i);
    const started = performance.now();
    const rec: LoadRecord = {
      atMs: started - t0,
      tenantId,
      userId,
      closed,
      status: 0,
      degraded: false,
      ms: 0,
    };
    try {
      const d = await opts.limiter.check({
        tenantId,
        userId,
        tier,
        route: closed ? CLOSED_ROUTE : OPEN_ROUTE,
      });
      rec.status = d.status === 'allowed' ? 200 : rejectionResponse(d).statusCode;
      rec.degraded = d.degraded;
      if (d.error !== undefined) rec.error = d.error;
    } catch (e) {
      rec.status = 500;
      rec.error = e instanceof Error ? e.message : String(e);
    }
    rec.ms = performance.now() - started;
    records.push(rec);
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * opts.ratePerSec);
    while (sent < due) {
      const p = one(sent++);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }, tick);
  return {
    records,
    elapsedMs: () => performance.now() - t0,
    async stop() {
      clearInterval(timer);
      await Promise.all([...pending]);
      loop.disable();
      return {
        records,
        maxLoopDelayMs: loop.max / 1e6,
        p99LoopDelayMs: loop.percentile(99) / 1e6,
      };
    },
  };
}

/** The cluster slot of a tenant's keys (they all share the tenant's hash tag). */
export function tenantSlot(tenantId: string): number {
  return keySlot(policyVersionKey(tenantId));
}

/**
 * `perGroup` tenant names (`<prefix>-<n>`) for each slot predicate, e.g. one predicate per primary's slot ranges, so
 * every shard gets the same number of tenants.
 */
export function tenantsWhere(
  prefix: string,
  groups: readonly ((slot: number) => boolean)[],
  perGroup: number,
): string[][] {
  const out: string[][] = groups.map(() => []);
  for (let n = 0; out.some((g) => g.length < perGroup); n++) {
    if (n > 1_000_000) throw new Error('could not place tenants on every slot group');
    const t = `${prefix}-${n}`;
    const s = tenantSlot(t);
    const gi = groups.findIndex((g, i) => g(s) && out[i]!.length < perGroup);
    if (gi >= 0) out[gi]!.push(t);
  }
  return out;
}

/** Quantile (0–1) of a list of numbers (nearest rank); 0 for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Degraded/error reasons of a run, grouped (digits collapsed), most frequent first. */
export function errorKinds(records: readonly LoadRecord[]): Record<string, number> {
  const m = new Map<string, number>();
  for (const r of records) {
    if (r.error === undefined) continue;
    const k = r.error.replace(/\d+/g, 'N').slice(0, 80);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
}
