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
