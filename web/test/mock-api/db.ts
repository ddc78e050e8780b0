import type { BlockRecord, ClampRecord } from '../../../lambdas/security-responder/block-store';
import type { SecurityEvent } from '../../../lambdas/shared/security/event-schema';
import type { ExperimentAssignments } from '../../../lib/config/experiments';
import { TIER_TABLE, TIERS, type Tier } from '../../../lib/config/tiers';
import type { OperationsSummary } from '../../../local/metrics/operations';
import type { AuditEntry, Bypass, Report, Rule, Tenant, TierPolicy, UsageEntry } from '../../src/api/types';
import type { AnalyticsRows } from './analytics';

/** The in-memory state behind the mock API (one per test; reset in `setup.ts`). */
export interface MockDb {
  tenants: Map<string, Tenant>;
  /** Overrides per tenant, with their version (ETag `"<version>"`). */
  limits: Map<string, { rules: Rule[]; version: number; updatedAt?: string }>;
  tiers: Map<Tier, TierPolicy>;
  reports: Report[];
  bypasses: Map<string, Bypass[]>;
  /** Audit entries per partition (`TENANT#<id>` or `PLATFORM`). */
  audit: AuditEntry[];
  /** Usage the limiter would report, per tenant (and user, `tenant/user`). */
  usage: Map<string, UsageEntry[]>;
  /**
   * The security responder's records and the recent-events window (newest first). The mock's responder acts at once
   * on an early unblock / clamp lift (the real one within seconds).
   */
  security: { blocks: BlockRecord[]; clamps: ClampRecord[]; events: SecurityEvent[] };
  /**
   * `GET /v1/me` `experiments` per caller (`<tenant>/<user>`). A caller without an entry gets `{}` (the server's
   * answer when analytics collection is off for them): the control experience, so the component gallery and its
   * visual baselines show the console as it is without an experiment.
   */
  experiments: Map<string, ExperimentAssignments>;
  /** The `tenant_specific_limits` flag. */
  tenantSpecificLimits: boolean;
  /**
   * Forced answers: the next request whose `METHOD /path` (concrete path) matches gets this status and body
   * (e.g. a 429 with `Retry-After`), then the entry is removed.
   */
  failNext: {
    method: string;
    path: string | RegExp;
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
  }[];
  /** Clock, ms (tests may move it). */
  now: () => number;
  /** What `GET <operationsPath>` answers (default: `sampleOperations(now())`). */
  operations?: OperationsSummary;
  /** Rows the analytics engine would read, all tenants (default: `sampleAnalytics(<the tenants>, now())`). */
  analytics?: AnalyticsRows;
}

/** A fresh database with the tier defaults and no tenants. */
export function createMockDb(): MockDb {
  return {
    tenants: new Map(),
    limits: new Map(),
    tiers: new Map(
      TIERS.map((t) => [
        t,
        {
          tier: t,
          rules: TIER_TABLE[t].defaultPolicy.map((r) => ({ ...r })),
          usagePlan: { ...TIER_TABLE[t].usagePlan },
          version: 0,
        },
      ]),
    ),
    reports: [],
    bypasses: new Map(),
    audit: [],
    usage: new Map(),
    security: { blocks: [], clamps: [], events: [] },
    experiments: new Map(),
    tenantSpecificLimits: true,
    failNext: [],
    now: () => Date.now(),
  };
}

/** Adds (or replaces) tenants. */
export function putTenants(db: MockDb, ...tenants: Tenant[]): void {
  for (const t of tenants) db.tenants.set(t.tenantId, t);
}
