import type { BlockRecord, BlockSource, ClampRecord } from '../security-responder/block-store';
import type { SecurityEvent } from '../shared/security/event-schema';

/**
 * `GET /admin/security`'s answer, built from the responder's records and the recent-events window (pure: the admin
 * API and the console's mock API both use it).
 */

/** An active block of a WAF IP set. */
export interface BlockView {
  /** Canonical CIDR (`203.0.113.7/32`). */
  cidr: string;
  version: 4 | 6;
  source: BlockSource;
  /** GuardDuty scale (0–10). */
  severity: number;
  /** Finding type or detection reason. */
  reason: string;
  /** GuardDuty finding id or EventBridge event id. */
  ref: string;
  /** ISO time of the first block. */
  blockedAt: string;
  /** ISO time it lifts. */
  expiresAt: string;
}

/** An active emergency clamp of a tenant's limits. */
export interface ClampView {
  tenantId: string;
  reason: string;
  ref: string;
  /** ISO time it was applied. */
  clampedAt: string;
  /** ISO time it lifts. */
  expiresAt: string;
}

/** Counts over the recent-events window (the security dashboard's figures, for the console). */
export interface SecuritySummary {
  /** Events in the window and the oldest one's time (`null` when empty). */
  window: { events: number; since: string | null };
  /** `AuthFailed` / `AuthDenied` / `AdminAccessDenied` by reason code. */
  authFailuresByReason: Record<string, number>;
  /** Source addresses of refused requests, most first (at most 5). */
  topSourceIps: { ip: string; count: number }[];
  /** GuardDuty findings by severity band (`high`, `medium`, `low`). */
  findingsByBand: Record<string, number>;
  /** `TenantActivityAnomaly` events. */
  anomalies: number;
  /** Events per type. */
  byType: Record<string, number>;
}

/** `GET /admin/security`. */
export interface SecurityOverview {
  blocks: BlockView[];
  clamps: ClampView[];
  /** Newest first. */
  events: SecurityEvent[];
  summary: SecuritySummary;
  /** ISO time of the answer (expiries are relative to it). */
  generatedAt: string;
}

const REFUSALS = new Set(['AuthFailed', 'AuthDenied', 'AdminAccessDenied']);
const iso = (ms: number) => new Date(ms).toISOString();

/** Blocks whose expiry is after `nowMs`, soonest expiry first. */
export function liveBlocks(blocks: readonly BlockRecord[], nowMs: number): BlockView[] {
  return blocks
    .filter((b) => b.expiresAt * 1000 > nowMs)
    .sort((a, b) => a.expiresAt - b.expiresAt || a.cidr.localeCompare(b.cidr))
    .map((b) => ({
      cidr: b.cidr,
      version: b.version,
      source: b.source,
      severity: b.severity,
      reason: b.reason,
      ref: b.ref,
      blockedAt: iso(b.createdAt),
      expiresAt: iso(b.expiresAt * 1000),
    }));
}

/** Clamps whose expiry is after `nowMs`, soonest expiry first. */
export function liveClamps(clamps: readonly ClampRecord[], nowMs: number): ClampView[] {
  return clamps
    .filter((c) => c.expiresAt * 1000 > nowMs)
    .sort((a, b) => a.expiresAt - b.expiresAt || a.tenantId.localeCompare(b.tenantId))
    .map((c) => ({
      tenantId: c.tenantId,
      reason: c.reason,
      ref: c.ref,
      clampedAt: iso(c.createdAt),
      expiresAt: iso(c.expiresAt * 1000),
    }));
}

/** The window's figures (see {@link SecuritySummary}). */
export function summarize(events: readonly SecurityEvent[]): SecuritySummary {
  const count = (m: Record<string, number>, k: string) => {
    m[k] = (m[k] ?? 0) + 1;
  };
  const byType: Record<string, number> = {};
  const authFailuresByReason: Record<string, number> = {};
  const findingsByBand: Record<string, number> = {};
  const ips = new Map<string, number>();
  let since: string | null = null;
  for (const e of events) {
    count(byType, e.type);
    if (since === null || e.time < since) since = e.time;
    if (REFUSALS.has(e.type)) {
      count(authFailuresByReason, e.reason);
      if (e.sourceIp !== '-') ips.set(e.sourceIp, (ips.get(e.sourceIp) ?? 0) + 1);
    }
    if (e.type === 'GuardDutyFinding' && typeof e.details.band === 'string')
      count(findingsByBand, e.details.band);
  }
  const topSourceIps = [...ips]
    .map(([ip, n]) => ({ ip, count: n }))
    .sort((a, b) => b.count - a.count || a.ip.localeCompare(b.ip))
    .slice(0, 5);
  return {
    window: { events: events.length, since },
    authFailuresByReason,
    topSourceIps,
    findingsByBand,
    anomalies: byType.TenantActivityAnomaly ?? 0,
    byType,
  };
}

/** The overview of `nowMs` from every block and clamp record and the newest events (newest first). */
export function securityOverview(
  blocks: readonly BlockRecord[],
  clamps: readonly ClampRecord[],
  events: readonly SecurityEvent[],
  nowMs: number,
): SecurityOverview {
  return {
    blocks: liveBlocks(blocks, nowMs),
    clamps: liveClamps(clamps, nowMs),
    events: [...events],
    summary: summarize(events),
    generatedAt: iso(nowMs),
  };
}
