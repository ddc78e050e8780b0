import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { createLoggerAndMetrics } from '../shared/logger-metrics';
import { type AuthorizerResult, createAuthorizer } from './authorizer';
import { authorizerConfigFromEnv } from './config';

/*
 * Module scope = once per container: config validated (a bad env fails the cold start loudly), Logger/Metrics,
 * the verifier and its JWKS cache, the DynamoDB client (lazily, inside the tenant repository). Nothing per request.
 * Tracer is deliberately not loaded here: aws-xray-sdk-core alone would exceed the 150 KB bundle budget; with
 * active tracing on the function, X-Ray still records the authorizer invocation (docs/authorizer.md).
 */
const { logger, metrics } = createLoggerAndMetrics('authorizer');
const authorize = createAuthorizer({ ...authorizerConfigFromEnv(), logger, metrics });

/**
 * API Gateway REST REQUEST authorizer (identity source: the `Authorization` header).
 * @returns Allow (whole-API policy, context, usageIdentifierKey) or Deny (403)
 * @throws {Error} `Unauthorized` → 401; a dependency error (JWKS, tenants table) → 500
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEvent,
  context?: Context,
): Promise<AuthorizerResult> {
  if (context) logger.addContext(context);
  logger.appendKeys({ correlation_id: event.requestContext?.requestId, route: event.resource });
  metrics.captureColdStartMetric();
  try {
    return await authorize(event);
  } finally {
    logger.removeKeys(['correlation_id', 'route']);
  }
}
