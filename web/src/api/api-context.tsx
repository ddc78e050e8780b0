import { createContext, type ReactNode, useContext, useMemo, useRef } from 'react';
import { useAuthState } from '../auth/auth-state';
import { type ApiClient, createApiClient } from './client';

const ApiContext = createContext<ApiClient | null>(null);

/**
 * Provides the API client for `baseUrl`, reading the access token from the current auth state at call time.
 * @param fetchFn override (tests); default the global `fetch`
 */
export function ApiProvider({
  baseUrl,
  fetchFn,
  children,
}: {
  baseUrl: string;
  fetchFn?: typeof fetch;
  children: ReactNode;
}) {
  const auth = useAuthState();
  const token = useRef(auth.accessToken);
  token.current = auth.accessToken;
  const client = useMemo(
    () => createApiClient({ baseUrl, fetchFn, getToken: () => token.current }),
    [baseUrl, fetchFn],
  );
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** The API client. @throws {Error} outside {@link ApiProvider} */
export function useApi(): ApiClient {
  const c = useContext(ApiContext);
  if (!c) throw new Error('useApi outside ApiProvider');
  return c;
}
