/**
 * The stage's CloudWatch Synthetics canary as data: what it calls, how often, its name and metrics. CDK builds the
 * canary from it (`lib/constructs/api-canary.ts`), the canary script runs its checks (`canary/checks.ts`), the alarm
 * catalog and the dashboard read its metrics, and `npm run canary` runs the same checks against the local stack.
 * Pure data: no `aws-cdk-lib` import.
 */
import * as z from 'zod';
import { ROUTES } from './routes';
import type { StageName } from './stage-names';

/** Minutes between two canary runs (the Synthetics schedule `rate(1 minute)`). */
export const CANARY_SCHEDULE_MINUTES = 1;

/** One request of a canary run. */
export interface CanaryCheck {
  /** Step name (logs, `RESULT`). */
  readonly name: string;
  readonly method: 'GET';
  /** A path of the route table (no parameters). */
  readonly path: string;
  /** Sent with the canary's client-credentials token. */
  readonly auth: boolean;
  /** The status that counts as success. */
  readonly expectStatus: number;
}

/**
 * What every run calls, in order: the public liveness route, then one authenticated route with a machine-to-machine
 * token (authorizer, usage plan, limiter and a Lambda behind it: the whole request path).
 */
export const CANARY_CHECKS: readonly CanaryCheck[] = [
  { name: 'health', method: 'GET', path: '/health', auth: false, expectStatus: 200 },
  { name: 'me', method: 'GET', path: '/v1/me', auth: true, expectStatus: 200 },
];

/** Timeout of one request of a run, ms (a run calls the token endpoint and each check once). */
export const CANARY_REQUEST_TIMEOUT_MS = 10_000;

/** Synthetics canary name of a stage (lower case, ≤ 255 characters): `marketedge-<stage>-api`. */
export function canaryName(stage: StageName): string {
  return `marketedge-${stage}-api`;
}

/** Namespace of the canary metrics (`CanaryName` dimension). */
export const CANARY_NAMESPACE = 'CloudWatchSynthetics';

/** Canary metrics the alarms and dashboards read: percent of successful runs, run duration (ms). */
export type CanaryMetricName = 'SuccessPercent' | 'Duration';

/**
 * The canary's client credentials as stored in Secrets Manager (secret `canary.secretName` of the stage config): the
 * Auth0 machine-to-machine application of the platform's own tenant, exchanged for a token with the
 * client-credentials grant.
 */
export const canaryCredentialsSchema = z
  .object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })
  .strict();

/** Parsed canary credentials. */
export type CanaryCredentials = z.output<typeof canaryCredentialsSchema>;

/** Auth0's token endpoint of an issuer (`https://<tenant>/` → `https://<tenant>/oauth/token`). */
export function tokenEndpoint(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer : `${issuer}/`}oauth/token`;
}

/** True when every check's path is a route of the route table with the check's auth setting. */
export function checksMatchRoutes(checks: readonly CanaryCheck[] = CANARY_CHECKS): boolean {
  return checks.every((c) =>
    ROUTES.some(
      (r) => r.path === c.path && (r.method === c.method || r.method === 'ANY') && r.auth === c.auth,
    ),
  );
}

/** Client id of the canary's machine-to-machine client on the local issuer (`npm start`, `npm run canary`). */
export const LOCAL_CANARY_CLIENT_ID = 'marketedge-canary-local';

/** The tenant the canary's tokens are for (the platform's own tenant, seeded locally; in Auth0, the M2M app's). */
export const CANARY_TENANT_ID = 'marketedge';
