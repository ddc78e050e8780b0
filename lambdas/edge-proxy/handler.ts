import { rateLimitStep } from '../shared/http/rate-limit-step';
import { createObservability } from '../shared/observability';
import { createEdgeProxy } from './proxy';

/** Powertools logger/metrics/tracer live for the container; the keep-alive upstream agent is created on first use. */
const obs = createObservability('edge-proxy');

/**
 * Lambda entry point of the edge proxy for `http` routes (e.g. `ANY /v1/market/{proxy+}`; see `proxy.ts`), behind
 * the rate limiter: a 429/503 decision answers before any upstream call; allowed responses get the rate-limit
 * headers.
 */
export const handler = createEdgeProxy({ obs, rateLimit: rateLimitStep(obs) });
