import { SECURITY_METRICS } from '../../lib/config/metrics';
import { BRUTE_FORCE_SEVERITY, type SecurityConfig, severityBand } from '../../lib/config/security';
import { CidrMatcher, canonicalCidr } from '../shared/security/cidr';
import type { SecurityEventInput } from '../shared/security/event';
import type { FailedAuthDetection } from '../shared/security/failed-auth';
import { findingAddresses, type GuardDutyFinding } from '../shared/security/guardduty';
import type { SecurityMetric } from '../shared/security/telemetry';
import type { BlockRecord, BlockStore } from './block-store';
import type { IpSetWriter } from './ip-set';

/**
 * The security responder's core: the one owner of the WAF IP sets. It blocks the addresses GuardDuty high-severity
 * findings and failed-auth bursts name (never an allowlisted one), records each block with an expiry, lifts expired
 * blocks, keeps each IP set under its capacity by evicting the lowest-severity, oldest blocks first, and clamps a
 * tenant under attack. Every decision is a security event and a notification. With `security_monitoring_enabled`
 * off it detects and alerts only: nothing is written to the IP sets or the limits.
 */

/** What the responder is asked to handle (parsed from EventBridge by `inputs.ts`). */
export type ResponderInput =
  | { kind: 'finding'; eventId: string; finding: GuardDutyFinding }
  | { kind: 'failed-auth'; eventId: string; detection: FailedAuthDetection }
  | { kind: 'sweep'; eventId: string }
  | { kind: 'unblock'; eventId: string; cidr: string; actor: string; requestId?: string }
  | { kind: 'lift-clamp'; eventId: string; tenantId: string; actor: string; requestId?: string };

/** Result of one input (returned by the handler, logged, asserted by tests and the drill). */
export interface ResponderOutcome {
  kind: ResponderInput['kind'];
  /** `acted`, `suppressed` (monitoring off / allowlisted), `ignored` (archived, no severity, …), `duplicate`. */
  status: 'acted' | 'suppressed' | 'ignored' | 'duplicate';
  reason: string;
  blocked: string[];
  refreshed: string[];
  unblocked: string[];
  evicted: string[];
  allowlisted: string[];
  clamped?: string;
}

/** Lifts and applies emergency limit overrides through the admin API's code path (audited, reversible). */
export interface TenantClampPort {
  /** Applies the clamp unless one is active; `false` when the tenant is unknown or already clamped. */
  clamp(tenantId: string, input: { reason: string; ref: string; nowMs: number }): Promise<boolean>;
  /** Lifts clamps whose expiry passed; returns the tenants released. */
  liftExpired(nowMs: number): Promise<string[]>;
  /** Lifts one tenant's clamp now; `false` when it has none. */
  lift(tenantId: string): Promise<boolean>;
}

/** Numeric metric sink: one count per call (Powertools `singleMetric` in AWS). */
export type ResponderMetric = SecurityMetric;

/** Dependencies of {@link Responder}. */
export interface ResponderDeps {
  writers: Record<4 | 6, IpSetWriter>;
  store: BlockStore;
  config: SecurityConfig;
  /** `security_monitoring_enabled` for this stage (re-read per event). */
  monitoringEnabled: () => Promise<boolean>;
  /** Security events (the security log group). */
  emit: (event: SecurityEventInput) => void;
  /** Notification of an action or an alert-only decision (EventBridge → SNS in AWS). */
  notify: (outcome: ResponderOutcome, context: Record<string, string | number>) => Promise<void>;
  metric: ResponderMetric;
  clamp?: TenantClampPort;
  now?: () => number;
}

/** How long processed event ids are remembered (EventBridge retries for up to 24 h). */
export const EVENT_CLAIM_TTL_SEC = 2 * 86_400;

/** A block to make: the record's fields but its timestamps, and how long it lasts (seconds). */
type BlockRequest = Omit<BlockRecord, 'createdAt' | 'expiresAt'> & { ttlSec: number };

