import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { securityKeys } from '../../lib/config/data-model';

/**
 * The responder's records in the `security` table: one per blocked address (why, how severe, until when — DynamoDB
 * TTL `expiresAt` cleans up records; the responder's sweep removes the address from the IP set), processed event
 * ids (idempotency) and tenant clamps.
 */

/** Why an address was blocked. */
export type BlockSource = 'guardduty' | 'failed-auth' | 'manual';

/** One active block. */
export interface BlockRecord {
  /** Canonical CIDR (`203.0.113.7/32`, `2001:db8::1/128`). */
  cidr: string;
  version: 4 | 6;
  /** GuardDuty scale (0–10): eviction removes the lowest first. */
  severity: number;
  source: BlockSource;
  /** Finding type or detection reason (`Recon:EC2/PortProbeUnprotectedPort`, `per_ip`). */
  reason: string;
  /** GuardDuty finding id or EventBridge event id. */
  ref: string;
  /** When the block was first made, epoch ms (eviction removes the oldest first among equal severity). */
  createdAt: number;
  /** When it lifts, epoch seconds (DynamoDB TTL attribute). */
  expiresAt: number;
}

/** An emergency clamp of a tenant's limits, reversible: the rules before it are kept. */
export interface ClampRecord {
  tenantId: string;
  /** The tenant's override rules before the clamp (restored when it lifts). */
  previousRules: unknown[];
  /** Limits version after the clamp (lifting it is a conditional write on this version). */
  version: number;
  reason: string;
  ref: string;
  createdAt: number;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Persistence of the responder's state. */
export interface BlockStore {
  /** Every block record of one IP version (also expired ones DynamoDB has not deleted yet). */
  list(version: 4 | 6): Promise<BlockRecord[]>;
  put(record: BlockRecord): Promise<void>;
  delete(version: 4 | 6, cidr: string): Promise<void>;
  /**
   * Claims an event id for processing (idempotency): `true` the first time, `false` when already claimed.
   * @param ttlSec how long the claim is remembered
   */
  claimEvent(eventId: string, ttlSec: number, nowMs: number): Promise<boolean>;
  /** Forgets a claim (the event failed and should be retried). */
  releaseEvent(eventId: string): Promise<void>;
  getClamp(tenantId: string): Promise<ClampRecord | undefined>;
  listClamps(): Promise<ClampRecord[]>;
  putClamp(record: ClampRecord): Promise<void>;
  deleteClamp(tenantId: string): Promise<void>;
}

const blocksPk = securityKeys.blocksPartition;

/** {@link BlockStore} on DynamoDB (the `security` table; dynalite locally). */
export class DynamoBlockStore implements BlockStore {
  constructor(
    private readonly client: () => DynamoDBDocumentClient,
    private readonly table: () => string,
  ) {}

