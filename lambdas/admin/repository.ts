import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { limitsKeys } from '../../lib/config/data-model';
import type { Policy } from '../../lib/config/policy';
import { TIER_TABLE, type Tier, type UsagePlanLimits } from '../../lib/config/tiers';
import { tableName } from '../shared/aws/dynamodb';
import type { Tenant } from '../shared/tenants/tenant';
import type { AuditEntry } from './audit';
import { conflict, unavailable } from './errors';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A tier's stored policy (`pk=TIER#<tier>, sk=POLICY`); version 0 = never written, `TIER_TABLE` defaults. */
export interface TierPolicy {
  tier: Tier;
  rules: Policy;
  usagePlan: UsagePlanLimits;
  version: number;
  updatedAt?: string;
}

/** A tenant's override rules (`pk=TENANT#<id>, sk=LIMITS`); version 0 = none written. */
export interface TenantLimitsItem {
  tenantId: string;
  rules: Policy;
  version: number;
  updatedAt?: string;
}

/** An emergency bypass item (`pk=TENANT#<id>, sk=BYPASS#<bypassId>`, DynamoDB TTL on `expiresAt`). */
export interface BypassItem {
  bypassId: string;
  userId?: string;
  reason: string;
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The write's own condition failed (stale version, already exists, already deleted). */
export class ConditionFailedError extends Error {
  override name = 'ConditionFailedError';
}

/** Filters and page of a tenant listing. */
export interface TenantQuery {
  tier?: Tier;
  vertical?: string;
  status?: string;
  /** Page size (1–100). */
  limit: number;
  startKey?: Record<string, string>;
}

/** A page of results with the key to continue from. */
export interface Page<T> {
  items: T[];
  lastKey?: Record<string, unknown>;
}

/** Error names that mean "DynamoDB throttled or is unavailable" after the SDK's own retries. */
const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

/** Attempts of a transaction that keeps hitting `TransactionConflict` before giving up (409). */
export const TRANSACTION_ATTEMPTS = 4;

/** Options of {@link AdminRepository}. */
export interface RepositoryOptions {
  client: () => DynamoDBDocumentClient;
  /** Physical table names (default: env vars via `tableName`). */
  tables?: { tenants: string; limits: string; audit: string };
  /** Sleeps between transaction retries, ms (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * DynamoDB access of the admin API (tables from `lib/config/data-model.ts`, items per docs/data-model.md).
 * Every change is one `TransactWriteItems`: the conditional write of the resource (on its `version`, or on
 * existence) plus the `attribute_not_exists` put of its audit record — both happen or neither.
 *
 * Errors: {@link ConditionFailedError} when the resource's condition fails; `ApiError` 503 (`Retry-After`) when
 * DynamoDB throttles after the SDK's retries; 409 when transactions keep conflicting; other SDK errors rethrown.
 */
export class AdminRepository {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: RepositoryOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private get db(): DynamoDBDocumentClient {
    return this.opts.client();
  }

  private table(name: 'tenants' | 'limits' | 'audit'): string {
    return this.opts.tables?.[name] ?? tableName(name);
  }

  // ---- tiers --------------------------------------------------------------------------------------------

  /** The tier's policy: stored item, or `TIER_TABLE` defaults with version 0. */
  async getTierPolicy(tier: Tier): Promise<TierPolicy> {
    const item = await this.get('limits', limitsKeys.tierPolicy(tier));
    if (!item) {
      const d = TIER_TABLE[tier];
      return { tier, rules: d.defaultPolicy, usagePlan: d.usagePlan, version: 0 };
    }
    return {
      tier,
      rules: item.rules as Policy,
      usagePlan: item.usagePlan as UsagePlanLimits,
      version: Number(item.version ?? 0),
      ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
    };
  }

  /** Writes a tier policy if its version is still `expectedVersion`; returns the new version. */
  async putTierPolicy(
    tier: Tier,
    body: { rules: Policy; usagePlan: UsagePlanLimits },
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<TierPolicy> {
    const next: TierPolicy = { tier, ...body, version: expectedVersion + 1, updatedAt: audit.at };
    await this.transact(
      this.versionedPut('limits', { ...limitsKeys.tierPolicy(tier), ...next }, 'pk', expectedVersion),
      audit,
    );
    return next;
  }

  // ---- tenants ------------------------------------------------------------------------------------------

  /** Strongly consistent read of a tenant. */
  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return (await this.get('tenants', { tenantId })) as Tenant | undefined;
  }

