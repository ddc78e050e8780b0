import { METRIC } from '../../../lib/config/metrics';
import type { AdminRequest } from '../context';

/**
 * Tells running limiters about a committed policy change. The change is already stored, so a failure here does
 * not fail the request: it is logged and counted, and the response carries `x-policy-propagation: delayed`
 * (limiters still pick the change up when the version key is next bumped or their cache expires).
 * @returns response headers to add
 */
export async function notifyLimiter(
  req: AdminRequest,
  bump: () => Promise<void>,
): Promise<Record<string, string>> {
  try {
    await bump();
    return {};
  } catch (err) {
    req.deps.logger.error('policy version bump failed', { error: (err as Error).name, route: req.routeKey });
    req.deps.metrics.addMetric(METRIC.AdminPolicyBumpFailed, 'Count', 1);
    return { 'x-policy-propagation': 'delayed' };
  }
}
