/**
 * The values one alarm {@link MetricRef} had in a window of a {@link MetricStore}: custom metrics from the EMF
 * points, API Gateway metrics and a Lambda's `Duration` from the requests (the alarm evaluator's reads).
 */
import { integrationFunction, type MetricRef, servicesOf } from '../../lib/config/alarms';
import type { LambdaHandlerName } from '../../lib/config/budgets';
import { METRICS_NAMESPACE } from '../../lib/config/metrics';
import { findRoute } from '../../lib/config/routes';
import type { ApiRequest, MetricStore } from './store';

/**
 * The value a request-derived reference (`api` metrics, a Lambda's `Duration`) takes for one request, `undefined`
 * when the request has none (other route, no integration); `undefined` for a reference not read from requests.
 */
export function requestValue(ref: MetricRef): ((r: ApiRequest) => number | undefined) | undefined {
  // A Lambda's Duration: the integration latency of the requests whose route it serves (the handler runs in-process).
  if (ref.source === 'lambda' && ref.metric === 'Duration' && ref.function) {
    const fn = ref.function;
    return (r) => {
      const v = r.integrationLatencyMs;
      return v !== undefined && functionOfRoute(r.method, r.route) === fn ? v : undefined;
    };
  }
  if (ref.source !== 'api') return undefined;
  const route = ref.route;
  const value = API_VALUE[ref.metric];
  if (!route) return value;
  return (r) =>
    r.route === route.path && (route.method === 'ANY' || r.method === route.method) ? value(r) : undefined;
}

/**
 * Calls `each` with every value one metric reference had in `[from, to)` of `store`, oldest first, reading the
 * store in place. Other AWS service metrics (Lambda, ElastiCache, DynamoDB, Contributor Insights) do not exist
 * locally: alarms reading them are UNSUPPORTED, so they are never asked for (and yield nothing).
 */
export function eachValue(
  store: MetricStore,
  ref: MetricRef,
  from: number,
  to: number,
  each: (v: number) => void,
): void {
  if (ref.source === 'custom') {
    const services = servicesOf(ref.metric);
    store.eachPoint(ref.metric, from, to, (p) => {
      if (p.namespace === METRICS_NAMESPACE && services.includes(p.dimensions.service ?? '')) each(p.value);
    });
    return;
  }
  const value = requestValue(ref);
  if (!value) return;
  store.eachRequest(from, to, (r) => {
    const v = value(r);
    if (v !== undefined) each(v);
  });
}

/** The value each API Gateway metric takes for one request; `undefined` when the request has none. */
const API_VALUE: Record<
  Extract<MetricRef, { source: 'api' }>['metric'],
  (r: ApiRequest) => number | undefined
> = {
  Count: () => 1,
  '4XXError': (r) => (r.status >= 400 && r.status < 500 ? 1 : 0),
  '5XXError': (r) => (r.status >= 500 ? 1 : 0),
  Latency: (r) => r.latencyMs,
  IntegrationLatency: (r) => r.integrationLatencyMs,
};

/** Integration function of each `METHOD resourcePath` seen (the route table is fixed; `null` = no route). */
const routeFunctions = new Map<string, LambdaHandlerName | null>();

/** The Lambda serving the route a request matched (`findRoute` once per distinct method and path). */
function functionOfRoute(method: string, resourcePath: string): LambdaHandlerName | null {
  const key = `${method} ${resourcePath}`;
  let fn = routeFunctions.get(key);
  if (fn === undefined) {
    const route = findRoute(method, resourcePath);
    fn = route ? integrationFunction(route) : null;
    routeFunctions.set(key, fn);
  }
  return fn;
}