  /**
   * One page of tenants (Scan with a filter; the tenants table is small — hundreds of items — so a scan is fine;
   * at scale add a GSI on `tier`). Continues scanning until `limit` matches or the table ends.
   */
  async listTenants(q: TenantQuery): Promise<Page<Tenant>> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    for (const f of ['tier', 'vertical', 'status'] as const) {
      const v = q[f];
      if (v !== undefined) {
        names[`#${f}`] = f;
        values[`:${f}`] = v;
        filters.push(`#${f} = :${f}`);
      }
    }
    const items: Tenant[] = [];
    let startKey: Record<string, unknown> | undefined = q.startKey;
    do {
      const out = await this.safe(() =>
        this.db.send(
          new ScanCommand({
            TableName: this.table('tenants'),
            Limit: q.limit,
            ExclusiveStartKey: startKey,
            ...(filters.length
              ? {
                  FilterExpression: filters.join(' AND '),
                  ExpressionAttributeNames: names,
                  ExpressionAttributeValues: values,
                }
              : {}),
          }),
        ),
      );
      for (const it of (out.Items ?? []) as Tenant[]) {
        items.push(it);
        if (items.length === q.limit) {
          const more = out.LastEvaluatedKey !== undefined || it !== out.Items?.at(-1);
          return { items, ...(more ? { lastKey: { tenantId: it.tenantId } } : {}) };
        }
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return { items };
  }

  /** Creates a tenant (fails with {@link ConditionFailedError} if the id exists). */
  async createTenant(tenant: Tenant, audit: AuditEntry): Promise<void> {
    await this.transact(
      {
        Put: {
          TableName: this.table('tenants'),
          Item: tenant,
          ConditionExpression: 'attribute_not_exists(tenantId)',
        },
      },
      audit,
    );
  }

  /** Replaces a tenant if its version is still `expectedVersion` (`next.version` must be expected + 1). */
  async updateTenant(next: Tenant, expectedVersion: number, audit: AuditEntry): Promise<void> {
    await this.transact(this.versionedPut('tenants', { ...next }, 'tenantId', expectedVersion), audit);
  }

  // ---- limits -------------------------------------------------------------------------------------------

  /** The tenant's override rules (none written: empty, version 0). */
  async getLimits(tenantId: string): Promise<TenantLimitsItem> {
    const item = await this.get('limits', limitsKeys.tenantLimits(tenantId));
    return {
      tenantId,
      rules: (item?.rules as Policy | undefined) ?? [],
      version: Number(item?.version ?? 0),
      ...(typeof item?.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
    };
  }

  /** Replaces the tenant's overrides if their version is still `expectedVersion`. */
  async putLimits(
    tenantId: string,
    rules: Policy,
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<TenantLimitsItem> {
    const next: TenantLimitsItem = { tenantId, rules, version: expectedVersion + 1, updatedAt: audit.at };
    await this.transact(
      this.versionedPut(
        'limits',
        { ...limitsKeys.tenantLimits(tenantId), rules, version: next.version, updatedAt: audit.at },
        'pk',
        expectedVersion,
      ),
      audit,
    );
    return next;
  }

  // ---- bypass -------------------------------------------------------------------------------------------

  /** All bypass items of a tenant (including expired ones DynamoDB TTL has not removed yet). */
  async listBypasses(tenantId: string): Promise<BypassItem[]> {
    const out: BypassItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.safe(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.table('limits'),
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
            ExpressionAttributeValues: {
              ':pk': limitsKeys.tenantPartition(tenantId),
              ':b': limitsKeys.bypassPrefix,
            },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      out.push(...((page.Items ?? []) as (BypassItem & { pk: string; sk: string })[]).map(stripKeys));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /** One bypass item. */
  async getBypass(tenantId: string, bypassId: string): Promise<BypassItem | undefined> {
    const item = await this.get('limits', limitsKeys.bypass(tenantId, bypassId));
    return item ? stripKeys(item as BypassItem & { pk: string; sk: string }) : undefined;
  }

  /** Creates a bypass (new random id, so the existence condition only guards against id reuse). */
  async createBypass(tenantId: string, b: BypassItem, audit: AuditEntry): Promise<void> {
    await this.transact(
      {
        Put: {
          TableName: this.table('limits'),
          Item: { ...limitsKeys.bypass(tenantId, b.bypassId), ...b },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      audit,
    );
  }

  /** Deletes a bypass ({@link ConditionFailedError} when it no longer exists). */
  async deleteBypass(tenantId: string, bypassId: string, audit: AuditEntry): Promise<void> {
    await this.transact(
      {
        Delete: {
          TableName: this.table('limits'),
          Key: limitsKeys.bypass(tenantId, bypassId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      audit,
    );
  }

  // ---- audit --------------------------------------------------------------------------------------------

  /** Audit records of one partition, oldest first, from `since` (ISO, inclusive). */
  async queryAudit(q: {
    partition: string;
    since?: string;
    limit: number;
    startKey?: Record<string, string>;
  }): Promise<Page<AuditEntry>> {
    const out = await this.safe(() =>
      this.db.send(
        new QueryCommand({
          TableName: this.table('audit'),
          KeyConditionExpression: q.since ? 'pk = :pk AND sk >= :since' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': q.partition, ...(q.since ? { ':since': q.since } : {}) },
          Limit: q.limit,
          ExclusiveStartKey: q.startKey,
          ConsistentRead: true,
        }),
      ),
    );
    return {
      items: (out.Items ?? []) as AuditEntry[],
      ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}),
    };
  }

  /**
   * Writes one audit record on its own: a request the admin API hands to another component (the security
   * responder's unblock and clamp lift), recorded before it is handed over.
   */
  async appendAudit(audit: AuditEntry): Promise<void> {
    await this.safe(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table('audit'),
          Item: audit,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** Cheapest reachability probe: a `GetItem` of a key that never exists. */
  async ping(): Promise<void> {
    await this.db.send(new GetCommand({ TableName: this.table('tenants'), Key: { tenantId: '~health' } }));
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private versionedPut(
    table: 'tenants' | 'limits',
    item: Record<string, unknown>,
    keyAttr: string,
    expectedVersion: number,
  ): TransactItem {
    return {
      Put: {
        TableName: this.table(table),
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': keyAttr } }
          : {
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      },
    };
  }

  /**
   * Writes `primary` and the audit record in one transaction. `TransactionConflict` (another transaction on the
   * same item) is retried with jitter, so a concurrent writer's change is then seen by the condition.
   */
  private async transact(primary: TransactItem, audit: AuditEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              primary,
              {
                Put: {
                  TableName: this.table('audit'),
                  Item: audit,
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return;
      } catch (err) {
        const reasons = cancellationReasons(err);
        if (reasons) {
          if (reasons[0] === 'ConditionalCheckFailed') throw new ConditionFailedError('condition failed');
          if (reasons.some((r) => r === 'ThrottlingError' || r === 'ProvisionedThroughputExceeded')) {
            throw unavailable('DynamoDB is throttling writes; retry shortly.');
          }
          if (reasons[1] === 'ConditionalCheckFailed') {
            // Audit key collision (same ms and request id): retry under a distinct key.
            audit.sk = `${audit.sk}~${attempt}`;
          } else if (!reasons.includes('TransactionConflict')) {
            throw err;
          }
          if (attempt >= TRANSACTION_ATTEMPTS) {
            throw conflict('The resource is being changed concurrently; retry shortly.');
          }
          await this.sleep(10 * 2 ** attempt + Math.random() * 20);
          continue;
        }
        throw mapSdkError(err);
      }
    }
  }

  private async get(table: 'tenants' | 'limits', key: Record<string, string>) {
    const out = await this.safe(() =>
      this.db.send(new GetCommand({ TableName: this.table(table), Key: key, ConsistentRead: true })),
    );
    return out.Item;
  }

  /** Runs one SDK call, mapping throttling/unavailability to 503. */
  private async safe<O>(call: () => Promise<O>): Promise<O> {
    try {
      return await call();
    } catch (err) {
      throw mapSdkError(err);
    }
  }
}

function stripKeys<T extends { pk: string; sk: string }>(item: T): Omit<T, 'pk' | 'sk'> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

/** `CancellationReasons[].Code` of a `TransactionCanceledException`, else undefined. */
export function cancellationReasons(err: unknown): string[] | undefined {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e?.name !== 'TransactionCanceledException') return undefined;
  return (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Throttling/unavailability → 503 with `Retry-After`; anything else unchanged. */
export function mapSdkError(err: unknown): unknown {
  const name = (err as { name?: string })?.name ?? '';
  if (RETRYABLE.has(name)) return unavailable('DynamoDB is unavailable or throttling; retry shortly.');
  return err;
}
