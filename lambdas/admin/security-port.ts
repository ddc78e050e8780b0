import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import {
  type BlockRecord,
  type BlockStore,
  type ClampRecord,
  DynamoBlockStore,
} from '../security-responder/block-store';
import { documentClient, tableName } from '../shared/aws/dynamodb';
import { createRedisClient } from '../shared/rate-limit';
import type { SecurityEvent } from '../shared/security/event-schema';
import { eventBridgePublisher, type SecurityPublisher } from '../shared/security/publisher';
import {
  processRecentEvents,
  type RecentEventStore,
  type RecentEventsRedis,
  RedisRecentEvents,
} from '../shared/security/recent-events';

/**
 * What the admin API's security routes read and ask (docs/security-runbooks.md): the responder's block and clamp
 * records (`security` table, read only), the recent-events window (Redis), and requests to the responder on the
 * security bus — the responder stays the one writer of the WAF IP sets and of the clamp records.
 */
export interface SecurityPort {
  /** Every block record of both IP versions (also expired ones not yet swept). */
  blocks(): Promise<BlockRecord[]>;
  /** Every clamp record (also expired ones not yet lifted). */
  clamps(): Promise<ClampRecord[]>;
  /** Up to `limit` recent security events, newest first. */
  recentEvents(limit: number): Promise<SecurityEvent[]>;
  /**
   * Puts a `marketedge.security` event for the responder (`SecurityUnblockRequested`, `SecurityClampLiftRequested`).
   * @throws {Error} when the bus refuses it
   */
  request(detailType: string, detail: Record<string, unknown>): Promise<void>;
}

/** Adapters the local stack replaces. */
export interface AdminSecurityEnvironment {
  /** The security bus (the local stack's EventBridge stand-in). */
  publish?: SecurityPublisher;
}

let overrides: AdminSecurityEnvironment = {};

/** Replaces adapters of the default port (the local stack routes requests to its local bus). */
export function configureAdminSecurity(env: AdminSecurityEnvironment): void {
  overrides = env;
}

/** A {@link SecurityPort} over a block store, a recent-events window and a publisher. */
export function securityPort(
  store: BlockStore,
  recent: RecentEventStore,
  publish: SecurityPublisher,
): SecurityPort {
  return {
    async blocks() {
      const [v4, v6] = await Promise.all([store.list(4), store.list(6)]);
      return [...v4, ...v6];
    },
    clamps: () => store.listClamps(),
    recentEvents: (limit) => recent.list(limit),
    request: publish,
  };
}

/**
 * The port from the environment: the `security` table (`SECURITY_TABLE`), the recent-events window in Redis
 * (`REDIS_URL`, cluster client with `REDIS_CLUSTER=true`; the process's in-memory window without it: the local stack),
 * requests on EventBridge (`SECURITY_EVENT_BUS`) unless {@link configureAdminSecurity} set a publisher. Clients are
 * created on first use.
 */
export function securityPortFromEnv(env: NodeJS.ProcessEnv = process.env): SecurityPort {
  let recent: RecentEventStore | undefined;
  let bus: SecurityPublisher | undefined;
  const recentStore = (): RecentEventStore => {
    if (recent) return recent;
    const url = settingOrDefault(env, SETTINGS.redisUrl);
    recent = url
      ? new RedisRecentEvents(
          createRedisClient({
            url,
            cluster: settingOrDefault(env, SETTINGS.redisCluster),
          }) as unknown as RecentEventsRedis,
        )
      : processRecentEvents;
    return recent;
  };
  const publish: SecurityPublisher = (detailType, detail) => {
    if (overrides.publish) return overrides.publish(detailType, detail);
    bus ??= eventBridgePublisher(
      new EventBridgeClient({ maxAttempts: 3 }),
      settingOrDefault(env, SETTINGS.securityEventBus),
    );
    return bus(detailType, detail);
  };
  const store = new DynamoBlockStore(documentClient, () => tableName('security'));
  const window: RecentEventStore = {
    add: (events) => recentStore().add(events),
    list: (limit) => recentStore().list(limit),
  };
  return securityPort(store, window, publish);
}
