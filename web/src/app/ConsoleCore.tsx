import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiProvider } from '../api/api-context';
import { AuthGate } from '../auth/AuthGate';
import { SessionProvider } from '../session/session';
import { Shell } from './Shell';

/**
 * Everything inside the auth provider and the router, mounted the same way by the app and by `renderWithTenant`:
 * data client, API client, the sign-in gate, the session (`/v1/me` + theme) and the shell (or `children`).
 */
export function ConsoleCore({
  apiUrl,
  queryClient,
  fetchFn,
  children,
}: {
  apiUrl: string;
  queryClient: QueryClient;
  fetchFn?: typeof fetch;
  children?: ReactNode;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider baseUrl={apiUrl} fetchFn={fetchFn}>
        <AuthGate>
          <SessionProvider>{children ?? <Shell />}</SessionProvider>
        </AuthGate>
      </ApiProvider>
    </QueryClientProvider>
  );
}
