import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ANALYTICS_ENV } from '../../../lib/config/analytics';
import { ANALYTICS_METRICS, METRICS_NAMESPACE } from '../../../lib/config/metrics';
import { SETTINGS, settingOrDefault } from '../../../lib/config/settings';
import { flags } from '../flags';
import { getTenant } from '../tenants/repository';
import { assertSecret } from './hash';
import { type AnalyticsSink, createIngestor, type Ingestor } from './ingest';
import { logSink } from './log-sink';

/** How long a tenant's opt-out setting is cached per container, ms. */
export const OPT_OUT_CACHE_MS = 30_000;

/**
 * The hashing secret: `ANALYTICS_HASH_SECRET` itself, else the Secrets Manager secret named by
 * `ANALYTICS_HASH_SECRET_NAME` (the ingestor calls this once per container and keeps the value; a failed read is
 * retried on the next event).
 * @throws {Error} when neither is set, the read fails, or the secret is shorter than 32 bytes
 */
export async function readSecret(env: NodeJS.ProcessEnv): Promise<string> {
  const inline = env[ANALYTICS_ENV.secret];
  if (inline) return assertSecret(inline);
  const name = env[ANALYTICS_ENV.secretName];
  if (!name) throw new Error(`${ANALYTICS_ENV.secret} or ${ANALYTICS_ENV.secretName} must be set`);
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: name }));
  return assertSecret(out.SecretString ?? '');
}

/** Builds the `ANALYTICS_SINK=file` sink over a root directory (see {@link setFileSinkFactory}). */
export type FileSinkFactory = (root: string) => AnalyticsSink & { flush?: () => void };

let fileSinkFactory: FileSinkFactory | undefined;

/**
 * Registers how `ANALYTICS_SINK=file` builds its sink — the local stack's `fileSink` (`file-sink.ts`) with the
 * erasure ledger as its filter; takes effect for ingestors built after. Injected, not imported, so the file sink
 * (local-only code) stays out of the Lambda bundles, which only ever use `log` or `none`.
 */
export function setFileSinkFactory(factory: FileSinkFactory | undefined): void {
  fileSinkFactory = factory;
}

function sinkFromEnv(env: NodeJS.ProcessEnv): AnalyticsSink & { flush?: () => void } {
  const kind = settingOrDefault(env, SETTINGS.analyticsSink);
  if (kind === 'none') return { write: () => undefined };
  if (kind === 'file') {
    const root = env[ANALYTICS_ENV.dir];
    if (!root) throw new Error(`${ANALYTICS_ENV.dir} must be set when ${ANALYTICS_ENV.sink}=file`);
    if (!fileSinkFactory)
      throw new Error(`${ANALYTICS_ENV.sink}=file needs the local stack (setFileSinkFactory)`);
    return fileSinkFactory(root);
  }
  return logSink();
}

let current: { ingestor: Ingestor; sink: AnalyticsSink & { flush?: () => void } } | undefined;

/**
 * The process-wide ingestor, built on first use from the environment: flag `business_analytics_enabled` (AppConfig
 * in AWS), the tenant's `analyticsOptOut` setting (tenants table, cached {@link OPT_OUT_CACHE_MS}), the flag
 * provider for experiments' flags, the sink and the secret above, and an `AnalyticsEvents` EMF count per vertical and
 * event name.
 */
export function analytics(env: NodeJS.ProcessEnv = process.env): Ingestor {
  if (current) return current.ingestor;
  const sink = sinkFromEnv(env);
  let errors = 0;
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: env[SETTINGS.serviceName.name] ?? 'analytics',
  });
  const ingestor = createIngestor({
    sink,
    secret: () => readSecret(env),
    // Without a secret configured nothing can be pseudonymised, so nothing is collected (never raw ids).
    enabled: async () =>
      Boolean(env[ANALYTICS_ENV.secret] || env[ANALYTICS_ENV.secretName]) &&
      flags.isEnabled('business_analytics_enabled'),
    optedOut: async (tenantId) => (await getTenant(tenantId, OPT_OUT_CACHE_MS))?.analyticsOptOut === true,
    flag: (name) => flags.isEnabled(name),
    onWritten: (records) => {
      const counts = new Map<string, number>();
      for (const r of records)
        counts.set(`${r.vertical}\u0000${r.name}`, (counts.get(`${r.vertical}\u0000${r.name}`) ?? 0) + 1);
      for (const [k, n] of counts) {
        const [vertical = '', event = ''] = k.split('\u0000');
        const m = metrics.singleMetric();
        m.addDimensions({ vertical, event });
        m.addMetric(ANALYTICS_METRICS.events, MetricUnit.Count, n);
      }
    },
    onNotStored: (reason, n) => {
      const m = metrics.singleMetric();
      m.addDimensions({ reason });
      m.addMetric(ANALYTICS_METRICS.notStored, MetricUnit.Count, n);
    },
    onError: (e) => {
      metrics.singleMetric().addMetric(ANALYTICS_METRICS.emitErrors, MetricUnit.Count, 1);
      if (errors++ === 0)
        process.stderr.write(`analytics emit failed: ${e instanceof Error ? e.message : String(e)}\n`);
    },
  });
  current = { ingestor, sink };
  return ingestor;
}

/** Writes buffered records now (the local file sink buffers up to 1 s). */
export function flushAnalytics(): void {
  current?.sink.flush?.();
}

/** Forgets the process-wide ingestor (tests, local stack restarts). */
export function resetAnalytics(): void {
  flushAnalytics();
  current = undefined;
}

/**
 * An {@link Ingestor} that resolves the process-wide one at each call, so handlers built once per module keep
 * working across `resetAnalytics()` (local stack restarts in one process).
 */
export const lazyAnalytics: Ingestor = {
  enabled: () => analytics().enabled(),
  ingestClientBatch: (...a) => analytics().ingestClientBatch(...a),
  emit: (...a) => analytics().emit(...a),
  emitNow: (...a) => analytics().emitNow(...a),
  assignments: (...a) => analytics().assignments(...a),
};
