import { createObservability } from '../shared/observability';
import { dynamoReportsRepository } from './repository';
import { createReportsService } from './service';

/** Powertools logger/metrics/tracer and the DynamoDB client live for the container, outside the handler. */
const obs = createObservability('reports');

/** Lambda entry point of the reports service (routes `/v1/me`, `/v1/reports*`); see `service.ts`. */
export const handler = createReportsService({ repository: dynamoReportsRepository(), obs });
