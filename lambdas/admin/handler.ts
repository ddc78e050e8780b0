import { rateLimitStep } from '../shared/http/rate-limit-step';
import { createAdminApi } from './app';
import { defaultDeps } from './deps';

/**
 * Admin API Lambda (REST proxy integration of every admin route in `lib/config/routes.ts`), behind the authorizer
 * and the rate limiter (`limitClass: admin`). See docs/admin-api.md.
 */
const deps = defaultDeps();

export const handler = createAdminApi({ ...deps, rateLimit: rateLimitStep(deps) });