  async list(version: 4 | 6): Promise<BlockRecord[]> {
    const out: BlockRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client().send(
        new QueryCommand({
          TableName: this.table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': blocksPk(version) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(toBlock(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async put(r: BlockRecord): Promise<void> {
    await this.client().send(
      new PutCommand({ TableName: this.table(), Item: { pk: blocksPk(r.version), sk: r.cidr, ...r } }),
    );
  }

  async delete(version: 4 | 6, cidr: string): Promise<void> {
    await this.client().send(
      new DeleteCommand({ TableName: this.table(), Key: { pk: blocksPk(version), sk: cidr } }),
    );
  }

  async claimEvent(eventId: string, ttlSec: number, nowMs: number): Promise<boolean> {
    try {
      await this.client().send(
        new PutCommand({
          TableName: this.table(),
          Item: { ...securityKeys.event(eventId), expiresAt: Math.floor(nowMs / 1000) + ttlSec },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async releaseEvent(eventId: string): Promise<void> {
    await this.client().send(
      new DeleteCommand({ TableName: this.table(), Key: securityKeys.event(eventId) }),
    );
  }

  async getClamp(tenantId: string): Promise<ClampRecord | undefined> {
    const res = await this.client().send(
      new GetCommand({ TableName: this.table(), Key: securityKeys.clamp(tenantId) }),
    );
    return res.Item ? toClamp(res.Item) : undefined;
  }

  async listClamps(): Promise<ClampRecord[]> {
    // Clamps are few (tenants under attack right now): a query on the sparse CLAMPS partition list.
    const res = await this.client().send(
      new QueryCommand({
        TableName: this.table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': securityKeys.clampIndexPartition },
      }),
    );
    const ids = (res.Items ?? []).map((i) => String(i.sk));
    const clamps = await Promise.all(ids.map((id) => this.getClamp(id)));
    return clamps.filter((c): c is ClampRecord => c !== undefined);
  }

  async putClamp(r: ClampRecord): Promise<void> {
    await this.client().send(
      new PutCommand({ TableName: this.table(), Item: { ...securityKeys.clamp(r.tenantId), ...r } }),
    );
    await this.client().send(
      new PutCommand({
        TableName: this.table(),
        Item: { ...securityKeys.clampIndex(r.tenantId), expiresAt: r.expiresAt + 86_400 },
      }),
    );
  }

  async deleteClamp(tenantId: string): Promise<void> {
    await this.client().send(
      new DeleteCommand({ TableName: this.table(), Key: securityKeys.clamp(tenantId) }),
    );
    await this.client().send(
      new DeleteCommand({ TableName: this.table(), Key: securityKeys.clampIndex(tenantId) }),
    );
  }
}

function toBlock(i: Record<string, unknown>): BlockRecord {
  return {
    cidr: String(i.cidr ?? i.sk),
    version: i.version === 6 ? 6 : 4,
    severity: Number(i.severity ?? 0),
    source: (i.source as BlockSource) ?? 'manual',
    reason: String(i.reason ?? '-'),
    ref: String(i.ref ?? '-'),
    createdAt: Number(i.createdAt ?? 0),
    expiresAt: Number(i.expiresAt ?? 0),
  };
}

function toClamp(i: Record<string, unknown>): ClampRecord {
  return {
    tenantId: String(i.tenantId),
    previousRules: Array.isArray(i.previousRules) ? i.previousRules : [],
    version: Number(i.version ?? 0),
    reason: String(i.reason ?? '-'),
    ref: String(i.ref ?? '-'),
    createdAt: Number(i.createdAt ?? 0),
    expiresAt: Number(i.expiresAt ?? 0),
  };
}

/** In-process {@link BlockStore} (unit tests). */
export class MemoryBlockStore implements BlockStore {
  readonly blocks = new Map<string, BlockRecord>();
  readonly events = new Map<string, number>();
  readonly clamps = new Map<string, ClampRecord>();

  async list(version: 4 | 6): Promise<BlockRecord[]> {
    return [...this.blocks.values()].filter((b) => b.version === version).map((b) => ({ ...b }));
  }
  async put(r: BlockRecord): Promise<void> {
    this.blocks.set(r.cidr, { ...r });
  }
  async delete(_version: 4 | 6, cidr: string): Promise<void> {
    this.blocks.delete(cidr);
  }
  async claimEvent(eventId: string, ttlSec: number, nowMs: number): Promise<boolean> {
    const until = this.events.get(eventId);
    if (until !== undefined && until >= nowMs / 1000) return false;
    this.events.set(eventId, Math.floor(nowMs / 1000) + ttlSec);
    return true;
  }
  async releaseEvent(eventId: string): Promise<void> {
    this.events.delete(eventId);
  }
  async getClamp(tenantId: string): Promise<ClampRecord | undefined> {
    return this.clamps.get(tenantId);
  }
  async listClamps(): Promise<ClampRecord[]> {
    return [...this.clamps.values()];
  }
  async putClamp(r: ClampRecord): Promise<void> {
    this.clamps.set(r.tenantId, r);
  }
  async deleteClamp(tenantId: string): Promise<void> {
    this.clamps.delete(tenantId);
  }
}