const empty = (
  kind: ResponderInput['kind'],
  status: ResponderOutcome['status'],
  reason: string,
): ResponderOutcome => ({
  kind,
  status,
  reason,
  blocked: [],
  refreshed: [],
  unblocked: [],
  evicted: [],
  allowlisted: [],
});

/** The responder (one per container; its IP-set writers serialize all writes of this process). */
export class Responder {
  private readonly allowlist: CidrMatcher;
  private readonly now: () => number;

  constructor(private readonly deps: ResponderDeps) {
    this.allowlist = new CidrMatcher(deps.config.allowlist);
    this.now = deps.now ?? Date.now;
  }

  /**
   * Handles one input once: a retried event id (EventBridge at-least-once delivery) returns `duplicate` without
   * acting. When handling fails the claim is released so the retry acts.
   * @throws the IP-set or store error (the Lambda retries, then the dead-letter queue)
   */
  async handle(input: ResponderInput): Promise<ResponderOutcome> {
    const idempotent = input.kind !== 'sweep';
    if (idempotent && !(await this.deps.store.claimEvent(input.eventId, EVENT_CLAIM_TTL_SEC, this.now()))) {
      return empty(input.kind, 'duplicate', 'event_already_processed');
    }
    try {
      const outcome = await this.dispatch(input);
      // Actions and alert-only decisions are notified; ignored inputs (a sweep with nothing to lift, an archived
      // finding) are only logged, so the schedule does not page or ticket every minute.
      if (outcome.status === 'acted' || outcome.status === 'suppressed') {
        await this.deps.notify(outcome, { eventId: input.eventId });
      }
      return outcome;
    } catch (err) {
      if (idempotent) await this.deps.store.releaseEvent(input.eventId).catch(() => undefined);
      throw err;
    }
  }

  private dispatch(input: ResponderInput): Promise<ResponderOutcome> {
    switch (input.kind) {
      case 'finding':
        return this.onFinding(input.eventId, input.finding);
      case 'failed-auth':
        return this.onFailedAuth(input.eventId, input.detection);
      case 'sweep':
        return this.sweep();
      case 'unblock':
        return this.unblock(input.cidr, input.actor, input.requestId ?? input.eventId);
      case 'lift-clamp':
        return this.liftClamp(input.tenantId, input.actor, input.requestId ?? input.eventId);
    }
  }

  private async onFinding(eventId: string, finding: GuardDutyFinding): Promise<ResponderOutcome> {
    const severity = finding.severity;
    const band = severity === undefined ? undefined : severityBand(severity);
    const base = {
      type: 'GuardDutyFinding' as const,
      principal: 'security-responder',
      principalType: 'system' as const,
      requestId: eventId,
      details: { findingId: finding.id, findingType: finding.type, severity, band },
    };
    if (finding.service?.archived === true) {
      this.deps.metric(SECURITY_METRICS.responderSkipped, ['reason', 'archived'], 1);
      this.deps.emit({ ...base, outcome: 'ignored', reason: 'archived' });
      return empty('finding', 'ignored', 'archived');
    }
    if (severity === undefined || band === undefined) {
      this.deps.metric(SECURITY_METRICS.responderSkipped, ['reason', 'no_severity'], 1);
      this.deps.emit({ ...base, outcome: 'ignored', reason: 'no_severity' });
      return empty('finding', 'ignored', 'no_severity');
    }
    this.deps.metric(SECURITY_METRICS.guardDutyFinding, ['band', band], 1);
    if (band !== 'high') {
      this.deps.emit({ ...base, outcome: 'detected', reason: `guardduty_${band}` });
      return empty('finding', 'ignored', `below_high_band:${band}`);
    }
    const addresses = findingAddresses(finding);
    this.deps.emit({
      ...base,
      outcome: 'detected',
      reason: 'guardduty_high',
      details: { ...base.details, addresses: addresses.length },
    });
    if (addresses.length === 0) {
      this.deps.metric(SECURITY_METRICS.responderSkipped, ['reason', 'no_remote_address'], 1);
      return empty('finding', 'ignored', 'no_remote_address');
    }
    return this.block(
      'finding',
      addresses.map((a) => ({
        cidr: a.address,
        version: a.version,
        severity,
        source: 'guardduty',
        reason: finding.type,
        ref: finding.id,
        ttlSec: this.deps.config.blockTtlSec.finding,
      })),
    );
  }

