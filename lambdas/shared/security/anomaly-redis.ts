import {
  type ActivityStore,
  ANOMALY_FIGURES,
  type AnomalyFigure,
  type BaselineStore,
  type TenantBaseline,
  type TenantHour,
} from './anomaly';

/** The ioredis commands the anomaly stores use (standalone or cluster client). */
export interface AnomalyRedis {
  multi(): {
    hincrby(key: string, field: string, n: number): unknown;
    expire(key: string, sec: number): unknown;
    exec(): Promise<unknown>;
  };
  sadd(key: string, member: string): Promise<unknown>;
  expire(key: string, sec: number): Promise<unknown>;
  smembers(key: string): Promise<string[]>;
  hgetall(key: string): Promise<Record<string, string>>;
  del(...keys: string[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', sec: number): Promise<unknown>;
}

/** Hourly figures are kept 3 h (evaluated within the next hour); baselines 30 days after their last update. */
export const ACTIVITY_TTL_SEC = 3 * 3600;
export const BASELINE_TTL_SEC = 30 * 86_400;

const tag = (tenantId: string) => `{${encodeURIComponent(tenantId)}}`;
/** Key of a tenant's figures for one hour (tenant as hash tag). */
export const activityKey = (tenantId: string, hourStartMs: number) =>
  `sec:ta:${tag(tenantId)}:${hourStartMs}`;
/** Key of the set of tenants active in one hour. */
export const activeTenantsKey = (hourStartMs: number) => `sec:ta:tenants:${hourStartMs}`;
/** Key of a tenant's baseline. */
export const baselineKey = (tenantId: string) => `sec:ta:${tag(tenantId)}:baseline`;

/** {@link ActivityStore} in Redis: `HINCRBY` per figure and `SADD` of the tenant, every key with a TTL. */
export class RedisActivityStore implements ActivityStore {
  constructor(private readonly redis: AnomalyRedis) {}

  async add(
    tenantId: string,
    hourStartMs: number,
    delta: Partial<Record<AnomalyFigure, number>>,
  ): Promise<void> {
    const key = activityKey(tenantId, hourStartMs);
    const tx = this.redis.multi();
    for (const f of ANOMALY_FIGURES) if (delta[f]) tx.hincrby(key, f, Math.round(delta[f] ?? 0));
    tx.expire(key, ACTIVITY_TTL_SEC);
    await tx.exec();
    await this.redis.sadd(activeTenantsKey(hourStartMs), tenantId);
    await this.redis.expire(activeTenantsKey(hourStartMs), ACTIVITY_TTL_SEC);
  }

  async drain(hourStartMs: number): Promise<TenantHour[]> {
    const tenants = await this.redis.smembers(activeTenantsKey(hourStartMs));
    const out: TenantHour[] = [];
    for (const tenantId of tenants) {
      const raw = await this.redis.hgetall(activityKey(tenantId, hourStartMs));
      const figures = Object.fromEntries(
        ANOMALY_FIGURES.map((f) => [f, Number(raw[f] ?? 0)]),
      ) as TenantHour['figures'];
      out.push({ tenantId, hourStartMs, figures });
      await this.redis.del(activityKey(tenantId, hourStartMs));
    }
    await this.redis.del(activeTenantsKey(hourStartMs));
    return out;
  }
}

/** {@link BaselineStore} in Redis: one JSON value per tenant with a 30-day TTL refreshed on each hour. */
export class RedisBaselineStore implements BaselineStore {
  constructor(private readonly redis: AnomalyRedis) {}

  async get(tenantId: string): Promise<TenantBaseline | undefined> {
    const raw = await this.redis.get(baselineKey(tenantId));
    return raw ? (JSON.parse(raw) as TenantBaseline) : undefined;
  }

  async put(tenantId: string, baseline: TenantBaseline): Promise<void> {
    await this.redis.set(baselineKey(tenantId), JSON.stringify(baseline), 'EX', BASELINE_TTL_SEC);
  }
}
