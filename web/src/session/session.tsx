import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo } from 'react';
import type { Role } from '../../../lib/config/roles';
import { useApi } from '../api/api-context';
import type { ApiResponse } from '../api/client';
import type { Me } from '../api/types';
import { ApiErrorView } from '../components/ApiErrorView';
import { Loading } from '../components/Loading';
import { cssVariables, resolveTheme, type Theme } from '../theme/tokens';

/** The signed-in caller: `GET /v1/me` (tenant context, name, branding), its theme and role checks. */
export interface Session {
  me: Me;
  theme: Theme;
  /** `true` when the caller has any of the roles. */
  hasRole(...roles: Role[]): boolean;
}

const SessionContext = createContext<Session | null>(null);

/** Query key of `GET /v1/me` (the "my limits" page refreshes it to read fresh `RateLimit` headers). */
export const ME_QUERY_KEY = ['me'] as const;

/** Reads `GET /v1/me` with its response (headers included). */
export function useMeQuery() {
  const api = useApi();
  return useQuery<ApiResponse<Me>>({
    queryKey: ME_QUERY_KEY,
    queryFn: ({ signal }) => api.request<Me>('GET', '/v1/me', { signal }),
    staleTime: 60_000,
  });
}

/** Applies a theme's CSS variables to the document root (components read only `var(--me-…)`). */
export function useApplyTheme(theme: Theme | undefined): void {
  useEffect(() => {
    if (!theme) return;
    const root = document.documentElement;
    for (const [k, v] of Object.entries(cssVariables(theme.tokens))) root.style.setProperty(k, v);
    root.dataset.theme = theme.id;
  }, [theme]);
}

/**
 * Loads the session and themes the document; children render once `/v1/me` answered. A failure of the first load
 * is shown instead of the children; a failed refetch keeps the children (the last good session stays).
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const q = useMeQuery();
  const me = q.data?.data;
  const session = useMemo<Session | undefined>(() => {
    if (!me || typeof me !== 'object' || !Array.isArray(me.roles)) return undefined;
    return {
      me,
      theme: resolveTheme(me.vertical, me.branding, me.tenantName),
      hasRole: (...roles) => me.roles.some((r) => roles.includes(r)),
    };
  }, [me]);
  useApplyTheme(session?.theme);
  // Only a failed first load replaces the console: a failed refetch (e.g. "my limits" → Refresh → 429) keeps the
  // last session and the page, which shows the error itself.
  if (q.error && !session) {
    return (
      <main className="page narrow">
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      </main>
    );
  }
  if (!session) {
    return q.isSuccess ? (
      <main className="page narrow">
        <p role="alert">The API answered /v1/me with an unexpected body.</p>
      </main>
    ) : (
      <Loading label="Loading your workspace" />
    );
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The current {@link Session}. @throws {Error} outside {@link SessionProvider} */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