  private async onFailedAuth(eventId: string, d: FailedAuthDetection): Promise<ResponderOutcome> {
    if (d.subject === 'tenant') {
      if (!(await this.deps.monitoringEnabled())) {
        this.suppressed(eventId, { tenantId: d.value, reason: 'monitoring_disabled', action: 'clamp' });
        return { ...empty('failed-auth', 'suppressed', 'monitoring_disabled') };
      }
      if (!this.deps.clamp) return empty('failed-auth', 'ignored', 'clamp_not_configured');
      const applied = await this.deps.clamp.clamp(d.value, {
        reason: 'failed_auth_per_tenant',
        ref: eventId,
        nowMs: this.now(),
      });
      if (applied) {
        this.deps.metric(SECURITY_METRICS.tenantClamped, undefined, 1);
        this.deps.emit({
          type: 'TenantClamped',
          outcome: 'clamped',
          reason: 'failed_auth_per_tenant',
          tenantId: d.value,
          principal: 'security-responder',
          principalType: 'system',
          requestId: eventId,
          details: { count: d.count, threshold: d.threshold, ttlSec: this.deps.config.clamp.ttlSec },
        });
      }
      return {
        ...empty(
          'failed-auth',
          applied ? 'acted' : 'ignored',
          applied ? 'tenant_clamped' : 'already_clamped',
        ),
        ...(applied ? { clamped: d.value } : {}),
      };
    }
    const canon = canonicalCidr(d.value);
    if (!canon) return empty('failed-auth', 'ignored', 'not_an_address');
    return this.block('failed-auth', [
      {
        cidr: d.value,
        version: canon.version,
        severity: BRUTE_FORCE_SEVERITY,
        source: 'failed-auth',
        reason: 'failed_auth_per_ip',
        ref: eventId,
        ttlSec: this.deps.config.blockTtlSec.bruteForce,
      },
    ]);
  }

  private suppressed(
    eventId: string,
    d: { tenantId?: string; sourceIp?: string; reason: string; action: string },
  ): void {
    this.deps.metric(SECURITY_METRICS.responderSkipped, ['reason', d.reason], 1);
    this.deps.emit({
      type: 'ResponseSuppressed',
      outcome: 'suppressed',
      reason: d.reason,
      tenantId: d.tenantId,
      sourceIp: d.sourceIp,
      principal: 'security-responder',
      principalType: 'system',
      requestId: eventId,
      details: { action: d.action },
    });
  }

  /** Blocks every requested address (except allowlisted ones), refreshing the expiry of those already blocked. */
  private async block(kind: ResponderInput['kind'], requests: BlockRequest[]): Promise<ResponderOutcome> {
    const outcome = empty(kind, 'acted', 'blocked');
    const wanted: BlockRequest[] = [];
    for (const r of requests) {
      const canon = canonicalCidr(r.cidr);
      if (!canon) continue;
      const addr = canon.cidr.split('/')[0] ?? '';
      if (this.allowlist.contains(addr)) {
        outcome.allowlisted.push(canon.cidr);
        this.suppressed(r.ref, { sourceIp: addr, reason: 'allowlisted', action: 'block' });
        continue;
      }
      if (!wanted.some((w) => w.cidr === canon.cidr))
        wanted.push({ ...r, cidr: canon.cidr, version: canon.version });
    }
    if (wanted.length === 0) return { ...outcome, status: 'suppressed', reason: 'allowlisted' };
    if (!(await this.deps.monitoringEnabled())) {
      for (const w of wanted)
        this.suppressed(w.ref, { sourceIp: w.cidr, reason: 'monitoring_disabled', action: 'block' });
      return { ...outcome, status: 'suppressed', reason: 'monitoring_disabled' };
    }
    const nowMs = this.now();
    for (const version of [4, 6] as const) {
      const batch = wanted.filter((w) => w.version === version);
      if (batch.length === 0) continue;
      await this.blockVersion(version, batch, nowMs, outcome);
    }
    return outcome;
  }

