/**
 * Physical names of the platform's Lambdas, for CDK (`ServiceFunction`), the monitoring stack (`FunctionName`
 * dimensions) and the saved Logs Insights queries. Pure data.
 */
import type { LambdaHandlerName } from './budgets';

/** Physical function name of a stage's Lambda: `marketedge-<stage>-<name>`. */
export function lambdaFunctionName(stage: string, name: LambdaHandlerName): string {
  return `marketedge-${stage}-${name}`;
}

/** Default log group of a stage's Lambda: `/aws/lambda/marketedge-<stage>-<name>`. */
export function lambdaLogGroupName(stage: string, name: LambdaHandlerName): string {
  return `/aws/lambda/${lambdaFunctionName(stage, name)}`;
}

/**
 * Timeout of the admin API Lambda, seconds: under API Gateway's integration timeout (`INTEGRATION_TIMEOUT_MS`, 29 s)
 * so the Lambda, not the gateway, ends a slow request, and above the Athena wait of `GET /admin/analytics/…`
 * (`ANALYTICS_QUERY_WAIT_MS`, `lib/config/analytics-api.ts`) so a slow query answers 503 with `Retry-After`.
 */
export const ADMIN_TIMEOUT_SEC = 28;
