import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { limitsKeys } from '../../../../lib/config/data-model';
import type { Rule } from '../../../../lib/config/policy';
import { TIER_TABLE, type Tier } from '../../../../lib/config/tiers';
import { documentClient, tableName } from '../../aws/dynamodb';
import {
  type LimitsItem,
  type PolicySource,
  parseRules,
  type TenantLimits,
  tenantLimitsFromItems,
} from '../core/policy-source';

/** Options of {@link DynamoPolicySource}. */
export interface DynamoPolicySourceOptions {
  /** Document client (default: the shared `documentClient()`). */
  client?: DynamoDBDocumentClient;
  /** Physical limits table name (default: env `LIMITS_TABLE`). */
  table?: string;
  /** Called when a stored policy fails validation (the default policy is used instead). */
  onInvalid?: (message: string) => void;
}

/**
 * Reads policies from the limits table (strongly consistent reads, so a read after `bumpPolicyVersion` sees the
 * admin's write):
 * - tier: `GetItem {pk:'TIER#<tier>', sk:'POLICY'}` → `rules` (absent → `TIER_TABLE[tier].defaultPolicy`);
 * - tenant: `Query pk='TENANT#<id>'` → `sk='LIMITS'` overrides and `sk='BYPASS#…'` bypasses (expired ones are
 *   returned too; the limiter compares `expiresAt` with store time).
 * The limiter calls it only when a version changes, never per request.
 */
export class DynamoPolicySource implements PolicySource {
  constructor(private readonly opts: DynamoPolicySourceOptions = {}) {}

  private get client(): DynamoDBDocumentClient {
    return this.opts.client ?? documentClient();
  }

  private get table(): string {
    return this.opts.table ?? tableName('limits');
  }

  async tierRules(tier: Tier): Promise<Rule[]> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: limitsKeys.tierPolicy(tier),
        ConsistentRead: true,
      }),
    );
    const fallback = TIER_TABLE[tier].defaultPolicy;
    return out.Item ? parseRules(out.Item.rules, fallback, this.opts.onInvalid) : fallback;
  }

  async tenantLimits(tenantId: string): Promise<TenantLimits> {
    const items: LimitsItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': limitsKeys.tenantPartition(tenantId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((out.Items ?? []) as LimitsItem[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return tenantLimitsFromItems(items, this.opts.onInvalid);
  }
}
