import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazyAnalytics } from '../shared/analytics/runtime';
import { documentClient } from '../shared/aws/dynamodb';
import { cursorKeySource } from '../shared/http/cursor-key';
import { rateLimitStep } from '../shared/http/rate-limit-step';
import { createObservability } from '../shared/observability';
import { getTenant } from '../shared/tenants/repository';
import { dynamoReportsRepository } from './repository';
import { createReportsService } from './service';

/** Powertools logger/metrics/tracer live for the container, outside the handler. */
const obs = createObservability('reports');

let traced: DynamoDBDocumentClient | undefined;
/** The shared DynamoDB client, instrumented once for X-Ray (a no-op outside Lambda). */
function client(): DynamoDBDocumentClient {
  const c = documentClient();
  if (traced !== c) traced = obs.tracer.captureAWSv3Client(c);
  return traced;
}

/**
 * Lambda entry point of the reports service (`GET /v1/me`, `/v1/reports*`; see `service.ts`), behind the rate
 * limiter: the route table's limit class applies (`write` routes also meet the stricter `user-writes` rule).
 */
export const handler = createReportsService({
  repository: dynamoReportsRepository(client),
  obs,
  rateLimit: rateLimitStep(obs),
  analytics: lazyAnalytics,
  // Created at load: a Lambda deployed without its cursor key fails to start instead of failing on the first page.
  cursorKey: cursorKeySource(),
  tenantProfile: async (tenantId) => {
    const t = await getTenant(tenantId);
    return t && { name: t.name, branding: t.branding };
  },
});
