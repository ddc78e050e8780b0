import { rateLimitStep } from '../shared/http/rate-limit-step';
import { athenaReaderFromEnv } from './analytics-athena';
import { analyticsReaderFromEnv } from './analytics-port';
import { createAdminApi } from './app';
import { defaultDeps } from './deps';

/**
 * Admin API Lambda (REST proxy integration of every admin route in `lib/config/routes.ts`), behind the authorizer
 * and the rate limiter (`limitClass: admin`). See docs/admin-api.md. Analytics reads go to Athena when the stage's
 * workgroup is set (the adapter is wired here, in the admin bundle only).
 */
const deps = defaultDeps({ analytics: analyticsReaderFromEnv(process.env, athenaReaderFromEnv) });

export const handler = createAdminApi({ ...deps, rateLimit: rateLimitStep(deps) });
