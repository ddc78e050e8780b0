import type { SecurityConfig } from '../../../lib/config/security';

/**
 * Tenant activity anomaly detection: each tenant is compared with its own baseline, per figure, hour by hour. The
 * baseline is an exponentially weighted moving average and variance (EWMA, smoothing `alpha`); an hour is anomalous
 * when its z-score against the baseline *before* that hour reaches `zThreshold`, the figure reaches `minVolume`,
 * the baseline has `minHistoryHours` hours, and the tenant's cool-down has passed — so small or new tenants and
 * ongoing incidents do not page again and again.
 */

/** Hourly figures per tenant, from the access log. */
export const ANOMALY_FIGURES = ['requests', 'throttled', 'unauthorized', 'bytesOut'] as const;

/** One figure. */
export type AnomalyFigure = (typeof ANOMALY_FIGURES)[number];

/** One tenant's figures for one hour. */
export interface TenantHour {
  tenantId: string;
  /** Start of the hour, epoch ms (UTC). */
  hourStartMs: number;
  figures: Record<AnomalyFigure, number>;
}

/** EWMA state of one figure. */
export interface FigureBaseline {
  mean: number;
  variance: number;
  /** Hours folded into the baseline. */
  hours: number;
}

/** A tenant's baseline: one per figure, and the last flag time for the cool-down. */
export interface TenantBaseline {
  figures: Partial<Record<AnomalyFigure, FigureBaseline>>;
  /** Epoch ms of the last flagged hour, if any. */
  lastFlaggedMs?: number;
  /** Last hour folded in (epoch ms): an hour is never folded in twice. */
  lastHourMs?: number;
}

/** A flagged figure. */
export interface FigureAnomaly {
  figure: AnomalyFigure;
  value: number;
  mean: number;
  std: number;
  z: number;
}

/** Outcome of evaluating one tenant hour. */
export interface AnomalyVerdict {
  /** Flagged figures (empty: nothing unusual, or suppressed — see `suppressed`). */
  anomalies: FigureAnomaly[];
  /** Why a would-be anomaly was not flagged: `cooldown`, or `undefined`. */
  suppressed?: 'cooldown';
  /** The baseline with this hour folded in. */
  next: TenantBaseline;
}

/** Standard deviation used for z: never below √mean (Poisson noise of counts) or 1, so a flat series is not brittle. */
export function effectiveStd(b: FigureBaseline): number {
  return Math.max(Math.sqrt(Math.max(b.variance, 0)), Math.sqrt(Math.max(b.mean, 0)), 1);
}

/** Folds one observation into a figure's EWMA mean and variance (West's incremental form). */
export function foldIn(b: FigureBaseline | undefined, x: number, alpha: number): FigureBaseline {
  if (!b || b.hours === 0) return { mean: x, variance: 0, hours: 1 };
  const diff = x - b.mean;
  const incr = alpha * diff;
  return { mean: b.mean + incr, variance: (1 - alpha) * (b.variance + diff * incr), hours: b.hours + 1 };
}

/**
 * Evaluates one tenant hour against the tenant's baseline and returns the flagged figures and the next baseline.
 * An hour at or before `lastHourMs` is ignored (returns the baseline unchanged): re-delivery is harmless.
 */
