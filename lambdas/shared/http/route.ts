import { findRoute, HTTP_METHODS, matchRoute, type Route } from '../../../lib/config/routes';
import type { ProxyEvent } from './types';

/** Routes already resolved by whoever built the event (the local gateway), keyed by the event object. */
const resolved = new WeakMap<ProxyEvent, Route>();

/**
 * Hands the route a gateway already matched to the Lambda that will receive `event`, so the handler wrapper does not
 * look it up again (the local gateway calls this; in AWS nothing does and {@link resolveRoute} reads the event).
 */
export function attachRoute(event: ProxyEvent, route: Route): void {
  resolved.set(event, route);
}

/**
 * The route-table entry of a REST proxy event: the one attached by {@link attachRoute}, else the route of
 * `event.httpMethod` + `event.resource` (API Gateway's resource template — the route was matched by the gateway).
 * Called once per request, by the handler wrapper.
 * @returns `undefined` when the event names no route of the table
 */
export function resolveRoute(event: ProxyEvent): Route | undefined {
  return resolved.get(event) ?? findRoute(event.httpMethod, event.resource);
}

/**
 * Methods the route table serves on a concrete path (for 405 `Allow`), in table order, `ANY` expanded.
 * @param serves keeps only the routes of one integration (default: every route)
 */
export function allowedMethods(path: string, serves: (route: Route) => boolean = () => true): string[] {
  return HTTP_METHODS.filter((m) => {
    if (m === 'ANY') return false;
    const r = matchRoute(m, path).route;
    return r !== undefined && serves(r);
  });
}
