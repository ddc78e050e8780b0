import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DEPENDENCY_LATENCY_METRICS, METRIC } from '../../../lib/config/metrics';

/** A dependency whose calls are timed. */
export type Dependency = 'dynamodb' | 'redis';

/** Metric of each dependency (`lib/config/metrics.ts`). */
const METRIC_OF: Record<Dependency, (typeof DEPENDENCY_LATENCY_METRICS)[number]> = {
  dynamodb: METRIC.DynamoDbLatency,
  redis: METRIC.RedisLatency,
};

/** Most values held per (dependency, operation) before the oldest are dropped (EMF takes 100 per metric). */
const MAX_VALUES = 100;
/** Most distinct operations held (guards against an unbounded dimension). */
const MAX_OPERATIONS = 50;

/** Values held for one (dependency, operation). */
interface Pending {
  dependency: Dependency;
  operation: string;
  values: number[];
}

/** Held values in first-recorded order (the publish order). */
const pending = new Map<string, Pending>();
/**
 * The same entries per dependency, by operation: the per-call lookup uses the operation name as it is (an interned
 * constant such as `evalsha`), without building a combined key string on every call.
 */
const byOperation: Record<Dependency, Map<string, Pending>> = { dynamodb: new Map(), redis: new Map() };

/**
 * Records one dependency call, ms. Held in the process until {@link publishDependencyLatency} (the handler wrapper
 * calls it after each request) and never a tenant or key: the only dimension is the operation name.
 */
export function recordDependencyLatency(dependency: Dependency, operation: string, ms: number): void {
  const ops = byOperation[dependency];
  let entry = ops.get(operation);
  if (!entry) {
    if (pending.size >= MAX_OPERATIONS) return;
    entry = { dependency, operation, values: [] };
    pending.set(`${dependency}\u0000${operation}`, entry);
    ops.set(operation, entry);
  }
  if (entry.values.length >= MAX_VALUES) entry.values.shift();
  entry.values.push(ms);
}

/**
 * Publishes what {@link recordDependencyLatency} held: per (dependency, operation) one EMF record with dimension
 * `operation` and every value (`DynamoDbLatency`, `RedisLatency`, ms), then clears. Synchronous, so no other request
 * can touch the shared `Metrics` instance in between (same rule as `publishRequestMetrics`). Call after the request's
 * own metrics were published.
 * @returns how many values were published
 */
export function publishDependencyLatency(metrics: Metrics): number {
  let n = 0;
  for (const { dependency, operation, values } of pending.values()) {
    metrics.addDimension('operation', operation);
    for (const v of values) metrics.addMetric(METRIC_OF[dependency], MetricUnit.Milliseconds, v);
    metrics.publishStoredMetrics();
    n += values.length;
  }
  pending.clear();
  byOperation.dynamodb.clear();
  byOperation.redis.clear();
  return n;
}

/** What is held and not yet published (tests). */
export function pendingDependencyLatency(): {
  dependency: Dependency;
  operation: string;
  values: number[];
}[] {
  return [...pending.values()].map((e) => ({ ...e, values: [...e.values] }));
}

/** Minimal shape of an AWS SDK v3 client's middleware stack. */
interface SdkMiddlewareStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override?: boolean },
  ): void;
}

/**
 * Times every command of an AWS SDK v3 client (an `initialize`-step middleware, so retries and marshalling are
 * included: the latency the caller waited) and records it with the command name without `Command`
 * (`GetItemCommand` → `GetItem`). Idempotent per client (named middleware, `override`).
 */
export function timeSdkClient(
  client: { middlewareStack: { add: (...args: never[]) => void } },
  dependency: Dependency,
): void {
  // The SDK's overloaded `add` typed down to the one overload used here (an initialize-step middleware).
  (client.middlewareStack as unknown as SdkMiddlewareStack).add(
    (next, context) => async (args) => {
      const t0 = performance.now();
      try {
        return await next(args);
      } finally {
        const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        recordDependencyLatency(dependency, op, performance.now() - t0);
      }
    },
    { step: 'initialize', name: 'marketedgeDependencyLatency', override: true },
  );
}

/** Minimal shape of an ioredis client (`Redis` or `Cluster`): every command goes through `sendCommand`. */
interface RedisLike {
  sendCommand(
    command: { name: string; promise: Promise<unknown> },
    stream?: unknown,
    node?: unknown,
  ): unknown;
}

const timed = new WeakSet<object>();

/**
 * Times every command of an ioredis client from send to reply (wraps the instance's `sendCommand`; ioredis has no
 * hook API) and records it with the lower-case command name (`evalsha`, `get`). Idempotent per client.
 */
export function timeRedisClient<T extends object>(client: T): T {
  const c = client as unknown as RedisLike;
  if (timed.has(client) || typeof c.sendCommand !== 'function') return client;
  timed.add(client);
  const send = c.sendCommand.bind(c);
  // On every command's path: the arguments passed as they are (ioredis: `stream`, and `node` on a cluster; no rest
  // array), no named closure (a bundler keeping function names, as tsx does, defines a `name` on each one) and no key
  // string built per call (recordDependencyLatency looks the operation up as it is).
  c.sendCommand = (command, stream, node) => {
    const t0 = performance.now();
    const operation = command.name;
    command.promise?.then(
      () => recordDependencyLatency('redis', operation, performance.now() - t0),
      () => recordDependencyLatency('redis', operation, performance.now() - t0),
    );
    return send(command, stream, node);
  };
  return client;
}