export function evaluateHour(
  hour: TenantHour,
  baseline: TenantBaseline | undefined,
  config: SecurityConfig['anomaly'],
): AnomalyVerdict {
  const prior: TenantBaseline = baseline ?? { figures: {} };
  if (prior.lastHourMs !== undefined && hour.hourStartMs <= prior.lastHourMs) {
    return { anomalies: [], next: prior };
  }
  const found: FigureAnomaly[] = [];
  const figures: TenantBaseline['figures'] = {};
  for (const figure of ANOMALY_FIGURES) {
    const value = hour.figures[figure] ?? 0;
    const b = prior.figures[figure];
    if (b && b.hours >= config.minHistoryHours && value >= config.minVolume) {
      const std = effectiveStd(b);
      const z = (value - b.mean) / std;
      if (z >= config.zThreshold) {
        found.push({ figure, value, mean: round(b.mean), std: round(std), z: round(z) });
      }
    }
    figures[figure] = foldIn(b, value, config.alpha);
  }
  const coolingDown =
    prior.lastFlaggedMs !== undefined && hour.hourStartMs - prior.lastFlaggedMs < config.cooldownSec * 1000;
  const next: TenantBaseline = { figures, lastHourMs: hour.hourStartMs };
  if (found.length > 0 && coolingDown) {
    if (prior.lastFlaggedMs !== undefined) next.lastFlaggedMs = prior.lastFlaggedMs;
    return { anomalies: [], suppressed: 'cooldown', next };
  }
  if (found.length > 0) next.lastFlaggedMs = hour.hourStartMs;
  else if (prior.lastFlaggedMs !== undefined) next.lastFlaggedMs = prior.lastFlaggedMs;
  return { anomalies: found, next };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Where baselines live (Redis with a TTL in AWS; memory locally without Redis). */
export interface BaselineStore {
  get(tenantId: string): Promise<TenantBaseline | undefined>;
  put(tenantId: string, baseline: TenantBaseline): Promise<void>;
}

/** Start of the UTC hour containing `ms`. */
export function hourStart(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}

/** Accumulates per-tenant hourly figures (from access-log records) until the hour is evaluated. */
export interface ActivityStore {
  /** Adds to a tenant's figures for the hour starting at `hourStartMs`. */
  add(tenantId: string, hourStartMs: number, delta: Partial<Record<AnomalyFigure, number>>): Promise<void>;
  /** Every tenant's figures for that hour (then forgotten: each hour is evaluated once). */
  drain(hourStartMs: number): Promise<TenantHour[]>;
}

/** In-process {@link BaselineStore}. */
export class MemoryBaselineStore implements BaselineStore {
  private readonly map = new Map<string, TenantBaseline>();
  async get(tenantId: string): Promise<TenantBaseline | undefined> {
    return this.map.get(tenantId);
  }
  async put(tenantId: string, baseline: TenantBaseline): Promise<void> {
    this.map.set(tenantId, baseline);
  }
}

/** In-process {@link ActivityStore}; hours older than 3 h are dropped on access. */
export class MemoryActivityStore implements ActivityStore {
  private readonly hours = new Map<number, Map<string, Record<AnomalyFigure, number>>>();

  async add(
    tenantId: string,
    hourStartMs: number,
    delta: Partial<Record<AnomalyFigure, number>>,
  ): Promise<void> {
    for (const h of this.hours.keys()) if (h < hourStartMs - 3 * 3_600_000) this.hours.delete(h);
    let tenants = this.hours.get(hourStartMs);
    if (!tenants) {
      tenants = new Map();
      this.hours.set(hourStartMs, tenants);
    }
    const f = tenants.get(tenantId) ?? { requests: 0, throttled: 0, unauthorized: 0, bytesOut: 0 };
    for (const k of ANOMALY_FIGURES) f[k] += delta[k] ?? 0;
    tenants.set(tenantId, f);
  }

  async drain(hourStartMs: number): Promise<TenantHour[]> {
    const tenants = this.hours.get(hourStartMs);
    this.hours.delete(hourStartMs);
    return [...(tenants ?? new Map<string, Record<AnomalyFigure, number>>()).entries()].map(
      ([tenantId, figures]) => ({ tenantId, hourStartMs, figures }),
    );
  }
}

/** Figures one access-log record adds to its tenant's hour. */
export function figuresOf(r: { status?: string; responseLength?: string }): Record<AnomalyFigure, number> {
  const bytes = Number(r.responseLength);
  return {
    requests: 1,
    throttled: r.status === '429' ? 1 : 0,
    unauthorized: r.status === '401' || r.status === '403' ? 1 : 0,
    bytesOut: Number.isFinite(bytes) && bytes > 0 ? bytes : 0,
  };
}
