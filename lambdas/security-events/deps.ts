import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecurityConfig } from '../../lib/config/security';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { getStageConfig } from '../../lib/config/stages';
import { createRedisClient } from '../shared/rate-limit';
import {
  type ActivityStore,
  type BaselineStore,
  MemoryActivityStore,
  MemoryBaselineStore,
} from '../shared/security/anomaly';
import { type AnomalyRedis, RedisActivityStore, RedisBaselineStore } from '../shared/security/anomaly-redis';
import { type SecurityEventSink, teeSink } from '../shared/security/event';
import { FailedAuthDetector } from '../shared/security/failed-auth';
import { eventBridgePublisher, type SecurityPublisher } from '../shared/security/publisher';
import {
  processRecentEvents,
  type RecentEventStore,
  type RecentEventsRedis,
  RedisRecentEvents,
} from '../shared/security/recent-events';
import {
  MemoryWindowStore,
  type RedisEvalClient,
  RedisWindowStore,
  type SlidingWindowStore,
} from '../shared/security/sliding-window';
import { type PipelineMetric, SecurityPipeline } from './pipeline';

/** Adapters the local stack or tests replace. */
export interface PipelineEnvironment {
  config?: SecurityConfig;
  publish?: SecurityPublisher;
  /** A second security-event sink beside the handler's log (the local stack's security log). */
  sink?: SecurityEventSink;
}

let overrides: PipelineEnvironment = {};
let built: SecurityPipeline | undefined;
let redis: { quit(): Promise<unknown> } | undefined;

/** Replaces adapters (the local stack's bus, a drill's config). Resets the built pipeline. */
export function configureSecurityEvents(env: PipelineEnvironment): void {
  overrides = env;
  built = undefined;
}

/** Closes the pipeline's Redis client and forgets the pipeline (the local stack's stop; tests). */
export async function closeSecurityEvents(): Promise<void> {
  const client = redis;
  redis = undefined;
  built = undefined;
  await client?.quit().catch(() => undefined);
}

/**
 * The process-wide pipeline: windows, hourly figures, baselines and the recent-events window in Redis when
 * `REDIS_URL` is set (cluster client when `REDIS_CLUSTER=true`), else in memory (local stack without Redis: the
 * process's window, which the admin API reads in the same process); detections on EventBridge
 * (`SECURITY_EVENT_BUS`, default bus); thresholds from the stage config.
 */
export function getPipeline(logSink: SecurityEventSink, metric: PipelineMetric): SecurityPipeline {
  if (built) return built;
  const env = process.env;
  const sink = teeSink(logSink, overrides.sink);
  const config = overrides.config ?? getStageConfig(settingOrDefault(env, SETTINGS.stage)).security;
  let windows: SlidingWindowStore;
  let activity: ActivityStore;
  let baselines: BaselineStore;
  let recent: RecentEventStore;
  const redisUrl = settingOrDefault(env, SETTINGS.redisUrl);
  if (redisUrl) {
    const client = createRedisClient({
      url: redisUrl,
      cluster: settingOrDefault(env, SETTINGS.redisCluster),
    });
    redis = client;
    windows = new RedisWindowStore(client as unknown as RedisEvalClient);
    activity = new RedisActivityStore(client as unknown as AnomalyRedis);
    baselines = new RedisBaselineStore(client as unknown as AnomalyRedis);
    recent = new RedisRecentEvents(client as unknown as RecentEventsRedis);
  } else {
    windows = new MemoryWindowStore();
    activity = new MemoryActivityStore();
    baselines = new MemoryBaselineStore();
    recent = processRecentEvents;
  }
  built = new SecurityPipeline({
    detector: new FailedAuthDetector({ store: windows, config: config.failedAuth }),
    activity,
    baselines,
    config,
    sink,
    recent,
    publish:
      overrides.publish ??
      eventBridgePublisher(
        new EventBridgeClient({ maxAttempts: 3 }),
        settingOrDefault(env, SETTINGS.securityEventBus),
      ),
    metric,
  });
  return built;
}
