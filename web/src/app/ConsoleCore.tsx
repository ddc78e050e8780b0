import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProductEventsProvider } from '../analytics/events-context';
import { ApiProvider } from '../api/api-context';
import { OperationsPathContext } from '../api/operations';
import { AuthGate } from '../auth/AuthGate';
import { SessionProvider } from '../session/session';
import { Shell } from './Shell';

/**
 * Everything inside the auth provider and the router, mounted the same way by the app and by `renderWithTenant`:
 * data client, API client, the product-analytics sender, the sign-in gate, the session (`/v1/me` + theme) and the shell (or `children`).
 */
export function ConsoleCore({
  apiUrl,
  operationsPath,
  queryClient,
  fetchFn,
  children,
}: {
  apiUrl: string;
  /** `operationsPath` of `config.json` (the Operations page's data), when the stage has one. */
  operationsPath?: string;
  queryClient: QueryClient;
  fetchFn?: typeof fetch;
  children?: ReactNode;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider baseUrl={apiUrl} fetchFn={fetchFn}>
        <ProductEventsProvider>
          <OperationsPathContext.Provider value={operationsPath}>
            <AuthGate>
              <SessionProvider>{children ?? <Shell />}</SessionProvider>
            </AuthGate>
          </OperationsPathContext.Provider>
        </ProductEventsProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}
