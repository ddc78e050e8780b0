import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import { createProductEvents, type ProductEvents } from './product-events';

const ProductEventsContext = createContext<ProductEvents | null>(null);

/** What {@link useProductEvents} returns outside a provider (the component gallery's pieces): sends nothing. */
const INERT: ProductEvents = {
  pageView() {},
  featureUsed() {},
  firstLogin() {},
  exposure() {},
  flush: async () => {},
  attach: () => () => {},
  stats: { sent: 0, dropped: {}, pausedUntil: 0, stopped: true },
};

/**
 * Provides the console's product-analytics sender (`product-events.ts`) over the API client of the enclosing
 * `ApiProvider`. One sender per mounted console; its timer and hide listeners live while the provider is mounted.
 * @param flushAfterMs override of the send delay (tests)
 */
export function ProductEventsProvider({
  children,
  flushAfterMs,
}: {
  children: ReactNode;
  flushAfterMs?: number;
}) {
  const api = useApi();
  const apiRef = useRef(api);
  apiRef.current = api;
  const [events] = useState(() => createProductEvents({ api: () => apiRef.current, flushAfterMs }));
  useEffect(() => events.attach(), [events]);
  return <ProductEventsContext.Provider value={events}>{children}</ProductEventsContext.Provider>;
}

/** The product-analytics sender (an inert one outside {@link ProductEventsProvider}). */
export function useProductEvents(): ProductEvents {
  return useContext(ProductEventsContext) ?? INERT;
}
