import type { AuthorizerFn } from './gateway/authorizer-step';
import type { Integrations, ProxyHandler } from './gateway/server';

/** How the local stack configures the authorizer (the `createAuthorizer` options it passes). */
export interface LocalAuthorizerSettings {
  issuer: string;
  audience: string;
  claimsNamespace: string;
  clockToleranceSec: number;
}

/**
 * Imports the integration handlers (`lambdas/{health,reports,admin,edge-proxy}/handler.ts`). Call after the
 * environment is set: handlers read their configuration from env vars when they load.
 */
export async function loadIntegrations(): Promise<Integrations> {
  const [health, reports, admin, edgeProxy] = await Promise.all([
    import('../lambdas/health/handler'),
    optional('../lambdas/reports/handler'),
    optional('../lambdas/admin/handler'),
    optional('../lambdas/edge-proxy/handler'),
  ]);
  return {
    lambda: { health: health.handler as ProxyHandler, reports: reports.handler, admin: admin.handler },
    edgeProxy: edgeProxy.handler,
  };
}

/**
 * Creates the authorizer through `lambdas/authorizer`'s `createAuthorizer` factory with a JWKS cache that fetches
 * over plain HTTP from the local issuer.
 */
export async function loadAuthorizer(settings: LocalAuthorizerSettings): Promise<AuthorizerFn> {
  const spec = '../lambdas/authorizer/index';
  const mod = (await import(spec).catch(() => undefined)) as
    | { createAuthorizer?: (o: Record<string, unknown>) => AuthorizerFn }
    | undefined;
  if (!mod?.createAuthorizer) {
    return async () => {
      throw new Error('lambdas/authorizer is not available yet');
    };
  }
  const { SimpleJwksCache } = await import('aws-jwt-verify/jwk');
  const { HttpJwksFetcher } = await import('./gateway/jwks-fetcher');
  return mod.createAuthorizer({
    ...settings,
    jwksCache: new SimpleJwksCache({ fetcher: new HttpJwksFetcher() }),
  });
}

async function optional(spec: string): Promise<{ handler: ProxyHandler }> {
  try {
    return (await import(spec)) as { handler: ProxyHandler };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      handler: async () => ({
        statusCode: 502,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: `integration ${spec} is not available: ${why}` }),
      }),
    };
  }
}
