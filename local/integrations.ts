import type { AuthorizerFn } from './gateway/authorizer-step';
import type { Integrations, ProxyHandler } from './gateway/server';

/** How the local stack configures the authorizer (the `createAuthorizer` options it passes). */
export interface LocalAuthorizerSettings {
  /** The local issuer, `http://localhost:<port>/`. */
  issuer: string;
  audience: string;
  claimsNamespace: string;
  /** Seconds. */
  clockToleranceSec: number;
  /** Seconds. */
  tenantCacheTtlSec: number;
}

/**
 * Imports the integration handlers (`lambdas/{health,reports,admin,edge-proxy}/handler.ts`), exactly the modules
 * the Lambdas run. Call after the environment is set: handlers read their configuration from env vars when they load.
 */
export async function loadIntegrations(): Promise<Integrations> {
  const [health, reports, admin, edgeProxy] = await Promise.all([
    import('../lambdas/health/handler'),
    import('../lambdas/reports/handler'),
    import('../lambdas/admin/handler'),
    import('../lambdas/edge-proxy/handler'),
  ]);
  return {
    lambda: {
      health: health.handler as ProxyHandler,
      reports: reports.handler as ProxyHandler,
      admin: admin.handler as ProxyHandler,
    },
    edgeProxy: edgeProxy.handler as ProxyHandler,
  };
}

/**
 * Builds the authorizer with `lambdas/authorizer`'s `createAuthorizer` factory — the same code as the Lambda — with
 * the local issuer, and a JWKS cache that fetches over plain http (`createFetchJwksCache`; aws-jwt-verify's default
 * fetcher is HTTPS-only, docs/local.md).
 */
export async function loadAuthorizer(settings: LocalAuthorizerSettings): Promise<AuthorizerFn> {
  const [{ createAuthorizer, createFetchJwksCache }, { createLoggerAndMetrics }] = await Promise.all([
    import('../lambdas/authorizer/index'),
    import('../lambdas/shared/logger-metrics'),
  ]);
  const { logger, metrics } = createLoggerAndMetrics('authorizer');
  const authorize = createAuthorizer({
    ...settings,
    jwksCache: createFetchJwksCache(),
    logger,
    metrics,
  });
  return (event, context) => {
    logger.addContext(context);
    return authorize(event);
  };
}
