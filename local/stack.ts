import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HTTP_SETTINGS } from '../lambdas/shared/http/settings';
import { ANALYTICS_ENV } from '../lib/config/analytics';
import { LOCAL_RUM_PATH, RUM_FLAG } from '../lib/config/console';
import { httpBackendSetting, SETTINGS } from '../lib/config/settings';
import { erasureFilter } from './analytics/erasures';
import { LocalAnalyticsReader } from './analytics/reader';
import { loadOrCreateLocalSecret } from './analytics/secret';
import { LOCAL_CURSOR_SIGNING_KEY, type LocalConfig, localConfig } from './config';
import { consoleFrontDoor } from './console-wiring';
import { CONTROL_PREFIX, controlPlane } from './control/router';
import { type DevKey, loadOrCreateDevKey, localStateDir } from './dev-key';
import { type LocalDynamo, startDynalite, useLocalDynamoEnv } from './dynamo';
import { type EchoUpstream, startEchoUpstream } from './echo-upstream';
import { faultsControl, LocalFaults } from './faults/controller';
import { type AccessLogSink, batchedLines } from './gateway/access-log';
import { AuthorizerStep } from './gateway/authorizer-step';
import { answerClientError } from './gateway/client-error';
import { createGateway } from './gateway/server';
import { UsagePlanThrottle } from './gateway/usage-plan';
import { UsagePlanDirectory } from './gateway/usage-plans';
import { loadAuthorizer, loadIntegrations } from './integrations';
import { type LocalMetrics, startLocalMetrics } from './metrics/runtime';
import { DISCOVERY_PATH, discoveryDocument, JWKS_PATH, jwksDocument, localIssuer } from './oidc';
import { chooseRedis, isCluster, type RedisChoice } from './redis';
import { RumCollector, rumControl } from './rum/collector';
import { securityFrontDoor } from './security/front-door';
import { type LocalSecurity, startLocalSecurity } from './security/runtime';
import { applySeed, loadSeed, type Seed } from './seed';

/** Options of {@link startStack}; each defaults from the environment (see docs/local.md). */
export interface StackOptions {
  /** Environment to read and to configure the handlers through (default `process.env`, mutated). */
  env?: NodeJS.ProcessEnv;
  /** Port override (0 = a free port); default `PORT` or 3000. */
  port?: number;
  /** Seed fixture path (default `local/fixtures/seed.json`). */
  seedPath?: string | URL;
  /** Access-log sink (default: one JSON line per request on stdout). */
  accessLog?: AccessLogSink;
  /** Unexpected-error sink (default stderr). */
  onError?: (message: string) => void;
}

