import { randomBytes, randomUUID } from 'node:crypto';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { SETTINGS } from '../../lib/config/settings';
import { isTier, TIERS, type Tier, type UsagePlanLimits } from '../../lib/config/tiers';

/** A tenant's API Gateway API key. `value` is a secret: stored for the authorizer, never logged or returned. */
export interface ApiKey {
  apiKeyId: string;
  apiKeyValue: string;
}

/**
 * The admin API's port to API Gateway API keys and usage plans (one usage plan per tier). Every method is
 * idempotent enough to be retried: removing a key that is not in a plan, or adding one already there, succeeds.
 */
export interface ApiKeyPort {
  /**
   * Creates the tenant's API key and attaches it to the tier's usage plan.
   * @throws SDK/port errors; on an attach failure the created key is deleted before rethrowing
   */
  createKey(input: { tenantId: string; tier: Tier; enabled: boolean }): Promise<ApiKey>;
  /** Moves a key from one tier's usage plan to another's (detach, then attach; re-attaches on failure). */
  moveKey(apiKeyId: string, from: Tier, to: Tier): Promise<void>;
  /** Enables/disables a key (suspend/resume). */
  setKeyEnabled(apiKeyId: string, enabled: boolean): Promise<void>;
  /** Deletes a key (compensation after a failed tenant create). */
  deleteKey(apiKeyId: string): Promise<void>;
  /** Sets a tier's usage-plan throttle (requests per second, burst) and daily quota. */
  setPlanLimits(tier: Tier, limits: UsagePlanLimits): Promise<void>;
}

/**
 * Parses `USAGE_PLAN_IDS` (JSON object tier → usage plan id).
 * @throws {Error} when it is not JSON, names an unknown tier, or misses one (a deployment error)
 */
