/**
 * Factories for console tests: tenants, users, rules, reports, audit entries and usage, with tier and vertical
 * variations. Each returns a fresh, valid object; pass overrides for what the test is about.
 */

import type { BlockRecord, ClampRecord } from '../../lambdas/security-responder/block-store';
import type { SecurityEvent } from '../../lambdas/shared/security/event-schema';
import type { Vertical } from '../../lib/config/data-model';
import type { Role } from '../../lib/config/roles';
import { TIER_TABLE, type Tier } from '../../lib/config/tiers';
import type { AuditEntry, Bypass, Me, Report, Rule, Tenant, UsageEntry } from '../src/api/types';

let seq = 0;
/** A unique suffix per call (reset by {@link resetFactories}). */
function next(): number {
  seq += 1;
  return seq;
}

/** Restarts the sequence (the MSW setup does it before each test, so ids are stable per test). */
export function resetFactories(): void {
  seq = 0;
}

const FIXED_TIME = '2026-01-15T09:30:00.000Z';

/** A tenant. Defaults: standard tier, retail vertical, active. */
export function makeTenant(o: Partial<Tenant> = {}): Tenant {
  const n = next();
  return {
    tenantId: `tenant-${n}`,
    name: `Tenant ${n}`,
    tier: 'standard',
    vertical: 'retail',
    status: 'active',
    apiKeyId: `key-${n}`,
    version: 1,
    createdAt: FIXED_TIME,
    updatedAt: FIXED_TIME,
    ...o,
  };
}

/** One tenant per vertical (for theme tests): `{ retail: Tenant, hospitality: Tenant, … }`. */
export function tenantsByVertical(verticals: readonly Vertical[]): Record<Vertical, Tenant> {
  return Object.fromEntries(
    verticals.map((v) => [v, makeTenant({ tenantId: `t-${v}`, name: `${v} tenant`, vertical: v })]),
  ) as Record<Vertical, Tenant>;
}

/** A user of a tenant (users live in Auth0; the console knows them by id and roles). */
export interface TestUser {
  userId: string;
  roles: Role[];
}

/** A user; default role `user`. */
export function makeUser(o: Partial<TestUser> = {}): TestUser {
  return { userId: `user-${next()}`, roles: ['user'], ...o };
}

/** `GET /v1/me` body for a tenant and user. */
export function makeMe(tenant: Tenant, user: TestUser): Me {
  return {
    tenantId: tenant.tenantId,
    userId: user.userId,
    roles: user.roles,
    permissions: [],
    tier: tenant.tier,
    vertical: tenant.vertical,
    principalType: 'user',
    tenantName: tenant.name,
    ...(tenant.branding ? { branding: tenant.branding } : {}),
    experiments: {},
  };
}

/** A per-user rate rule (what tenant-admins set); pass `kind: 'quota'` overrides for a quota. */
export function makeRule(o: Partial<Rule> & { subject?: string } = {}): Rule {
  const n = next();
  return {
    id: `rule-${n}`,
    scope: 'user',
    kind: 'rate',
    limit: 10,
    periodSec: 60,
    mode: 'enforce',
    ...o,
  } as Rule;
}

/** `count` distinct rules (benchmarks, paging). */
export function makeRules(count: number, o: Partial<Rule> = {}): Rule[] {
  return Array.from({ length: count }, (_, i) =>
    makeRule({ id: `rule-${i + 1}`, subject: `user-${i + 1}`, ...o }),
  );
}

/** The default rules of a tier (from the tier table). */
export function tierRules(tier: Tier): Rule[] {
  return TIER_TABLE[tier].defaultPolicy.map((r) => ({ ...r }));
}

/** A report. */
export function makeReport(o: Partial<Report> = {}): Report {
  const n = next();
  return {
    tenantId: 'acme',
    reportId: `01JREPORT${String(n).padStart(17, '0')}`,
    title: `Report ${n}`,
    body: `Body of report ${n}.`,
    tags: [],
    createdBy: 'alice',
    createdAt: FIXED_TIME,
    ...o,
  };
}

/** An audit entry. */
export function makeAuditEntry(o: Partial<AuditEntry> = {}): AuditEntry {
  const n = next();
  const at = new Date(Date.parse(FIXED_TIME) + n * 60_000).toISOString();
  return {
    pk: 'TENANT#acme',
    sk: `${at}#req-${n}`,
    actor: { userId: 'ops', tenantId: 'marketedge', roles: ['platform-admin'] },
    action: 'limits.update',
    route: 'PUT /admin/tenants/{tenantId}/limits',
    resource: '/admin/tenants/acme/limits',
    before: null,
    after: { n },
    requestId: `req-${n}`,
    at,
    ...o,
  } as AuditEntry;
}

/** A usage entry for a rule. */
export function makeUsage(o: Partial<UsageEntry> = {}): UsageEntry {
  return {
    ruleId: `rule-${next()}`,
    scope: 'tenant',
    kind: 'rate',
    mode: 'enforce',
    limit: 60,
    capacity: 10,
    remaining: 7,
    used: 3,
    resetSec: 12,
    periodSec: 60,
    ...o,
  };
}

/** An active bypass expiring `ttlSec` after `nowMs`. */
export function makeBypass(nowMs: number, o: Partial<Bypass> & { ttlSec?: number } = {}): Bypass {
  const { ttlSec = 900, ...rest } = o;
  const expiresAt = Math.floor(nowMs / 1000) + ttlSec;
  return {
    bypassId: `bp-${next()}`,
    reason: 'incident 42',
    createdBy: 'ops',
    createdAt: new Date(nowMs).toISOString(),
    expiresAt,
    expiresAtIso: new Date(expiresAt * 1000).toISOString(),
    ...rest,
  };
}

/** A block record of the security responder, expiring `ttlSec` after `nowMs` (default: a GuardDuty finding). */
export function makeBlock(nowMs: number, o: Partial<BlockRecord> & { ttlSec?: number } = {}): BlockRecord {
  const n = next();
  const { ttlSec = 3600, ...rest } = o;
  return {
    cidr: `203.0.113.${n}/32`,
    version: 4,
    severity: 8,
    source: 'guardduty',
    reason: 'Recon:EC2/PortProbeUnprotectedPort',
    ref: `finding-${n}`,
    createdAt: nowMs - 60_000,
    expiresAt: Math.floor(nowMs / 1000) + ttlSec,
    ...rest,
  };
}

/** A tenant clamp record, expiring `ttlSec` after `nowMs`. */
export function makeClamp(
  nowMs: number,
  o: Partial<ClampRecord> & { tenantId: string; ttlSec?: number },
): ClampRecord {
  const { ttlSec = 900, ...rest } = o;
  return {
    previousRules: [],
    version: 2,
    reason: 'failed_auth_per_tenant',
    ref: `evt-${next()}`,
    createdAt: nowMs - 120_000,
    expiresAt: Math.floor(nowMs / 1000) + ttlSec,
    ...rest,
  };
}

/** A security event of the one schema (`-` where not given), at `time`. */
export function makeSecurityEvent(
  o: Pick<SecurityEvent, 'type' | 'outcome' | 'reason'> & Partial<SecurityEvent>,
): SecurityEvent {
  return {
    time: FIXED_TIME,
    tenantId: '-',
    principal: '-',
    principalType: 'unknown',
    sourceIp: '-',
    userAgent: '-',
    route: '-',
    requestId: `req-${next()}`,
    stage: 'dev',
    details: {},
    ...o,
  };
}