/** A running local stack. */
export interface RunningStack {
  /** Base URL, e.g. `http://localhost:3000`. */
  url: string;
  port: number;
  /** Local OIDC issuer (`<url>/`), the value of `AUTH0_ISSUER`. */
  issuer: string;
  config: LocalConfig;
  dynamo: LocalDynamo;
  redis: RedisChoice;
  upstream: EchoUpstream;
  seed: Seed;
  devKey: DevKey;
  /** Where the dev key lives. */
  stateDir: string;
  /** The authorizer step (its result cache can be flushed). */
  authorizer: AuthorizerStep;
  /** Usage-plan throttle state (tests reset it). */
  throttle: UsagePlanThrottle;
  /** WAF IP sets, security bus, responder and security-events (docs/local.md, `npm run drill:security`). */
  security: LocalSecurity;
  /** Metric store (EMF lines + access log) and the alarm evaluator (`GET /_local/alarms`, `npm run drill`). */
  metrics: LocalMetrics;
  /** Fault injection (`/_local/faults`): Redis frozen, upstream slow/failing, DynamoDB failing, limits clamped. */
  faults: LocalFaults;
  /** The console's real-user-monitoring events (`/_local/rum`, while `apm_monitoring_enabled` is on). */
  rum: RumCollector;
  /** Start-up time, ms (process-relative work inside `startStack`). */
  startupMs: number;
  /** Stops the HTTP server, the echo upstream, dynalite and a spawned redis-server or Redis Cluster. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the whole local request path in this process: dynalite (seeded), the limiter store (Redis or in-memory),
 * the echo upstream, the OIDC issuer and the gateway on one port. Handlers are configured only through env vars
 * (`STAGE`, `*_TABLE`, `DYNAMODB_ENDPOINT`, `REDIS_URL`, `REDIS_CLUSTER`, `AUTH0_*`, `HTTP_BACKEND_MARKETDATA`, …) and the
 * authorizer through its `createAuthorizer` factory.
 * @throws {Error} invalid `PORT`/`STAGE`, an invalid seed fixture, or the port being in use (`EADDRINUSE`)
 */
export async function startStack(opts: StackOptions = {}): Promise<RunningStack> {
  const t0 = performance.now();
  const env = opts.env ?? process.env;
  const config = localConfig(env);
  const port = opts.port ?? config.port;
  const seed = loadSeed(opts.seedPath);
  const stateDir = localStateDir(env);
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const [devKey, dynamo, redis, upstream] = await Promise.all([
      loadOrCreateDevKey(stateDir),
      startDynalite('local', { transactions: true }),
      chooseRedis(env),
      startEchoUpstream(),
    ]);
    cleanups.push(
      () => dynamo.stop(),
      () => upstream.stop(),
    );
    if (redis.kind === 'spawned' || redis.kind === 'spawned-cluster') cleanups.push(redis.stop);
    await applySeed(dynamo.client, dynamo.tables, seed);

    const throttle = new UsagePlanThrottle();
    let ready: ReturnType<typeof createGateway> | undefined;
    let front: ReturnType<typeof consoleFrontDoor> | undefined;
    let securityFront: ReturnType<typeof securityFrontDoor> | undefined;
    let control: ReturnType<typeof controlPlane> | undefined;
    let analyticsReader: LocalAnalyticsReader | undefined;
    const server: Server = createServer((req, res) => {
      if (securityFront?.(req, res)) return;
      if (analyticsReader?.serveDownload(req, res)) return;
      if (control?.(req, res)) return;
      if (front?.(req, res)) return;
      if (ready) return ready(req, res);
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"message":"starting"}');
    });
    server.keepAliveTimeout = 65_000;
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, () => resolve());
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const actualPort = (server.address() as AddressInfo).port;
    const issuer = localIssuer(actualPort);
    const auth0 = {
      ...config.stageConfig.auth0,
      clockToleranceSec:
        envSeconds(env.LOCAL_CLOCK_TOLERANCE_SEC) ?? config.stageConfig.auth0.clockToleranceSec,
    };
    const authorizerCacheTtlSec =
      envSeconds(env.LOCAL_AUTHORIZER_CACHE_TTL_SEC) ?? config.stageConfig.authorizer.cacheTtlSec;

    configureHandlerEnv(env, {
      stage: config.stage,
      dynamo,
      redis,
      issuer,
      audience: auth0.audience,
      namespace: auth0.claimsNamespace,
      clockToleranceSec: auth0.clockToleranceSec,
      tenantCacheTtlSec: config.stageConfig.authorizer.tenantCacheTtlSec,
      rateLimiter: config.stageConfig.rateLimiter,
      upstream: upstream.url,
    });
    configureLocalAnalytics(env, stateDir);
    // The file sink drops the records of users being erased (npm run analytics:erase; docs/analytics.md).
    const { setFileSinkFactory } = await import('../lambdas/shared/analytics/runtime');
    const { fileSink } = await import('../lambdas/shared/analytics/file-sink');
    const filter = erasureFilter(env[ANALYTICS_ENV.dir] ?? join(stateDir, 'analytics'));
    setFileSinkFactory((root) => fileSink({ root, filter }));
    const metrics = startLocalMetrics(config.stageConfig, env);
    cleanups.push(async () => metrics.stop());
    cleanups.push(async () => {
      const { resetAnalytics } = await import('../lambdas/shared/analytics/runtime');
      resetAnalytics();
    });
    // The admin API's analytics reads (GET /admin/analytics/…) run on embedded DuckDB over the same store.
    const { installAnalyticsReader } = await import('../lambdas/admin/analytics-port');
    const reader = new LocalAnalyticsReader({
      root: env[ANALYTICS_ENV.dir] ?? join(stateDir, 'analytics'),
      baseUrl: `http://localhost:${actualPort}`,
    });
    installAnalyticsReader(reader);
    analyticsReader = reader;
    cleanups.push(async () => {
      installAnalyticsReader(undefined);
      await reader.close();
    });

    const onError = opts.onError ?? ((m: string) => process.stderr.write(`[local] ${m}\n`));
    const [integrations, authorize, security] = await Promise.all([
      loadIntegrations(),
      loadAuthorizer({
        issuer,
        audience: auth0.audience,
        claimsNamespace: auth0.claimsNamespace,
        clockToleranceSec: auth0.clockToleranceSec,
        tenantCacheTtlSec: config.stageConfig.authorizer.tenantCacheTtlSec,
      }),
      startLocalSecurity({ config: config.stageConfig.security, env, onError }),
    ]);
    cleanups.push(() => security.stop());
    securityFront = securityFrontDoor(security);
    cleanups.push(async () => {
      const { resetRateLimiter } = await import('../lambdas/shared/rate-limit');
      await resetRateLimiter();
    });
    const authorizer = new AuthorizerStep(authorize, authorizerCacheTtlSec);
    const { flags } = await import('../lambdas/shared/flags');
    const faults = new LocalFaults({ upstream, dynamo, redis, admin: integrations.lambda.admin });
    cleanups.push(async () => {
      await faults.remove();
    });
    const rum = new RumCollector();
    control = controlPlane({
      flags,
      extra: {
        ...metrics.control,
        faults: faultsControl(faults),
        [LOCAL_RUM_PATH.slice(CONTROL_PREFIX.length)]: rumControl(rum),
      },
    });
    const directory = new UsagePlanDirectory();
    front = consoleFrontDoor({
      url: `http://localhost:${actualPort}`,
      issuer,
      audience: auth0.audience,
      claimsNamespace: auth0.claimsNamespace,
      devKey,
      seed,
      env,
      rumEnabled: () => flags.isEnabled(RUM_FLAG),
    });
    const discovery = discoveryDocument(issuer);
    const jwks = jwksDocument(devKey);
    // stdout gets the lines of one event-loop turn in one write (a synchronous write per request before).
    let accessLog = opts.accessLog;
    if (!accessLog) {
      const stdout = batchedLines((chunk) => process.stdout.write(chunk));
      cleanups.push(async () => stdout.flush());
      accessLog = (line) => stdout.push(line);
    }
    ready = createGateway({
      stage: config.stage,
      integrations,
      authorizer,
      usagePlanOf: (key, tenantId) => directory.lookup(key, tenantId),
      throttle,
      wellKnown: (path) => (path === DISCOVERY_PATH ? discovery : path === JWKS_PATH ? jwks : undefined),
      accessLog: (line, record) => {
        accessLog(line, record);
        metrics.observeAccessLog(record);
        security.observeAccessLog(record);
      },
      onError,
      waf: security.waf,
    });
    return {
      url: `http://localhost:${actualPort}`,
      port: actualPort,
      issuer,
      config,
      dynamo,
      redis,
      upstream,
      seed,
      devKey,
      stateDir,
      authorizer,
      throttle,
      security,
      metrics,
      faults,
      rum,
      startupMs: performance.now() - t0,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

interface HandlerEnv {
  stage: string;
  dynamo: LocalDynamo;
  redis: RedisChoice;
  issuer: string;
  audience: string;
  namespace: string;
  clockToleranceSec: number;
  tenantCacheTtlSec: number;
  rateLimiter: { commandTimeoutMs: number; breakerFailureThreshold: number; breakerCooldownMs: number };
  upstream: string;
}

/**
 * Sets the Lambdas' environment contract (`lib/config/settings.ts`, table names from `lib/config/data-model.ts`) for the local adapters. Variables a developer already set
 * for Powertools (log level, metrics) are kept.
 */
function configureHandlerEnv(env: NodeJS.ProcessEnv, h: HandlerEnv): void {
  env[SETTINGS.stage.name] = h.stage;
  env[SETTINGS.awsRegion.name] ??= SETTINGS.awsRegion.default;
  useLocalDynamoEnv(h.dynamo, env);
  if (h.redis.kind === 'memory') delete env[SETTINGS.redisUrl.name];
  else env[SETTINGS.redisUrl.name] = h.redis.url;
  if (isCluster(h.redis)) env[SETTINGS.redisCluster.name] = 'true';
  else delete env[SETTINGS.redisCluster.name];
  env[SETTINGS.auth0Issuer.name] = h.issuer;
  env[SETTINGS.auth0Audience.name] = h.audience;
  env[SETTINGS.auth0ClaimsNamespace.name] = h.namespace;
  env[SETTINGS.auth0ClockToleranceSec.name] = String(h.clockToleranceSec);
  env[SETTINGS.tenantCacheTtlSec.name] = String(h.tenantCacheTtlSec);
  env[SETTINGS.rateLimitTimeoutMs.name] ??= String(h.rateLimiter.commandTimeoutMs);
  env[SETTINGS.rateLimitBreakerThreshold.name] ??= String(h.rateLimiter.breakerFailureThreshold);
  env[SETTINGS.rateLimitBreakerCooldownMs.name] ??= String(h.rateLimiter.breakerCooldownMs);
  env[httpBackendSetting('marketData').name] = h.upstream;
  env[HTTP_SETTINGS.cursorSigningKey.env] ??= LOCAL_CURSOR_SIGNING_KEY;
  env[SETTINGS.logLevel.name] ??= 'WARN';
  // EMF lines go to the local metric store (`local/metrics/`), not to the terminal (`LOCAL_EMF_ECHO=1` prints them).
  env[SETTINGS.metricsDisabled.name] ??= 'false';
  env[SETTINGS.traceEnabled.name] ??= 'false';
  env[SETTINGS.serviceName.name] ??= 'marketedge-local';
}

/**
 * A non-negative integer number of seconds from an environment variable; `undefined` when unset.
 * `LOCAL_CLOCK_TOLERANCE_SEC` and `LOCAL_AUTHORIZER_CACHE_TTL_SEC` override the stage's token clock tolerance and
 * authorizer cache TTL locally (the browser suites set both to 0 so an expired session is refused at once).
 * @throws {Error} a value that is not such an integer
 */
function envSeconds(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected whole seconds >= 0, got "${value}"`);
  return n;
}

/**
 * Local product analytics (docs/analytics.md): records go to the file sink under `<state dir>/analytics/` (the S3
 * layout), hashed with the local secret (`.local/analytics-hash-secret`), and `business_analytics_enabled` is on
 * unless `FEATURE_FLAGS` sets it — so `npm run analytics -- funnel` shows what you clicked. Values already set win.
 */
function configureLocalAnalytics(env: NodeJS.ProcessEnv, stateDir: string): void {
  env[ANALYTICS_ENV.sink] ??= 'file';
  env[ANALYTICS_ENV.dir] ??= join(stateDir, 'analytics');
  if (!env[ANALYTICS_ENV.secret] && !env[ANALYTICS_ENV.secretName]) {
    env[ANALYTICS_ENV.secret] = loadOrCreateLocalSecret(env);
  }
  let flagValues: Record<string, unknown> = {};
  try {
    const overlay = env[SETTINGS.featureFlags.name];
    flagValues = overlay ? (JSON.parse(overlay) as Record<string, unknown>) : {};
  } catch {
    flagValues = {};
  }
  if (typeof flagValues.business_analytics_enabled !== 'boolean') {
    env[SETTINGS.featureFlags.name] = JSON.stringify({ ...flagValues, business_analytics_enabled: true });
  }
}
