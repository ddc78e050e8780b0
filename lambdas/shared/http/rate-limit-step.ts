import { withRateLimit } from '../rate-limit';
import type { RequestStep } from './types';

/**
 * The shared rate limiter as a {@link RequestStep} of the handler wrapper: runs the limiter for the request and
 * calls `next` when it allows (adding the rate-limit headers), else answers 429/503.
 */
export const rateLimitStep: RequestStep = (req, next) => withRateLimit(() => next())(req.event, req.context);
