import { MemoryBlockStore } from '../../../lambdas/security-responder/block-store';
import { type IpSetPort, IpSetWriter, StaleLockTokenError } from '../../../lambdas/security-responder/ip-set';
import {
  Responder,
  type ResponderDeps,
  type ResponderOutcome,
} from '../../../lambdas/security-responder/responder';
import { buildSecurityEvent } from '../../../lambdas/shared/security/event';
import type { SecurityEvent } from '../../../lambdas/shared/security/event-schema';
import { getStageConfig } from '../../../lib/config';
import type { SecurityConfig } from '../../../lib/config/security';

/**
 * A WAF IP set with WAF's optimistic locking: every successful update issues a new lock token; an update with an
 * older token throws {@link StaleLockTokenError}. `beforeUpdate` lets a test slip another writer in between a
 * reader's get and its update.
 */
export class FakeIpSet implements IpSetPort {
  addresses: string[] = [];
  private token = 0;
  updates = 0;
  conflicts = 0;
  beforeUpdate?: () => Promise<void> | void;

  constructor(readonly version: 4 | 6) {}

  async get() {
    await Promise.resolve();
    return { addresses: [...this.addresses], lockToken: `t${this.token}` };
  }

  async update(addresses: string[], lockToken: string): Promise<void> {
    const hook = this.beforeUpdate;
    if (hook) await hook();
    if (lockToken !== `t${this.token}`) {
      this.conflicts++;
      throw new StaleLockTokenError('WAFOptimisticLockException');
    }
    this.addresses = [...addresses];
    this.token++;
    this.updates++;
  }

  /** Another writer (a console user) adds an address directly. */
  externalAdd(cidr: string): void {
    this.addresses.push(cidr);
    this.token++;
  }
}

/** Stage `dev` security config with test-friendly overrides. */
export function testSecurityConfig(over: Partial<SecurityConfig> = {}): SecurityConfig {
  return { ...getStageConfig('dev').security, allowlist: ['203.0.113.0/24', '2001:db8:aaaa::/48'], ...over };
}

/** A responder over fake IP sets and a memory store; records events, metrics and notifications. */
export function makeResponder(
  opts: {
    config?: SecurityConfig;
    monitoring?: boolean;
    capacity?: number;
    now?: () => number;
    sets?: Record<4 | 6, FakeIpSet>;
    store?: MemoryBlockStore;
    clamp?: ResponderDeps['clamp'];
  } = {},
) {
  const sets = opts.sets ?? { 4: new FakeIpSet(4), 6: new FakeIpSet(6) };
  const store = opts.store ?? new MemoryBlockStore();
  const events: SecurityEvent[] = [];
  const metrics: { name: string; dimension?: [string, string]; value: number }[] = [];
  const notifications: ResponderOutcome[] = [];
  let monitoring = opts.monitoring ?? true;
  const writerOpts = { capacity: opts.capacity, sleep: async () => undefined, backoffMs: () => 0 };
  const responder = new Responder({
    writers: { 4: new IpSetWriter(sets[4], writerOpts), 6: new IpSetWriter(sets[6], writerOpts) },
    store,
    config: opts.config ?? testSecurityConfig(),
    monitoringEnabled: async () => monitoring,
    emit: (e) => events.push(buildSecurityEvent(e)),
    notify: async (o) => {
      notifications.push(o);
    },
    metric: (name, dimension, value) => metrics.push({ name, dimension, value }),
    clamp: opts.clamp,
    now: opts.now,
  });
  return {
    responder,
    sets,
    store,
    events,
    metrics,
    notifications,
    setMonitoring(v: boolean) {
      monitoring = v;
    },
  };
}