export function parseUsagePlanIds(raw: string): Record<Tier, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${SETTINGS.usagePlanIds.name} is not JSON`);
  }
  if (!parsed || typeof parsed !== 'object')
    throw new Error(`${SETTINGS.usagePlanIds.name} must be a JSON object`);
  const out = {} as Record<Tier, string>;
  for (const [k, v] of Object.entries(parsed)) {
    if (!isTier(k) || typeof v !== 'string' || v === '') {
      throw new Error(`${SETTINGS.usagePlanIds.name}: bad entry "${k}"`);
    }
    out[k] = v;
  }
  const missing = TIERS.filter((t) => !out[t]);
  if (missing.length) throw new Error(`${SETTINGS.usagePlanIds.name}: missing ${missing.join(', ')}`);
  return out;
}

function isNotFound(err: unknown): boolean {
  return (err as { name?: string })?.name === 'NotFoundException';
}
function isConflict(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConflictException';
}

/** {@link ApiKeyPort} on API Gateway (AWS SDK v3). */
export class ApiGatewayKeyPort implements ApiKeyPort {
  /**
   * @param client API Gateway client (one per container)
   * @param usagePlanIds tier → usage plan id (`USAGE_PLAN_IDS`)
   * @param restApiId the REST API (`REST_API_ID`), recorded in each key's name and description (no tags: tag-on-create
   *   needs extra IAM on `/tags/*`)
   */
  constructor(
    private readonly client: APIGatewayClient,
    private readonly usagePlanIds: Record<Tier, string>,
    private readonly restApiId: string,
  ) {}

  /** From env `USAGE_PLAN_IDS` and `REST_API_ID`. @throws {Error} when either is missing or malformed */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiGatewayKeyPort {
    const usagePlanIds = env[SETTINGS.usagePlanIds.name];
    const restApiId = env[SETTINGS.restApiId.name];
    if (!usagePlanIds || !restApiId)
      throw new Error(`${SETTINGS.usagePlanIds.name} and ${SETTINGS.restApiId.name} must be set`);
    return new ApiGatewayKeyPort(
      new APIGatewayClient({ maxAttempts: 3 }),
      parseUsagePlanIds(usagePlanIds),
      restApiId,
    );
  }

  async createKey(input: { tenantId: string; tier: Tier; enabled: boolean }): Promise<ApiKey> {
    const created = await this.client.send(
      new CreateApiKeyCommand({
        name: `${this.restApiId}-${input.tenantId}`,
        description: `MarketEdge tenant ${input.tenantId} (REST API ${this.restApiId})`,
        enabled: input.enabled,
        generateDistinctId: true,
      }),
    );
    if (!created.id || !created.value) throw new Error('CreateApiKey returned no id/value');
    try {
      await this.attach(created.id, input.tier);
    } catch (err) {
      await this.deleteKey(created.id).catch(() => undefined);
      throw err;
    }
    return { apiKeyId: created.id, apiKeyValue: created.value };
  }

  async moveKey(apiKeyId: string, from: Tier, to: Tier): Promise<void> {
    if (from === to) return;
    await this.detach(apiKeyId, from);
    try {
      await this.attach(apiKeyId, to);
    } catch (err) {
      await this.attach(apiKeyId, from).catch(() => undefined);
      throw err;
    }
  }

  async setKeyEnabled(apiKeyId: string, enabled: boolean): Promise<void> {
    await this.client.send(
      new UpdateApiKeyCommand({
        apiKey: apiKeyId,
        patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }],
      }),
    );
  }

  async deleteKey(apiKeyId: string): Promise<void> {
    try {
      await this.client.send(new DeleteApiKeyCommand({ apiKey: apiKeyId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async setPlanLimits(tier: Tier, limits: UsagePlanLimits): Promise<void> {
    await this.client.send(
      new UpdateUsagePlanCommand({
        usagePlanId: this.usagePlanIds[tier],
        patchOperations: [
          { op: 'replace', path: '/throttle/rateLimit', value: String(limits.rateLimit) },
          { op: 'replace', path: '/throttle/burstLimit', value: String(limits.burstLimit) },
          { op: 'replace', path: '/quota/limit', value: String(limits.quotaPerDay) },
          { op: 'replace', path: '/quota/period', value: 'DAY' },
        ],
      }),
    );
  }

  private async attach(keyId: string, tier: Tier): Promise<void> {
    try {
      await this.client.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: this.usagePlanIds[tier], keyId, keyType: 'API_KEY' }),
      );
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  private async detach(keyId: string, tier: Tier): Promise<void> {
    try {
      await this.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: this.usagePlanIds[tier], keyId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** In-memory {@link ApiKeyPort} for the local stack and tests: keys, their plan membership and plan limits. */
export class InMemoryApiKeyPort implements ApiKeyPort {
  readonly keys = new Map<string, { tenantId: string; value: string; enabled: boolean; tier: Tier }>();
  readonly planLimits = new Map<Tier, UsagePlanLimits>();

  async createKey(input: { tenantId: string; tier: Tier; enabled: boolean }): Promise<ApiKey> {
    const apiKeyId = `local-${randomUUID().slice(0, 8)}`;
    const value = randomBytes(30).toString('base64url');
    this.keys.set(apiKeyId, { tenantId: input.tenantId, value, enabled: input.enabled, tier: input.tier });
    return { apiKeyId, apiKeyValue: value };
  }

  async moveKey(apiKeyId: string, _from: Tier, to: Tier): Promise<void> {
    const k = this.keys.get(apiKeyId);
    if (k) k.tier = to;
  }

  async setKeyEnabled(apiKeyId: string, enabled: boolean): Promise<void> {
    const k = this.keys.get(apiKeyId);
    if (k) k.enabled = enabled;
  }

  async deleteKey(apiKeyId: string): Promise<void> {
    this.keys.delete(apiKeyId);
  }

  async setPlanLimits(tier: Tier, limits: UsagePlanLimits): Promise<void> {
    this.planLimits.set(tier, { ...limits });
  }
}

/** The port for this process: API Gateway when `REST_API_ID` is set, else the in-memory fake (local stack). */
export function apiKeyPortFromEnv(env: NodeJS.ProcessEnv = process.env): ApiKeyPort {
  return env[SETTINGS.restApiId.name] ? ApiGatewayKeyPort.fromEnv(env) : new InMemoryApiKeyPort();
}