  private async blockVersion(
    version: 4 | 6,
    batch: BlockRequest[],
    nowMs: number,
    outcome: ResponderOutcome,
  ): Promise<void> {
    const writer = this.deps.writers[version];
    const nowSec = Math.floor(nowMs / 1000);
    const incoming = new Set(batch.map((b) => b.cidr));
    // Records first, then the IP set: a sweep running in between never sees a blocked address without its record.
    const before = new Map(
      (await this.deps.store.list(version)).filter((r) => r.expiresAt > nowSec).map((r) => [r.cidr, r]),
    );
    const expiries = new Map<string, number>();
    for (const b of batch) {
      const prior = before.get(b.cidr);
      const expiresAt = Math.max(prior?.expiresAt ?? 0, nowSec + b.ttlSec);
      expiries.set(b.cidr, expiresAt);
      await this.deps.store.put({
        cidr: b.cidr,
        version,
        severity: Math.max(prior?.severity ?? 0, b.severity),
        source: prior?.source ?? b.source,
        reason: b.reason,
        ref: b.ref,
        createdAt: prior?.createdAt ?? nowMs,
        expiresAt,
      });
    }
    const res = await writer.modify(async (current) => {
      const add = batch.filter((b) => !current.has(b.cidr)).map((b) => b.cidr);
      const overflow = current.size + add.length - writer.capacity;
      const evict: Pick<BlockRecord, 'cidr' | 'severity' | 'source' | 'ref'>[] = [];
      if (overflow > 0) {
        const live = new Map(
          (await this.deps.store.list(version)).filter((r) => r.expiresAt > nowSec).map((r) => [r.cidr, r]),
        );
        // Addresses in the set without a live record go first (expired, or not ours), then lowest severity, oldest.
        const orphans = [...current]
          .filter((c) => !live.has(c) && !incoming.has(c))
          .map((cidr) => ({ cidr, severity: 0, source: 'manual' as const, ref: '-' }));
        const ranked = [...live.values()]
          .filter((r) => current.has(r.cidr) && !incoming.has(r.cidr))
          .sort(
            (a, b) => a.severity - b.severity || a.createdAt - b.createdAt || a.cidr.localeCompare(b.cidr),
          );
        evict.push(...[...orphans, ...ranked].slice(0, overflow));
      }
      return { add, remove: evict.map((e) => e.cidr), result: { add, evict } };
    });
    const { add, evict } = res.result;
    for (const e of evict) {
      await this.deps.store.delete(version, e.cidr);
      outcome.evicted.push(e.cidr);
      this.deps.metric(SECURITY_METRICS.ipEvicted, ['ipVersion', `IPV${version}`], 1);
      this.deps.emit({
        type: 'IpEvicted',
        outcome: 'evicted',
        reason: 'ip_set_capacity',
        sourceIp: e.cidr,
        principal: 'security-responder',
        principalType: 'system',
        requestId: e.ref,
        details: { severity: e.severity, source: e.source, capacity: writer.capacity },
      });
    }
    for (const b of batch) {
      const isNew = add.includes(b.cidr);
      (isNew ? outcome.blocked : outcome.refreshed).push(b.cidr);
      if (isNew) this.deps.metric(SECURITY_METRICS.ipBlocked, ['ipVersion', `IPV${version}`], 1);
      this.deps.emit({
        type: 'IpBlocked',
        outcome: 'blocked',
        reason: b.source === 'guardduty' ? 'guardduty_high' : 'failed_auth_per_ip',
        sourceIp: b.cidr,
        principal: 'security-responder',
        principalType: 'system',
        requestId: b.ref,
        details: {
          severity: b.severity,
          findingType: b.reason,
          expiresAt: new Date((expiries.get(b.cidr) ?? nowSec) * 1000).toISOString(),
          refreshed: !isNew,
          attempts: res.attempts,
        },
      });
    }
    this.deps.metric(SECURITY_METRICS.activeBlocks, ['ipVersion', `IPV${version}`], res.addresses.length);
  }

