import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { SECURITY_DETAIL_TYPES } from '../../lib/config/security';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { getStageConfig } from '../../lib/config/stages';
import { documentClient, tableName } from '../shared/aws/dynamodb';
import { flags } from '../shared/flags';
import { buildSecurityEvent, type SecurityEventSink, teeSink } from '../shared/security/event';
import { eventBridgePublisher, type SecurityPublisher } from '../shared/security/publisher';
import { type BlockStore, DynamoBlockStore } from './block-store';
import { AdminClampPort } from './clamp';
import { type IpSetPort, IpSetWriter } from './ip-set';
import { Responder, type ResponderDeps, type ResponderMetric } from './responder';
import { parseIpSetArn, WafIpSet } from './waf-ip-set';

/** What the environment (or the local stack) provides to build the responder. */
export interface ResponderEnvironment {
  /** The IPv4 and IPv6 sets (default: WAFv2 from `WAF_IPSET_V4_ARN` / `WAF_IPSET_V6_ARN`). */
  ipSets?: Record<4 | 6, IpSetPort>;
  store?: BlockStore;
  /** Stage security config (default: `getStageConfig(STAGE).security`). */
  config?: ResponderDeps['config'];
  /** Notification publisher (default: EventBridge `SECURITY_EVENT_BUS`, default bus). */
  publish?: SecurityPublisher;
  /** Tenant clamp (default: through the admin API code path with its default adapters). */
  clamp?: ResponderDeps['clamp'] | null;
  now?: () => number;
  /** A second security-event sink beside the handler's log (the local stack's security log). */
  sink?: SecurityEventSink;
}

let overrides: ResponderEnvironment = {};
let built: Promise<Responder> | undefined;

/** Replaces adapters (the local stack: local IP sets, local bus; tests). Resets the built responder. */
export function configureResponder(env: ResponderEnvironment): void {
  overrides = env;
  built = undefined;
}

/**
 * The process-wide responder (once per container): IP-set writers over WAFv2 (or the configured sets), the
 * `security` table, `security_monitoring_enabled` from the flag provider, notifications on EventBridge, the clamp
 * through the admin API.
 * @throws {Error} a deployment error (missing `WAF_IPSET_*_ARN`, `SECURITY_TABLE`, invalid `STAGE`)
 */
export function getResponder(sink: SecurityEventSink, metric: ResponderMetric): Promise<Responder> {
  built ??= build(sink, metric);
  return built;
}

async function build(logSink: SecurityEventSink, metric: ResponderMetric): Promise<Responder> {
  const env = process.env;
  const sink = teeSink(logSink, overrides.sink);
  const config = overrides.config ?? getStageConfig(settingOrDefault(env, SETTINGS.stage)).security;
  const ipSets = overrides.ipSets ?? wafIpSets(env);
  const store = overrides.store ?? new DynamoBlockStore(documentClient, () => tableName('security'));
  const publish =
    overrides.publish ??
    eventBridgePublisher(
      new EventBridgeClient({ maxAttempts: 3 }),
      settingOrDefault(env, SETTINGS.securityEventBus),
    );
  let clamp = overrides.clamp === null ? undefined : overrides.clamp;
  if (clamp === undefined && overrides.clamp !== null) {
    const [{ createAdminApi }, { defaultDeps }] = await Promise.all([
      import('../admin/app'),
      import('../admin/deps'),
    ]);
    clamp = new AdminClampPort(createAdminApi(defaultDeps()), store, config.clamp);
  }
  return new Responder({
    writers: { 4: new IpSetWriter(ipSets[4]), 6: new IpSetWriter(ipSets[6]) },
    store,
    config,
    monitoringEnabled: () => flags.isEnabled('security_monitoring_enabled'),
    emit: (e) => sink(buildSecurityEvent(e)),
    notify: (outcome, context) => publish(SECURITY_DETAIL_TYPES.responderAction, { ...outcome, ...context }),
    metric,
    clamp,
    now: overrides.now,
  });
}

function wafIpSets(env: NodeJS.ProcessEnv): Record<4 | 6, IpSetPort> {
  const v4 = env[SETTINGS.wafIpSetV4Arn.name];
  const v6 = env[SETTINGS.wafIpSetV6Arn.name];
  if (!v4 || !v6)
    throw new Error(`${SETTINGS.wafIpSetV4Arn.name} and ${SETTINGS.wafIpSetV6Arn.name} must be set`);
  const client = new WAFV2Client({ maxAttempts: 3 });
  return { 4: new WafIpSet(client, parseIpSetArn(v4), 4), 6: new WafIpSet(client, parseIpSetArn(v6), 6) };
}
