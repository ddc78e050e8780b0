/**
 * Application performance monitoring settings shared by CDK, the Lambdas and the console. Pure data.
 */

/**
 * CloudWatch Lambda Insights extension version on every Lambda (CPU, memory, network, init per invocation, in
 * `/aws/lambda-insights`). CDK turns it into the layer ARN of the stack's region and architecture from its region
 * table (`LambdaInsightsVersion.fromInsightVersion`; a region-keyed mapping when the region is not known at synth).
 */
export const LAMBDA_INSIGHTS_VERSION = '1.0.498.0';

/** X-Ray annotations the request path sets on its handler subsegment (indexed: usable in trace group filters). */
export const TRACE_ANNOTATIONS = {
  /** Route key, e.g. `GET /v1/reports/{reportId}`. */
  route: 'route',
  /** Tenant tier, e.g. `enterprise` (absent without a tenant context). */
  tier: 'tier',
  /** `success` (2xx/3xx), `client_error` (4xx but 429), `rate_limited` (429), `server_error` (5xx). */
  outcome: 'outcome',
} as const;

/** Outcome of one request, as annotated (see {@link TRACE_ANNOTATIONS}). */
export type RequestOutcome = 'success' | 'client_error' | 'rate_limited' | 'server_error';

/** The outcome class of an HTTP status. */
export function outcomeOf(status: number): RequestOutcome {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'success';
}