  /**
   * Lifts expired blocks (and removes addresses without a live record, e.g. whose record DynamoDB TTL already
   * deleted), and expired tenant clamps. Runs on a schedule; lifting is done even with monitoring off (it only
   * undoes earlier automated actions).
   */
  private async sweep(): Promise<ResponderOutcome> {
    const outcome = empty('sweep', 'acted', 'expired');
    const nowMs = this.now();
    const nowSec = Math.floor(nowMs / 1000);
    for (const version of [4, 6] as const) {
      const res = await this.deps.writers[version].modify(async (current) => {
        const records = await this.deps.store.list(version);
        const expired = records.filter((r) => r.expiresAt <= nowSec);
        const live = new Set(records.filter((r) => r.expiresAt > nowSec).map((r) => r.cidr));
        const remove = [...current].filter((c) => !live.has(c));
        return { add: [], remove, result: { expired, remove } };
      });
      for (const r of res.result.expired) await this.deps.store.delete(version, r.cidr);
      for (const cidr of res.result.remove) {
        outcome.unblocked.push(cidr);
        this.deps.metric(SECURITY_METRICS.ipUnblocked, ['ipVersion', `IPV${version}`], 1);
        this.deps.emit({
          type: 'IpUnblocked',
          outcome: 'unblocked',
          reason: 'expired',
          sourceIp: cidr,
          principal: 'security-responder',
          principalType: 'system',
        });
      }
      this.deps.metric(SECURITY_METRICS.activeBlocks, ['ipVersion', `IPV${version}`], res.addresses.length);
    }
    if (this.deps.clamp) {
      for (const tenantId of await this.deps.clamp.liftExpired(nowMs)) {
        outcome.clamped = tenantId;
        this.deps.emit({
          type: 'TenantClamped',
          outcome: 'unclamped',
          reason: 'expired',
          tenantId,
          principal: 'security-responder',
          principalType: 'system',
        });
      }
    }
    if (outcome.unblocked.length === 0 && !outcome.clamped)
      return { ...outcome, status: 'ignored', reason: 'nothing_expired' };
    return outcome;
  }

  /** Lifts one tenant's clamp now (a platform admin's decision): its earlier rules come back. */
  private async liftClamp(tenantId: string, actor: string, requestId: string): Promise<ResponderOutcome> {
    if (!this.deps.clamp) return empty('lift-clamp', 'ignored', 'clamp_not_configured');
    if (!(await this.deps.clamp.lift(tenantId))) return empty('lift-clamp', 'ignored', 'not_clamped');
    this.deps.emit({
      type: 'TenantClamped',
      outcome: 'unclamped',
      reason: 'manual',
      tenantId,
      principal: actor,
      principalType: 'user',
      requestId,
    });
    return { ...empty('lift-clamp', 'acted', 'manual'), clamped: tenantId };
  }

  /** Removes one address now (a platform admin's decision). */
  private async unblock(cidr: string, actor: string, eventId: string): Promise<ResponderOutcome> {
    const canon = canonicalCidr(cidr);
    if (!canon) return empty('unblock', 'ignored', 'not_an_address');
    const outcome = empty('unblock', 'acted', 'manual');
    const res = await this.deps.writers[canon.version].modify((current) => ({
      add: [],
      remove: current.has(canon.cidr) ? [canon.cidr] : [],
      result: current.has(canon.cidr),
    }));
    await this.deps.store.delete(canon.version, canon.cidr);
    if (!res.result) return { ...outcome, status: 'ignored', reason: 'not_blocked' };
    outcome.unblocked.push(canon.cidr);
    this.deps.metric(SECURITY_METRICS.ipUnblocked, ['ipVersion', `IPV${canon.version}`], 1);
    this.deps.emit({
      type: 'IpUnblocked',
      outcome: 'unblocked',
      reason: 'manual',
      sourceIp: canon.cidr,
      principal: actor,
      principalType: 'user',
      requestId: eventId,
    });
    return outcome;
  }
}
